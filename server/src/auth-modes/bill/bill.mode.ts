/**
 * BILL: a session login with the end user's name, password, organization id and developer key; the session is
 * renewed by logging in again. Requests carry the session id and developer key where the entry's `proxy.headers`
 * (or `proxy.query`) place them (`${credentials.session_id}`, `${credentials.dev_key}`); an entry that places no
 * session id (Nango's own BILL entries) gets BILL's `sessionId` and `devKey` headers.
 */
import { collectStrings, findPlaceholders, type Provider } from '@latchkey/providers';
import { z } from 'zod';
import { tokenUrlTemplate } from '../../provider-requests/provider-templates';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import type { AuthModeHandler, ModeRuntime, ObtainedCredentials } from '../auth-mode';
import {
  type BillCredentials,
  type BillLogin,
  billLoginRequest,
  loginOf,
  processBillLoginResponse,
} from './bill-login';

/** Nango's body of `POST /auth/bill/:key`. */
export const billAuthInputSchema = z
  .object({
    username: z.string().min(1).max(1024),
    password: z.string().min(1).max(1024),
    organization_id: z.string().min(1).max(1024),
    dev_key: z.string().min(1).max(1024),
  })
  .strict();

async function logIn(
  provider: Provider,
  connectionConfig: Record<string, string>,
  runtime: ModeRuntime,
  login: BillLogin,
): Promise<ObtainedCredentials> {
  const loginUrl = buildProviderUrl(tokenUrlTemplate(provider, 'BILL'), connectionConfig, {
    allowHttp: runtime.allowPrivateUrls,
    fields: provider.connection_config,
  });
  const response = await billLoginRequest(runtime.outbound, loginUrl, login);
  const obtained = processBillLoginResponse(response, login);
  await runtime.note('session opened', {
    status: response.status,
    expires_at: obtained.expiresAt.toISOString(),
  });
  return obtained;
}

/** Whether the entry's proxy headers or query carry the session id (`${credentials.session_id}`, `${session_id}`). */
function placesSession(provider: Provider): boolean {
  return collectStrings([provider.proxy?.headers, provider.proxy?.query]).some((template) =>
    findPlaceholders(template).some(
      (placeholder) =>
        (placeholder.kind === 'credentials' || placeholder.kind === 'bare') &&
        placeholder.name === 'session_id',
    ),
  );
}

export const billMode: AuthModeHandler = {
  mode: 'BILL',
  flow: {
    kind: 'direct',
    paths: ['/auth/bill'],
    input: billAuthInputSchema,
    connect: ({ provider, connectionConfig, runtime, input }) =>
      logIn(provider, connectionConfig, runtime, {
        username: input.username,
        password: input.password,
        organizationId: input.organization_id,
        devKey: input.dev_key,
      }),
  },
  renew: ({ provider, credentials, connectionConfig, runtime }) =>
    logIn(provider, connectionConfig, runtime, loginOf(credentials as BillCredentials)),
  canRenew: (credentials) => credentials.type === 'BILL',
  authorize({ provider, credentials }) {
    // An entry that places the session itself gets exactly its own headers (filled from templateValues after this).
    if (placesSession(provider)) return {};
    const { session_id, dev_key } = credentials as BillCredentials;
    return { headers: { devKey: dev_key, ...(session_id === undefined ? {} : { sessionId: session_id }) } };
  },
  templateValues: (credentials) => ({ ...credentials }),
  currentToken: (credentials) => (credentials as BillCredentials).session_id,
};
