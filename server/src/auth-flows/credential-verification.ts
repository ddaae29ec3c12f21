/**
 * Checking end-user credentials (API key, basic) against the provider before storing them, when the provider
 * declares a verification request (`proxy.verification`). The declared endpoints are tried in order; the first 2xx
 * accepts the credentials. A refusal leaves nothing behind: the caller stores only after this returns.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import type { OperationLog } from '../logs/log.service';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { credentialHeaders, credentialTemplateValues } from '../proxy/credential-injection';
import { buildProviderUrl, interpolateTemplate } from './interpolation';

export async function verifyCredentials(
  outbound: OutboundFetch,
  provider: Provider,
  credentials: Credentials,
  connectionConfig: Record<string, string>,
  log: OperationLog,
  options: { allowHttp: boolean },
): Promise<void> {
  const verification = provider.proxy?.verification;
  if (verification === undefined) return;
  const base = verification.base_url_override ?? provider.proxy?.base_url;
  if (base === undefined) return;
  const values = credentialTemplateValues(credentials, connectionConfig);
  const headers = credentialHeaders(provider, credentials, connectionConfig);
  for (const [name, template] of Object.entries(verification.headers ?? {})) {
    headers[name.toLowerCase()] = interpolateTemplate(template, values).value;
  }
  const baseUrl = buildProviderUrl(base, connectionConfig, {
    allowHttp: options.allowHttp,
    fields: provider.connection_config,
  });
  let lastStatus = 0;
  for (const endpoint of verification.endpoints) {
    const url = new URL(
      baseUrl.href.replace(/\/+$/, '') + (endpoint.startsWith('/') ? endpoint : `/${endpoint}`),
    );
    if (url.origin !== baseUrl.origin)
      throw new LatchkeyError('url_not_allowed', 'A verification endpoint leaves the provider host.');
    for (const [name, template] of Object.entries(provider.proxy?.query ?? {})) {
      url.searchParams.set(name, interpolateTemplate(template, values).value);
    }
    const method = (verification.method ?? 'GET').toUpperCase();
    const response = await outbound({
      method,
      url: url.href,
      headers,
      ...(verification.data === undefined || method === 'GET'
        ? {}
        : { body: JSON.stringify(verification.data) }),
    });
    await log.info('credentials verification request', {
      host: url.host,
      path: url.pathname,
      status: response.status,
    });
    if (response.status >= 200 && response.status < 300) return;
    lastStatus = response.status;
  }
  throw new LatchkeyError(
    'connection_test_failed',
    `The provider refused the credentials (HTTP ${lastStatus}).`,
    {
      payload: { status: lastStatus },
    },
  );
}
