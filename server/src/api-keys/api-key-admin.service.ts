/**
 * Secret keys as an operator manages them from the dashboard: list (settings-read), create with chosen scopes and
 * revoke (`environment:api_keys:write`, admins only among operators), both written to the audit log. The secret is
 * in the create answer and nowhere else.
 */
import { ForbiddenError, GRANTABLE_SCOPE_PATTERN, ValidationError } from '@latchkey/schema';
import type { AuditService } from '../audit/audit.service';
import { type AuthContext, requireScope } from '../auth/auth-context';
import type { ApiKeyService, ApiKeySummary } from './api-key.service';

export interface ApiKeyAdminService {
  list(auth: AuthContext): Promise<ApiKeySummary[]>;
  create(
    auth: AuthContext,
    input: { name: string; scopes: string[] },
  ): Promise<{ id: string; secretKey: string }>;
  revoke(auth: AuthContext, id: string): Promise<void>;
}

export function createApiKeyAdminService(deps: {
  apiKeys: ApiKeyService;
  audit?: Pick<AuditService, 'record'> | undefined;
}): ApiKeyAdminService {
  const { apiKeys } = deps;
  return {
    async list(auth) {
      requireScope(auth, 'environment:settings:read');
      return apiKeys.list(auth.environment.id);
    },

    async create(auth, input) {
      requireScope(auth, 'environment:api_keys:write');
      const malformed = input.scopes.filter((scope) => !GRANTABLE_SCOPE_PATTERN.test(scope));
      if (malformed.length > 0)
        throw new ValidationError('invalid_body', `Unknown scope ${malformed.join(', ')}.`);
      // No key grants more than its creator holds.
      const beyond = input.scopes.filter(
        (wanted) => !auth.scopes.some((held) => scopeCoversGrant(held, wanted)),
      );
      if (beyond.length > 0) {
        throw new ForbiddenError(`You cannot grant ${beyond.join(', ')}.`, { payload: { scopes: beyond } });
      }
      const created = await apiKeys.create({
        environmentId: auth.environment.id,
        name: input.name,
        scopes: input.scopes,
      });
      await deps.audit?.record(auth, {
        action: 'api_key.create',
        environmentId: auth.environment.id,
        targetType: 'api_key',
        targetId: created.id,
        details: { name: input.name, scopes: input.scopes },
      });
      return created;
    },

    async revoke(auth, id) {
      requireScope(auth, 'environment:api_keys:write');
      await apiKeys.revoke(id, auth.environment.id);
      await deps.audit?.record(auth, {
        action: 'api_key.revoke',
        environmentId: auth.environment.id,
        targetType: 'api_key',
        targetId: id,
      });
    },
  };
}

/** Whether a held scope covers a scope to grant, wildcards on both sides (`environment:*` covers `environment:connections:*`). */
function scopeCoversGrant(held: string, wanted: string): boolean {
  if (held === wanted) return true;
  return held.endsWith('*') && wanted.startsWith(held.slice(0, -1));
}
