/**
 * Every row of every table in the current schema as JSON text, for tests that prove a secret is stored nowhere in
 * clear. Tables are listed from information_schema, so a table added later is covered without touching the tests.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/platform/database/database';

export async function dumpDatabase(db: Db): Promise<{ tables: string[]; text: string }> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  const lines: string[] = [];
  for (const { table_name: name } of tables) {
    const { rows } = await sql<{
      row: string;
    }>`select row_to_json(t)::text as row from ${sql.table(name)} t`.execute(db);
    for (const { row } of rows) lines.push(`${name}: ${row}`);
  }
  return { tables: tables.map((t) => t.table_name), text: lines.join('\n') };
}
