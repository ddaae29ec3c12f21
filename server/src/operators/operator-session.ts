/**
 * Dashboard sessions (Lucia's session design, see session-token.ts): 30 days, extended to 30 days again when fewer
 * than 15 remain, so an operator active at least every two weeks stays signed in. Ended on sign-out, and every
 * session of an operator on a password change, role removal or reset.
 */
import type { OperatorRole } from '@latchkey/schema';
import type { Db } from '../platform/database/database';
import {
  generateSecureRandomString,
  hashTokenSecret,
  parseSessionToken,
  secretMatches,
} from './session-token';

export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const SESSION_RENEW_WITHIN_MS = 15 * 24 * 60 * 60 * 1000;

export interface SessionOperator {
  id: string;
  email: string;
  displayName: string | null;
  role: OperatorRole;
  twoFactorEnabled: boolean;
}

export interface ValidatedSession {
  id: string;
  operator: SessionOperator;
  twoFactorVerified: boolean;
  expiresAt: Date;
  /** The expiry moved forward on this validation: the cookie should be sent again. */
  renewed: boolean;
}

export interface CreatedSession {
  token: string;
  id: string;
  expiresAt: Date;
}

export interface OperatorSessions {
  create(
    operatorId: string,
    options: { twoFactorVerified: boolean; ip?: string | null; userAgent?: string | null },
    db?: Db,
  ): Promise<CreatedSession>;
  /** The live session behind a cookie value, or null (unknown, wrong secret, expired: expired ones are deleted). */
  validate(token: string): Promise<ValidatedSession | null>;
  markTwoFactorVerified(sessionId: string): Promise<void>;
  invalidate(sessionId: string): Promise<void>;
  invalidateAll(operatorId: string, db?: Db): Promise<void>;
}

export function createOperatorSessions(deps: { db: Db }): OperatorSessions {
  const { db } = deps;
  return {
    async create(operatorId, options, target = db) {
      const id = generateSecureRandomString();
      const secret = generateSecureRandomString();
      const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
      await target
        .insertInto('operator_sessions')
        .values({
          id,
          operator_id: operatorId,
          secret_hash: hashTokenSecret(secret),
          two_factor_verified: options.twoFactorVerified,
          ip: options.ip ?? null,
          user_agent: options.userAgent?.slice(0, 300) ?? null,
          expires_at: expiresAt,
        })
        .execute();
      return { token: `${id}.${secret}`, id, expiresAt };
    },

    async validate(token) {
      const parsed = parseSessionToken(token);
      if (parsed === null) return null;
      const row = await db
        .selectFrom('operator_sessions')
        .innerJoin('operators', 'operators.id', 'operator_sessions.operator_id')
        .select([
          'operator_sessions.id',
          'operator_sessions.secret_hash',
          'operator_sessions.two_factor_verified',
          'operator_sessions.expires_at',
          'operators.id as operator_id',
          'operators.email',
          'operators.display_name',
          'operators.role',
          'operators.totp_enabled_at',
        ])
        .where('operator_sessions.id', '=', parsed.id)
        .executeTakeFirst();
      if (row === undefined || !secretMatches(parsed.secret, row.secret_hash)) return null;
      const now = Date.now();
      if (row.expires_at.getTime() <= now) {
        await db.deleteFrom('operator_sessions').where('id', '=', row.id).execute();
        return null;
      }
      let expiresAt = row.expires_at;
      let renewed = false;
      if (expiresAt.getTime() - now < SESSION_RENEW_WITHIN_MS) {
        expiresAt = new Date(now + SESSION_LIFETIME_MS);
        renewed = true;
        await db
          .updateTable('operator_sessions')
          .set({ expires_at: expiresAt })
          .where('id', '=', row.id)
          .execute();
      }
      return {
        id: row.id,
        operator: {
          id: row.operator_id,
          email: row.email,
          displayName: row.display_name,
          role: row.role,
          twoFactorEnabled: row.totp_enabled_at !== null,
        },
        twoFactorVerified: row.two_factor_verified,
        expiresAt,
        renewed,
      };
    },

    async markTwoFactorVerified(sessionId) {
      await db
        .updateTable('operator_sessions')
        .set({ two_factor_verified: true })
        .where('id', '=', sessionId)
        .execute();
    },

    async invalidate(sessionId) {
      await db.deleteFrom('operator_sessions').where('id', '=', sessionId).execute();
    },

    async invalidateAll(operatorId, target = db) {
      await target.deleteFrom('operator_sessions').where('operator_id', '=', operatorId).execute();
    },
  };
}
