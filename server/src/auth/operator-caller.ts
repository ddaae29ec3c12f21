/**
 * A dashboard operator as a caller of the typed APIs: the `latchkey_session` cookie (sent when there is no
 * `Authorization` header) resolves to the operator's session, the environment named by `X-Latchkey-Environment`
 * (default `dev`) and the scopes of the operator's role. Services then treat the call like a secret key's, and
 * record it in the audit log.
 */
import { AuthenticationError, LatchkeyError, ROLE_SCOPES } from '@latchkey/schema';
import type { EnvironmentService } from '../environments/environment.service';
import type { OperatorService } from '../operators/operator.service';
import type { ValidatedSession } from '../operators/operator-session';
import type { AuthContext } from './auth-context';

export const ENVIRONMENT_HEADER = 'x-latchkey-environment';
export const DEFAULT_OPERATOR_ENVIRONMENT = 'dev';

/** Why a signed-in operator may still not use the API: the second factor, or enrolment the instance requires. */
export type OperatorRestriction = 'two_factor_pending' | 'two_factor_enrollment' | null;

export interface OperatorCaller {
  kind: 'operator';
  auth: AuthContext;
  operator: {
    id: string;
    email: string;
    role: ValidatedSession['operator']['role'];
    displayName: string | null;
  };
  sessionId: string;
  session: ValidatedSession;
  restriction: OperatorRestriction;
}

export async function operatorRestriction(
  operators: OperatorService,
  session: ValidatedSession,
): Promise<OperatorRestriction> {
  if (!session.twoFactorVerified) return 'two_factor_pending';
  if (session.operator.twoFactorEnabled) return null;
  return (await operators.instanceSettings()).requireTwoFactor ? 'two_factor_enrollment' : null;
}

export async function operatorCaller(
  services: { operators: OperatorService; environments: EnvironmentService },
  session: ValidatedSession,
  request: { environment: string | null | undefined; ip: string | null },
): Promise<OperatorCaller> {
  const [restriction, environment] = await Promise.all([
    operatorRestriction(services.operators, session),
    services.environments.getByName(request.environment?.trim() || DEFAULT_OPERATOR_ENVIRONMENT),
  ]);
  const { operator } = session;
  return {
    kind: 'operator',
    auth: {
      environment: { id: environment.id, name: environment.name },
      scopes: ROLE_SCOPES[operator.role],
      actor: {
        kind: 'operator',
        id: operator.id,
        email: operator.email,
        role: operator.role,
        ip: request.ip,
      },
    },
    operator: {
      id: operator.id,
      email: operator.email,
      role: operator.role,
      displayName: operator.displayName,
    },
    sessionId: session.id,
    session,
    restriction,
  };
}

/** Refuses a session that has not finished signing in (401) or must enrol in two-factor first (403). */
export function assertUnrestricted(caller: OperatorCaller): void {
  if (caller.restriction === 'two_factor_pending') throw new AuthenticationError('two_factor_required');
  if (caller.restriction === 'two_factor_enrollment')
    throw new LatchkeyError('two_factor_enrollment_required');
}

/**
 * The caller behind a request without `Authorization`: the operator of a valid session cookie. A cookie that names
 * no live session is a 401 `session_expired`.
 */
export async function authenticateSessionCookie(
  services: { operators: OperatorService; environments: EnvironmentService },
  token: string,
  request: { environment: string | null | undefined; ip: string | null },
): Promise<OperatorCaller> {
  const session = await services.operators.sessions.validate(token);
  if (session === null) throw new AuthenticationError('session_expired');
  return operatorCaller(services, session, request);
}
