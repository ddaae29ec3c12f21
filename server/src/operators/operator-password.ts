import { LatchkeyError } from '@latchkey/schema';
import type { Db } from '../platform/database/database';
import { findOperatorById } from './operator.repository';
import type { OperatorRow } from './operator.table';
import { verifyDummyPassword, verifyPassword } from './password-hash';

/** Re-authentication before a sensitive account change: the operator's row, or 403 `incorrect_password`. */
export async function confirmOperatorPassword(
  db: Db,
  operatorId: string,
  password: string,
): Promise<OperatorRow> {
  const row = await findOperatorById(db, operatorId);
  if (row === undefined) throw new LatchkeyError('session_expired');
  const valid =
    row.password_hash === null
      ? await verifyDummyPassword(password)
      : await verifyPassword(password, row.password_hash);
  if (!valid) throw new LatchkeyError('incorrect_password');
  return row;
}
