/** Instance-wide settings stored as JSON under a key (`instance_settings`). */
import type { Db } from '../platform/database/database';

export const SETUP_CODE_HASH = 'setup_code_hash';
export const REQUIRE_TWO_FACTOR = 'require_two_factor';

export async function readInstanceSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const row = await db
    .selectFrom('instance_settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value as T | undefined;
}

export async function writeInstanceSetting(db: Db, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('instance_settings')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}

/** Deletes the setting if it holds exactly `value`; true when this call removed it (a one-time value consumed). */
export async function takeInstanceSetting(db: Db, key: string, value: unknown): Promise<boolean> {
  const result = await db
    .deleteFrom('instance_settings')
    .where('key', '=', key)
    .where('value', '=', JSON.stringify(value))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteInstanceSetting(db: Db, key: string): Promise<void> {
  await db.deleteFrom('instance_settings').where('key', '=', key).execute();
}
