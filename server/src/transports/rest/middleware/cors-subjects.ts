/**
 * For whom a request acts, for the CORS grant (cors.ts), by the credential each kind of route takes: the
 * authenticated secret key or session token of the API groups, the session token or public key of the browser
 * routes, the Bearer of the typed APIs. The dashboard's cookie never earns a grant: it is used from its own origin.
 */
import { CONNECT_SESSION_TOKEN_PATTERN } from '@latchkey/schema';
import type { Context } from 'hono';
import type { Services } from '../../../services';
import type { RestEnv } from '../rest-env';
import type { CorsSubject, CorsSubjectOf } from './cors';

/** The browser routes: the widget's and the frontend SDK's, which take a session token or a public key. */
export const BROWSER_PATHS = [
  '/connect/session',
  '/connect/session/*',
  '/oauth/*',
  '/oauth2/*',
  '/auth/*',
  '/api-auth/*',
  '/app-auth/*',
];

/** After the secret-key middleware: the environment it authenticated. */
export const authenticatedSubject: CorsSubjectOf = (c) => ({
  environmentId: c.get('auth').environment.id,
  credentials: CONNECT_SESSION_TOKEN_PATTERN.test(bearerValue(c) ?? ''),
});

/** The session token (Bearer, or `connect_session_token` as the flow endpoints take it) or the public key. */
export function browserSubject(services: Services): CorsSubjectOf {
  return async (c) => {
    const bearer = bearerValue(c);
    const sessionToken =
      bearer !== undefined && CONNECT_SESSION_TOKEN_PATTERN.test(bearer)
        ? bearer
        : queryValue(c, 'connect_session_token');
    const publicKey = sessionToken === undefined ? queryValue(c, 'public_key') : undefined;
    if (sessionToken === undefined && publicKey === undefined) return undefined;
    const environmentId =
      sessionToken !== undefined
        ? await services.connectSessions.environmentIdOf(sessionToken)
        : await services.allowedOrigins.environmentOfPublicKey(publicKey!);
    // Unknown or expired: the answer is a 401 that holds nothing of an environment, and the widget must read it.
    return environmentId === undefined ? 'any' : { environmentId, credentials: true };
  };
}

/**
 * GraphQL and tRPC: the Bearer (secret key or session token), looked up without authenticating anyone (the
 * transport does that); without one, the caller is the dashboard's cookie, which earns nothing.
 */
export function bearerSubject(services: Services): CorsSubjectOf {
  return async (c): Promise<CorsSubject> => {
    const token = bearerValue(c);
    if (token === undefined) return undefined;
    if (CONNECT_SESSION_TOKEN_PATTERN.test(token)) {
      const environmentId = await services.connectSessions.environmentIdOf(token);
      return environmentId === undefined ? undefined : { environmentId, credentials: true };
    }
    const key = await services.apiKeys.authenticate(token);
    return { environmentId: key.environment.id, credentials: false };
  };
}

function bearerValue(c: Context<RestEnv>): string | undefined {
  return /^\s*Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

function queryValue(c: Context<RestEnv>, name: string): string | undefined {
  const value = c.get('query')[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
