/**
 * Who is behind `Authorization: Bearer …` for the typed APIs: a secret key (the whole API within its scopes) or a
 * connect session token (the widget's few operations, its reads limited to the session's integrations). Throws the
 * same 401 `LatchkeyError`s REST answers with.
 */
import { CONNECT_SESSION_TOKEN_PATTERN } from '@latchkey/schema';
import type { ApiKeyService } from '../api-keys/api-key.service';
import type { ConnectSession, ConnectSessionService } from '../connect-sessions/connect-session.service';
import { connectSessionAuth } from '../connect-sessions/session-auth';
import type { AuthContext } from './auth-context';
import { parseBearerHeader } from './bearer-token';

export type BearerCaller =
  | { kind: 'secretKey'; auth: AuthContext }
  | { kind: 'connectSession'; auth: AuthContext; session: ConnectSession; token: string };

export async function authenticateBearer(
  services: { apiKeys: ApiKeyService; connectSessions: ConnectSessionService },
  authorization: string | null | undefined,
): Promise<BearerCaller> {
  const token = parseBearerHeader(authorization);
  if (CONNECT_SESSION_TOKEN_PATTERN.test(token)) {
    const session = await services.connectSessions.authenticate(token);
    return { kind: 'connectSession', auth: connectSessionAuth(session), session, token };
  }
  const key = await services.apiKeys.authenticate(token);
  return { kind: 'secretKey', auth: { environment: key.environment, scopes: key.scopes } };
}
