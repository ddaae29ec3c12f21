/**
 * Migrations are listed here rather than read from the file system, so they run the same from source, from a bundle
 * and in tests. Names sort by timestamp; Kysely's PostgreSQL adapter holds an advisory lock while migrating, so
 * several instances starting at once are safe.
 */
import type { Kysely } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import { withoutQueryWatchdog } from './database';
import * as foundation from './migrations/2026-11-23T0001-foundation';
import * as connectionsAndFlows from './migrations/2026-11-23T0002-connections-and-flows';
import * as lifecycle from './migrations/2026-11-23T0003-lifecycle';
import * as widgetFlows from './migrations/2026-11-23T0004-widget-flows';
import * as changeNotify from './migrations/2026-11-23T0005-change-notify';
import * as operators from './migrations/2026-12-07T0006-operators';
import * as dashboardSettings from './migrations/2026-12-07T0007-dashboard-settings';
import * as publicKeyFlows from './migrations/2026-12-07T0008-public-key-flows';
import * as connectSessionBinding from './migrations/2026-12-07T0009-connect-session-binding';

const MIGRATIONS: Record<string, Migration> = {
  '2026-11-23T0001-foundation': foundation,
  '2026-11-23T0002-connections-and-flows': connectionsAndFlows,
  '2026-11-23T0003-lifecycle': lifecycle,
  '2026-11-23T0004-widget-flows': widgetFlows,
  '2026-11-23T0005-change-notify': changeNotify,
  '2026-12-07T0006-operators': operators,
  '2026-12-07T0007-dashboard-settings': dashboardSettings,
  '2026-12-07T0008-public-key-flows': publicKeyFlows,
  '2026-12-07T0009-connect-session-binding': connectSessionBinding,
};

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return applied(await withoutQueryWatchdog(db, () => migratorOf(db).migrateToLatest()));
}

/** Up to and including `name`: how a test writes rows as an older version did, before the migrations after it. */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function migrateTo(db: Kysely<any>, name: string): Promise<string[]> {
  return applied(await withoutQueryWatchdog(db, () => migratorOf(db).migrateTo(name)));
}

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
function migratorOf(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'latchkey_migrations',
    migrationLockTableName: 'latchkey_migrations_lock',
  });
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error !== undefined) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
