/**
 * Who is calling, as every service sees it, whichever transport authenticated the call. Services check scopes
 * themselves (not the transports), so REST, GraphQL and tRPC cannot disagree about what a key may do.
 */
import { ForbiddenError, hasScope, type OperatorRole, type Scope } from '@latchkey/schema';

/** Who acts, for the audit log: a signed-in operator (its actions are recorded) or a secret key. */
export type AuthActor =
  | { kind: 'operator'; id: string; email: string; role: OperatorRole; ip?: string | null }
  | { kind: 'apiKey'; id: string };

export interface AuthContext {
  environment: { id: string; name: string };
  scopes: readonly string[];
  /** Set when a connect session token authenticated the call: only these integrations are visible. */
  allowedIntegrations?: readonly string[] | null;
  actor?: AuthActor;
}

export function integrationVisible(auth: AuthContext, uniqueKey: string): boolean {
  return auth.allowedIntegrations == null || auth.allowedIntegrations.includes(uniqueKey);
}

export function requireScope(auth: AuthContext, scope: Scope): void {
  if (!hasScope(auth.scopes, scope)) {
    throw new ForbiddenError(`This operation requires the ${scope} scope.`, {
      payload: { required_scope: scope },
    });
  }
}

export function canAccess(auth: AuthContext, scope: Scope): boolean {
  return hasScope(auth.scopes, scope);
}
