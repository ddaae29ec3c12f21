/**
 * The headers of one hop to the provider. Precedence follows Nango: Latchkey's defaults, then the credentials, then
 * the caller's `Nango-Proxy-*` headers. A hop that left the provider's origin carries no credentials, neither ours
 * nor any the caller set.
 */
import type { Provider } from '@latchkey/providers';
import type { Credentials } from '@latchkey/schema';
import type { AuthModeHandler, ModeIntegration } from '../auth-modes/auth-mode';
import { requestCredentials } from '../auth-modes/request-credentials';
import type { ProxyBody } from './request-body';
import type { Hop } from './upstream-exchange';

export interface HeaderContext {
  mode: AuthModeHandler;
  provider: Provider;
  integration: ModeIntegration;
  credentials: Credentials;
  connectionConfig: Record<string, string>;
  /** The caller's headers for the provider, already filtered. */
  forwarded: Record<string, string>;
  contentType: string | undefined;
  /** Sent as it is; Latchkey asks for the encodings it decodes instead when it decompresses. */
  acceptEncoding: string | undefined;
  decompress: boolean;
  userAgent: string;
}

/** Never carried off the provider's origin, whoever set them. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];
const FORM = 'application/x-www-form-urlencoded';

export function hopHeaders(hop: Hop, context: HeaderContext): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': context.userAgent };
  const acceptEncoding = context.decompress ? 'gzip, deflate, br' : context.acceptEncoding;
  if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
  for (const [name, value] of Object.entries(context.forwarded)) {
    if (hop.withCredentials || !CREDENTIAL_HEADERS.includes(name)) headers[name] = value;
  }
  Object.assign(headers, bodyHeaders(hop.body, context.contentType));
  if (hop.withCredentials) {
    // Signed per hop (OAuth 1.0a, SigV4): each retry and redirect gets a fresh signature over what it sends.
    const data = hop.body.kind === 'buffered' ? hop.body.data : undefined;
    const form = data !== undefined && isFormBody(context.contentType) ? data : undefined;
    const added = requestCredentials({
      mode: context.mode,
      provider: context.provider,
      integration: context.integration,
      credentials: context.credentials,
      connectionConfig: context.connectionConfig,
      request: {
        method: hop.method,
        url: hop.url,
        headers: { ...headers },
        body: data,
        // Pairs, not a map: a repeated field is signed as often as it is sent.
        ...(form === undefined ? {} : { formBody: [...new URLSearchParams(form.toString())] }),
      },
    });
    // Credentials first, then the caller's own headers, as Nango orders them; the body's framing stays ours.
    const callers = Object.fromEntries(Object.entries(context.forwarded));
    return { ...headers, ...added.headers, ...callers, ...bodyHeaders(hop.body, context.contentType) };
  }
  return headers;
}

/** An OAuth 1.0a signature covers the parameters of a form body (RFC 5849 §3.4.1.3.1), so such a body is read first. */
export function isFormBody(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === FORM;
}

function bodyHeaders(body: ProxyBody, contentType: string | undefined): Record<string, string> {
  if (body.kind === 'none') return {};
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  const length = body.kind === 'buffered' ? body.data.length : body.length;
  if (length !== undefined) headers['content-length'] = String(length);
  return headers;
}
