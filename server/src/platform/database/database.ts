/** The database schema, assembled from each domain's table, and the one place a Kysely instance is built. */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { ApiKeyTable } from '../../api-keys/api-key.table';
import type { AuditLogTable } from '../../audit/audit.table';
import type { OAuthSessionTable } from '../../auth-flows/oauth-session.table';
import type { ConnectSessionTable } from '../../connect-sessions/connect-session.table';
import type { ConnectionTable } from '../../connections/connection.table';
import type { EnvironmentTable } from '../../environments/environment.table';
import type {
  AuthEventTable,
  WebhookAttemptTable,
  WebhookDeliveryTable,
} from '../../events/auth-event.table';
import type { IntegrationTable } from '../../integrations/integration.table';
import type { OperationMessageTable, OperationTable } from '../../logs/operation.table';
import type { InstanceSettingTable } from '../../operators/instance-setting.table';
import type { OperatorTable } from '../../operators/operator.table';
import type { OperatorInvitationTable } from '../../operators/operator-invitation.table';
import type { OperatorRecoveryCodeTable } from '../../operators/operator-recovery-code.table';
import type { OperatorSessionTable } from '../../operators/operator-session.table';
import type { SignInFailureTable } from '../../operators/sign-in-failure.table';
import type { CustomProviderTable } from '../../providers/custom-provider.table';
import { createWriteWatch, type WriteWatch } from './write-watch';

export interface Database {
  environments: EnvironmentTable;
  api_keys: ApiKeyTable;
  integrations: IntegrationTable;
  custom_providers: CustomProviderTable;
  connections: ConnectionTable;
  connect_sessions: ConnectSessionTable;
  oauth_sessions: OAuthSessionTable;
  operations: OperationTable;
  operation_messages: OperationMessageTable;
  auth_events: AuthEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  operators: OperatorTable;
  operator_sessions: OperatorSessionTable;
  operator_invitations: OperatorInvitationTable;
  operator_recovery_codes: OperatorRecoveryCodeTable;
  instance_settings: InstanceSettingTable;
  sign_in_failures: SignInFailureTable;
  audit_log: AuditLogTable;
}

export type Db = Kysely<Database>;

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'pglite'; dataDir: string | undefined };

/**
 * PostgreSQL through `pg` when a URL is given, else embedded PGlite (in memory when `dataDir` is undefined).
 * The same queries and migrations run on both.
 */
export function createDatabase(target: DatabaseTarget): Db {
  const { plugin, watch } = createWriteWatch();
  let db: Db;
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [plugin] });
  } else {
    db = new Kysely<Database>({
      dialect: new PGliteDialect({
        pglite: () => PGlite.create(target.dataDir === undefined ? {} : { dataDir: target.dataDir }),
      }),
      plugins: [plugin],
    });
  }
  writeWatches.set(db, watch);
  return db;
}

const writeWatches = new WeakMap<Db, WriteWatch>();

/** The write watch of a database built by `createDatabase`; undefined for any other (caches then stay off). */
export function writeWatchOf(db: Db): WriteWatch | undefined {
  return writeWatches.get(db);
}
