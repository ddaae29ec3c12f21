import { sql } from 'kysely';
import type { Db } from '../platform/database/database';
import type { NewAuditLogRow } from './audit.table';

export async function insertAuditEntry(db: Db, row: NewAuditLogRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export interface AuditQuery {
  /** undefined: every entry; null: instance entries only. */
  environmentId?: string | null;
  action?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
  after?: { at: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paginated by (at, id) so a page costs the same deep in the log as at its top. */
export async function selectAuditEntries(db: Db, query: AuditQuery) {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('environments', 'environments.id', 'audit_log.environment_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.actor_id',
      'audit_log.actor_email',
      'audit_log.action',
      'audit_log.environment_id',
      'environments.name as environment_name',
      'audit_log.target_type',
      'audit_log.target_id',
      'audit_log.details',
      'audit_log.ip',
    ]);
  if (query.environmentId === null) q = q.where('audit_log.environment_id', 'is', null);
  else if (query.environmentId !== undefined)
    q = q.where('audit_log.environment_id', '=', query.environmentId);
  if (query.action !== undefined) {
    // `connection` matches every `connection.*` action; a full dotted name matches itself.
    const action = query.action;
    q = action.includes('.')
      ? q.where('audit_log.action', '=', action)
      : q.where('audit_log.action', 'like', `${action.replace(/[\\%_]/g, '\\$&')}.%`);
  }
  if (query.actorId !== undefined) q = q.where('audit_log.actor_id', '=', query.actorId);
  if (query.from !== undefined) q = q.where('audit_log.at', '>=', query.from);
  if (query.to !== undefined) q = q.where('audit_log.at', '<', query.to);
  if (query.after !== undefined) {
    const { at, id } = query.after;
    q = q.where(sql<boolean>`(audit_log.at, audit_log.id) < (${at}, ${id}::uuid)`);
  }
  return q.orderBy('audit_log.at', 'desc').orderBy('audit_log.id', 'desc').limit(query.limit).execute();
}
