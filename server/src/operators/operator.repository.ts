import type { OperatorRole } from '@latchkey/schema';
import type { Db } from '../platform/database/database';
import type { NewOperatorRow, OperatorRow, OperatorUpdate } from './operator.table';
import type { NewOperatorInvitationRow, OperatorInvitationRow } from './operator-invitation.table';

export async function insertOperator(db: Db, row: NewOperatorRow): Promise<OperatorRow | undefined> {
  return db
    .insertInto('operators')
    .values(row)
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findOperatorByEmail(db: Db, email: string): Promise<OperatorRow | undefined> {
  return db.selectFrom('operators').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findOperatorById(db: Db, id: string): Promise<OperatorRow | undefined> {
  return db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listOperatorRows(db: Db): Promise<OperatorRow[]> {
  return db.selectFrom('operators').selectAll().orderBy('created_at').orderBy('email').execute();
}

export async function updateOperator(db: Db, id: string, update: OperatorUpdate): Promise<void> {
  await db
    .updateTable('operators')
    .set({ ...update, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function deleteOperator(db: Db, id: string): Promise<void> {
  await db.deleteFrom('operators').where('id', '=', id).execute();
}

export async function anyOperatorExists(db: Db): Promise<boolean> {
  return (await db.selectFrom('operators').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** The admins' ids, their rows locked until the transaction ends (two demotions cannot both pass the check). */
export async function lockAdminIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('operators')
    .select('id')
    .where('role', '=', 'admin' satisfies OperatorRole)
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

export async function insertInvitation(db: Db, row: NewOperatorInvitationRow): Promise<void> {
  await db.insertInto('operator_invitations').values(row).execute();
}

/** The pending invitation with this token hash (not accepted, revoked or expired). */
export async function findPendingInvitation(
  db: Db,
  tokenHash: string,
): Promise<OperatorInvitationRow | undefined> {
  return db
    .selectFrom('operator_invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
}

/** The newest pending invitation for this email (the person signs in through the IdP rather than the link). */
export async function findPendingInvitationForEmail(
  db: Db,
  email: string,
): Promise<OperatorInvitationRow | undefined> {
  return db
    .selectFrom('operator_invitations')
    .selectAll()
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

export async function listPendingInvitations(db: Db) {
  return db
    .selectFrom('operator_invitations')
    .leftJoin('operators', 'operators.id', 'operator_invitations.invited_by')
    .select([
      'operator_invitations.id',
      'operator_invitations.email',
      'operator_invitations.role',
      'operator_invitations.created_at',
      'operator_invitations.expires_at',
      'operators.email as invited_by_email',
    ])
    .where('operator_invitations.accepted_at', 'is', null)
    .where('operator_invitations.revoked_at', 'is', null)
    .where('operator_invitations.expires_at', '>', new Date())
    .orderBy('operator_invitations.created_at', 'desc')
    .execute();
}

export async function revokePendingInvitations(
  db: Db,
  where: { id?: string; email?: string },
): Promise<number> {
  let q = db
    .updateTable('operator_invitations')
    .set({ revoked_at: new Date() })
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null);
  if (where.id !== undefined) q = q.where('id', '=', where.id);
  if (where.email !== undefined) q = q.where('email', '=', where.email);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks the invitation used; false when another request accepted it first. */
export async function markInvitationAccepted(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('operator_invitations')
    .set({ accepted_at: new Date() })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
