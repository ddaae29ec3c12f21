/**
 * The provider URL a proxy call goes to: the base (the provider's `proxy.base_url` filled from the connection config,
 * or the caller's `Base-Url-Override`), the path after `/proxy` and the caller's query string byte for byte, then the
 * credential query parameters the provider declares.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { buildProviderUrl } from '../provider-requests/provider-url';

export interface UpstreamUrlInput {
  provider: Provider;
  connectionConfig: Record<string, string>;
  baseUrlOverride: string | undefined;
  /** Percent-encoded as received, starting with `/` (or empty for the base itself). */
  path: string;
  /** The raw query string without `?`, as received. */
  query: string;
  credentialQuery: Record<string, string>;
  /** Development: `http:` bases (the outbound policy still decides which addresses). */
  allowHttp: boolean;
}

export function upstreamUrl(input: UpstreamUrlInput): URL {
  const base = baseUrl(input);
  const joined = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${input.path}`);
  // The path is the caller's, but it may only move within the base's host (`//evil.test` stays a path here).
  if (joined.origin !== base.origin) {
    throw new LatchkeyError('url_not_allowed', 'The proxied path leaves the provider host.');
  }
  const query = [base.search.slice(1), input.query, new URLSearchParams(input.credentialQuery).toString()];
  joined.search = query.filter((part) => part !== '').join('&');
  return joined;
}

function baseUrl(input: UpstreamUrlInput): URL {
  const options = { allowHttp: input.allowHttp, fields: input.provider.connection_config };
  if (input.baseUrlOverride !== undefined) {
    // A template in the override is filled the same way, keeping its host; a plain URL is taken as it is.
    if (input.baseUrlOverride.includes('${')) {
      return buildProviderUrl(input.baseUrlOverride, input.connectionConfig, options);
    }
    return new URL(input.baseUrlOverride);
  }
  const template = input.provider.proxy?.base_url;
  if (template === undefined) {
    throw new LatchkeyError(
      'unsupported_provider',
      'The provider declares no proxy base URL; send a Base-Url-Override header.',
    );
  }
  return buildProviderUrl(template, input.connectionConfig, options);
}
