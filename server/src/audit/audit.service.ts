/**
 * The audit log: who did what, when, where. Services call `record` with the caller's AuthContext for every operator
 * action (secret-key calls are not operator actions and are not recorded); sign-in events, which have no
 * AuthContext, go through `recordOperatorEvent`. Details never hold a secret.
 */
import { randomUUID } from 'node:crypto';
import { type AuditEntry, ValidationError } from '@latchkey/schema';
import type { AuthContext } from '../auth/auth-context';
import type { Db } from '../platform/database/database';
import { insertAuditEntry, selectAuditEntries } from './audit.repository';
import { auditEntriesToCsv } from './audit-csv';

/** Dotted: `operator.sign_in`, `integration.create`, `connection.reveal`, … */
export type AuditAction = string;

export interface AuditEntryInput {
  action: AuditAction;
  /** Defaults to the caller's environment in `record`; null for instance-wide events. */
  environmentId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  /** Never a secret. */
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  environmentId?: string | null;
  action?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit?: number;
}

export interface AuditService {
  /** No-op unless `auth.actor?.kind === 'operator'`. */
  record(auth: AuthContext, entry: AuditEntryInput, db?: Db): Promise<void>;
  /** Instance events with no AuthContext (sign-in, failed sign-in, setup). */
  recordOperatorEvent(
    actor: { id: string | null; email: string | null },
    entry: AuditEntryInput & { ip?: string | null },
  ): Promise<void>;
  list(filter: AuditFilter): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
  /** Every entry the filter selects (newest first, up to `maxRows`) as CSV. */
  exportCsv(filter: Omit<AuditFilter, 'cursor' | 'limit'>, maxRows?: number): Promise<string>;
}

/**
 * How a service records actions on its own kind of target: `audit(auth, 'integration.create', uniqueKey)`, in the
 * caller's environment. No-op without an audit service (tests that build services alone).
 */
export function auditTrailFor(
  audit: Pick<AuditService, 'record'> | undefined,
  targetType: string,
): (
  auth: AuthContext,
  action: AuditAction,
  targetId: string,
  details?: Record<string, unknown>,
) => Promise<void> {
  return async (auth, action, targetId, details) => {
    await audit?.record(auth, {
      action,
      targetType,
      targetId,
      ...(details === undefined ? {} : { details }),
    });
  };
}

function auditRow(
  actor: { id: string | null; email: string | null },
  ip: string | null,
  environmentId: string | null,
  entry: AuditEntryInput,
) {
  return {
    id: randomUUID(),
    at: new Date(),
    actor_id: actor.id,
    actor_email: actor.email,
    action: entry.action,
    environment_id: environmentId,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    details: JSON.stringify(entry.details ?? {}),
    ip,
  };
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export function createAuditService(deps: { db: Db }): AuditService {
  const { db } = deps;

  async function list(filter: AuditFilter) {
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const rows = await selectAuditEntries(db, {
      environmentId: filter.environmentId,
      action: filter.action,
      actorId: filter.actorId,
      from: filter.from,
      to: filter.to,
      after: filter.cursor === undefined ? undefined : decodeCursor(filter.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const items: AuditEntry[] = page.map((row) => ({
      id: row.id,
      at: row.at,
      actorId: row.actor_id,
      actorEmail: row.actor_email,
      action: row.action,
      environment: row.environment_name,
      targetType: row.target_type,
      targetId: row.target_id,
      details: row.details ?? {},
      ip: row.ip,
    }));
    return {
      items,
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.at, last.id) : null,
    };
  }

  return {
    async record(auth, entry, target = db) {
      const actor = auth.actor;
      if (actor?.kind !== 'operator') return;
      const environmentId = entry.environmentId === undefined ? auth.environment.id : entry.environmentId;
      await insertAuditEntry(target, auditRow(actor, actor.ip ?? null, environmentId, entry));
    },

    async recordOperatorEvent(actor, entry) {
      await insertAuditEntry(db, auditRow(actor, entry.ip ?? null, entry.environmentId ?? null, entry));
    },

    list,

    async exportCsv(filter, maxRows = 10_000) {
      const entries: AuditEntry[] = [];
      let cursor: string | undefined;
      while (entries.length < maxRows) {
        const page = await list({ ...filter, cursor, limit: Math.min(MAX_LIMIT, maxRows - entries.length) });
        entries.push(...page.items);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      return auditEntriesToCsv(entries);
    },
  };
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(iso ?? '');
  if (Number.isNaN(at.getTime()) || id === undefined || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new ValidationError('invalid_body', 'The cursor is invalid.');
  }
  return { at, id };
}
