/**
 * What admins do to the team: invite (a link shown once, no mail server needed), change roles, remove, and the
 * instance-wide two-factor requirement. The routers let only admins call these; the last admin is protected here.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, type InstanceSettings, LatchkeyError, type OperatorRole } from '@latchkey/schema';
import type { AuditService } from '../audit/audit.service';
import type { AuthContext } from '../auth/auth-context';
import type { Db } from '../platform/database/database';
import { REQUIRE_TWO_FACTOR, readInstanceSetting, writeInstanceSetting } from './instance-settings';
import {
  deleteOperator,
  findOperatorByEmail,
  findOperatorById,
  insertInvitation,
  listPendingInvitations,
  lockAdminIds,
  revokePendingInvitations,
  updateOperator,
} from './operator.repository';
import { LastAdminError } from './operator-errors';
import { generateSecureRandomString, hashTokenSecret } from './session-token';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface PendingInvitation {
  id: string;
  email: string;
  role: OperatorRole;
  createdAt: Date;
  expiresAt: Date;
  invitedBy: string | null;
}

export interface OperatorTeamService {
  /** The link is shown once: only its token's hash is stored. A newer invitation replaces a pending one. */
  invite(
    auth: AuthContext,
    input: { email: string; role: OperatorRole },
  ): Promise<{ url: string; expiresAt: Date }>;
  invitations(): Promise<PendingInvitation[]>;
  revokeInvitation(auth: AuthContext, id: string): Promise<void>;
  setRole(auth: AuthContext, id: string, role: OperatorRole): Promise<void>;
  remove(auth: AuthContext, id: string): Promise<void>;
  instanceSettings(): Promise<InstanceSettings>;
  updateInstanceSettings(auth: AuthContext, input: InstanceSettings): Promise<InstanceSettings>;
}

export function createOperatorTeamService(deps: {
  db: Db;
  audit: AuditService;
  publicUrl: string;
}): OperatorTeamService {
  const { db, audit } = deps;

  function actorId(auth: AuthContext): string | null {
    return auth.actor?.kind === 'operator' ? auth.actor.id : null;
  }

  return {
    async invite(auth, input) {
      if ((await findOperatorByEmail(db, input.email)) !== undefined) {
        throw new ConflictError('operator_already_exists');
      }
      const token = generateSecureRandomString() + generateSecureRandomString();
      const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
      const id = randomUUID();
      await db.transaction().execute(async (trx) => {
        await revokePendingInvitations(trx, { email: input.email });
        await insertInvitation(trx, {
          id,
          email: input.email,
          role: input.role,
          token_hash: hashTokenSecret(token),
          invited_by: actorId(auth),
          expires_at: expiresAt,
        });
        await audit.record(
          auth,
          {
            action: 'operator.invite',
            environmentId: null,
            targetType: 'invitation',
            targetId: id,
            details: { email: input.email, role: input.role },
          },
          trx,
        );
      });
      return { url: `${deps.publicUrl}/dashboard/invite?token=${token}`, expiresAt };
    },

    async invitations() {
      return (await listPendingInvitations(db)).map((row) => ({
        id: row.id,
        email: row.email,
        role: row.role,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        invitedBy: row.invited_by_email,
      }));
    },

    async revokeInvitation(auth, id) {
      if ((await revokePendingInvitations(db, { id })) === 0) throw new LatchkeyError('invalid_invitation');
      await audit.record(auth, {
        action: 'operator.invitation_revoke',
        environmentId: null,
        targetType: 'invitation',
        targetId: id,
      });
    },

    async setRole(auth, id, role) {
      await db.transaction().execute(async (trx) => {
        const admins = await lockAdminIds(trx);
        const target = await findOperatorById(trx, id);
        if (target === undefined) throw new LatchkeyError('unknown_operator');
        if (target.role === role) return;
        if (target.role === 'admin' && admins.length <= 1) throw new LastAdminError('demote');
        await updateOperator(trx, id, { role });
        await audit.record(
          auth,
          {
            action: 'operator.role_change',
            environmentId: null,
            targetType: 'operator',
            targetId: id,
            details: { email: target.email, from: target.role, to: role },
          },
          trx,
        );
      });
    },

    async remove(auth, id) {
      await db.transaction().execute(async (trx) => {
        const admins = await lockAdminIds(trx);
        const target = await findOperatorById(trx, id);
        if (target === undefined) throw new LatchkeyError('unknown_operator');
        if (target.role === 'admin' && admins.length <= 1) throw new LastAdminError('remove');
        // Sessions, recovery codes go with the row (on delete cascade).
        await deleteOperator(trx, id);
        await audit.record(
          auth,
          {
            action: 'operator.remove',
            environmentId: null,
            targetType: 'operator',
            targetId: id,
            details: { email: target.email, role: target.role },
          },
          trx,
        );
      });
    },

    async instanceSettings() {
      return { requireTwoFactor: (await readInstanceSetting<boolean>(db, REQUIRE_TWO_FACTOR)) === true };
    },

    async updateInstanceSettings(auth, input) {
      await writeInstanceSetting(db, REQUIRE_TWO_FACTOR, input.requireTwoFactor);
      await audit.record(auth, {
        action: 'instance.update',
        environmentId: null,
        targetType: 'instance',
        details: { requireTwoFactor: input.requireTwoFactor },
      });
      return { requireTwoFactor: input.requireTwoFactor };
    },
  };
}
