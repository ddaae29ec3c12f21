/**
 * Who is calling GraphQL, resolved once per request (HTTP) or per socket (graphql-ws) with the services REST uses:
 * a secret key, or a connect session token for the few operations a widget needs. An anonymous or unknown caller
 * never reaches execution: it is refused with `UNAUTHENTICATED` (HTTP 401).
 */
import { LatchkeyError } from '@latchkey/schema';
import { GraphQLError } from 'graphql';
import type { AuthContext } from '../../auth/auth-context';
import { authenticateBearer, authenticateRequest, type BearerCaller } from '../../auth/bearer-caller';
import { bindingCookieFrom } from '../../connect-sessions/browser-binding';
import type { Services } from '../../services';
import { graphqlErrorExtensions } from './graphql-errors';

export type GraphqlCaller = BearerCaller;

export interface GraphqlContext {
  services: Services;
  caller: GraphqlCaller;
  /** Shorthand for `caller.auth`, what every service call takes. */
  auth: AuthContext;
}

/** The caller of a graphql-ws socket, from its `Authorization` and the upgrade request's `Cookie`. */
export async function resolveCaller(
  services: Services,
  authorization: string | null | undefined,
  cookieHeader: string | null | undefined,
): Promise<GraphqlCaller> {
  try {
    return await authenticateBearer(services, authorization, { cookie: bindingCookieFrom(cookieHeader) });
  } catch (error) {
    if (error instanceof LatchkeyError && (error.status === 401 || error.status === 403)) {
      throw new GraphQLError(error.message, {
        extensions: { ...graphqlErrorExtensions(error), http: { status: error.status } },
      });
    }
    throw error;
  }
}

/**
 * The caller of an HTTP request: `Authorization`, or without it the dashboard's session cookie (an operator, treated
 * like a secret key with its role's scopes). Refusals (401, an unknown environment, two-factor not done) stop the
 * request before execution with their own status.
 */
export async function resolveRequestCaller(
  services: Services,
  headers: Headers,
  ip: string | null = null,
): Promise<GraphqlCaller> {
  try {
    return await authenticateRequest(services, headers, ip);
  } catch (error) {
    if (error instanceof LatchkeyError && error.status < 500) {
      throw new GraphQLError(error.message, {
        extensions: { ...graphqlErrorExtensions(error), http: { status: error.status } },
      });
    }
    throw error;
  }
}

/** The session of a field that scope-auth opens to connect session tokens only; the check narrows the type. */
export function sessionCaller(caller: GraphqlCaller): Extract<GraphqlCaller, { kind: 'connectSession' }> {
  if (caller.kind !== 'connectSession') throw new Error('scope-auth admits only connect session tokens here');
  return caller;
}
