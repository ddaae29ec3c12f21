/**
 * Checking credentials the end user typed (API key, basic, and every other direct mode) against the provider before
 * storing them, when the provider declares a verification request (`proxy.verification`). The declared endpoints
 * are tried in order; the first 2xx accepts the credentials. A refusal leaves nothing behind: the caller stores only
 * after this returns.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import type { AuthModeHandler, ModeIntegration } from '../auth-modes/auth-mode';
import { requestCredentials } from '../auth-modes/request-credentials';
import type { OperationLog } from '../logs/log.service';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { buildProviderUrl } from '../provider-requests/provider-url';

export interface VerificationInput {
  provider: Provider;
  integration: ModeIntegration;
  credentials: Credentials;
  connectionConfig: Record<string, string>;
  log: OperationLog;
  allowHttp: boolean;
}

export async function verifyCredentials(
  outbound: OutboundFetch,
  mode: AuthModeHandler,
  input: VerificationInput,
): Promise<void> {
  const { provider, connectionConfig, log } = input;
  const verification = provider.proxy?.verification;
  if (verification === undefined) return;
  const base = verification.base_url_override ?? provider.proxy?.base_url;
  if (base === undefined) return;
  const baseUrl = buildProviderUrl(base, connectionConfig, {
    allowHttp: input.allowHttp,
    fields: provider.connection_config,
  });
  const method = (verification.method ?? 'GET').toUpperCase();
  const body =
    verification.data === undefined || method === 'GET' ? undefined : JSON.stringify(verification.data);
  let lastStatus = 0;
  for (const endpoint of verification.endpoints) {
    const url = new URL(
      baseUrl.href.replace(/\/+$/, '') + (endpoint.startsWith('/') ? endpoint : `/${endpoint}`),
    );
    if (url.origin !== baseUrl.origin)
      throw new LatchkeyError('url_not_allowed', 'A verification endpoint leaves the provider host.');
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    const added = requestCredentials({
      mode,
      provider,
      integration: input.integration,
      credentials: input.credentials,
      connectionConfig,
      request: {
        method,
        url,
        headers,
        ...(body === undefined ? {} : { body: Buffer.from(body) }),
      },
      extraHeaderTemplates: verification.headers,
    });
    for (const [name, value] of Object.entries(added.query)) url.searchParams.set(name, value);
    const response = await outbound({
      method,
      url: url.href,
      headers: { ...headers, ...added.headers },
      ...(body === undefined ? {} : { body }),
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
    { payload: { status: lastStatus } },
  );
}
