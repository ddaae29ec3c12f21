import type { ColumnType } from 'kysely';

/** One failed sign-in, under `account:<email>` and again under `ip:<address>`. */
export interface SignInFailureTable {
  id: string;
  key: string;
  at: ColumnType<Date, Date | undefined, never>;
}
