import type { ColumnType } from 'kysely';

/** Instance-wide key/value settings (`setup_code_hash`, `require_two_factor`). */
export interface InstanceSettingTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
