import type { ProviderDefinition } from '@latchkey/providers';
import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface CustomProviderTable {
  id: string;
  environment_id: string;
  name: string;
  definition: ColumnType<ProviderDefinition, string, string>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type CustomProviderRow = Selectable<CustomProviderTable>;
export type NewCustomProviderRow = Insertable<CustomProviderTable>;
