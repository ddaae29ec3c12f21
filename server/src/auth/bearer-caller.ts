/**
 * Who is behind `Authorization: Bearer …` for the typed APIs: a secret key (the whole API within its scopes) or a
 * connect session token (the widget's few operations, its reads limited to the session's integrations); without the
 * header, a dashboard operator's session cookie (operator-caller.ts). Throws the same 401 `LatchkeyError`s REST
 * answers with. The typed APIs set no binding cookie: a browser-bound session must first be opened in the Connect UI
 * or widget (REST), and is then usable here from that browser only.
 */
import { CONNECT_SESSION_TOKEN_PATTERN } from '@latchkey/schema';
import type { ApiKeyService } from '../api-keys/api-key.service';
import { bindingCookieFrom, type SessionBrowser } from '../connect-sessions/browser-binding';
import type { ConnectSession, ConnectSessionService } from '../connect-sessions/connect-session.service';
import { connectSessionAuth } from '../connect-sessions/session-auth';
import type { EnvironmentService } from '../environments/environment.service';
import type { OperatorService } from '../operators/operator.service';
import { sessionTokenFromCookieHeader } from '../operators/session-cookie';
import type { AuthContext } from './auth-context';
import { parseBearerHeader } from './bearer-token';
import {
  assertUnrestricted,
  authenticateSessionCookie,
  ENVIRONMENT_HEADER,
  type OperatorCaller,
} from './operator-caller';

export type BearerCaller =
  | { kind: 'secretKey'; auth: AuthContext }
  | {
      kind: 'connectSession';
      auth: AuthContext;
      session: ConnectSession;
      token: string;
      /** The request's browser, checked again when a flow re-authenticates the token. */
      browser: SessionBrowser;
    }
  | OperatorCaller;

export async function authenticateBearer(
  services: { apiKeys: ApiKeyService; connectSessions: ConnectSessionService },
  authorization: string | null | undefined,
  browser: SessionBrowser,
): Promise<BearerCaller> {
  const token = parseBearerHeader(authorization);
  if (CONNECT_SESSION_TOKEN_PATTERN.test(token)) {
    const session = await services.connectSessions.authenticate(token, browser);
    return { kind: 'connectSession', auth: connectSessionAuth(session), session, token, browser };
  }
  const key = await services.apiKeys.authenticate(token);
  return {
    kind: 'secretKey',
    auth: { environment: key.environment, scopes: key.scopes, actor: { kind: 'apiKey', id: key.apiKeyId } },
  };
}

/**
 * The caller of one HTTP request: `Authorization` when present, else the session cookie. An operator session that
 * has not finished two-factor (or must enrol first) is refused here; only the `auth` procedures accept it.
 */
export async function authenticateRequest(
  services: {
    apiKeys: ApiKeyService;
    connectSessions: ConnectSessionService;
    operators: OperatorService;
    environments: EnvironmentService;
  },
  headers: Headers,
  ip: string | null = null,
): Promise<BearerCaller> {
  const authorization = headers.get('authorization');
  const cookieToken =
    authorization === null || authorization.trim() === ''
      ? sessionTokenFromCookieHeader(headers.get('cookie'))
      : null;
  if (cookieToken === null) {
    return authenticateBearer(services, authorization, { cookie: bindingCookieFrom(headers.get('cookie')) });
  }
  const caller = await authenticateSessionCookie(services, cookieToken, {
    environment: headers.get(ENVIRONMENT_HEADER),
    ip,
  });
  assertUnrestricted(caller);
  return caller;
}
