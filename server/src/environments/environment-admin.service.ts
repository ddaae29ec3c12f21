/**
 * Environments as the dashboard's switcher sees them: an operator lists every environment, a secret key only its
 * own; creating one is for admins (operator management is checked by role, not scope) and is audited.
 */
import { ForbiddenError } from '@latchkey/schema';
import type { AuditService } from '../audit/audit.service';
import type { AuthContext } from '../auth/auth-context';
import type { CreatedEnvironment, Environment, EnvironmentService } from './environment.service';

export interface EnvironmentAdminService {
  list(auth: AuthContext): Promise<Environment[]>;
  create(auth: AuthContext, name: string): Promise<CreatedEnvironment>;
}

export function createEnvironmentAdminService(deps: {
  environments: EnvironmentService;
  audit?: Pick<AuditService, 'record'> | undefined;
}): EnvironmentAdminService {
  const { environments } = deps;
  return {
    async list(auth) {
      const all = await environments.list();
      return auth.actor?.kind === 'operator' ? all : all.filter((e) => e.id === auth.environment.id);
    },

    async create(auth, name) {
      if (auth.actor?.kind !== 'operator' || auth.actor.role !== 'admin') {
        throw new ForbiddenError('Only an admin operator can create environments.');
      }
      const created = await environments.create(name);
      await deps.audit?.record(auth, {
        action: 'environment.create',
        environmentId: created.environment.id,
        targetType: 'environment',
        targetId: name,
      });
      return created;
    },
  };
}
