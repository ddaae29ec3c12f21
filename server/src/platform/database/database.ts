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
import type { Logger } from '../logging/logger';
import { withStorageFullErrors } from './storage-full';
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

/** How long a pooled connection may take to open, or a request wait for a free one: an outage fails fast. */
export const CONNECT_TIMEOUT_MS = 1000;
/**
 * How long a query may go unanswered before its connection is taken for dead and closed. A peer that vanished
 * without closing the socket (a partition, a frozen server) never errors by itself: TCP would retransmit for about
 * fifteen minutes. Long enough for legitimate waits (row locks held across a provider call, bounded by the outbound
 * timeout); paused while migrating.
 */
export const QUERY_WATCHDOG_MS = 30_000;
/** Kernel keep-alive probes on idle sockets, the LISTEN connections above all (they are idle by design). */
export const KEEPALIVE_DELAY_MS = 10_000;

/**
 * PostgreSQL through `pg` when a URL is given, else embedded PGlite (in memory when `dataDir` is undefined).
 * The same queries and migrations run on both.
 */
export function createDatabase(target: DatabaseTarget, options: { queryWatchdogMs?: number } = {}): Db {
  const { plugin, watch } = createWriteWatch();
  let db: Db;
  const watchdogMs = options.queryWatchdogMs ?? QUERY_WATCHDOG_MS;
  const state: PoolState = { watchdogMs, configuredWatchdogMs: watchdogMs, logger: undefined };
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      Client: watchedClient(state),
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', (error) => state.logger?.warn({ err: error }, 'idle database connection lost'));
    db = new Kysely<Database>({
      dialect: withStorageFullErrors(new PostgresDialect({ pool })),
      plugins: [plugin],
    });
  } else {
    db = new Kysely<Database>({
      dialect: withStorageFullErrors(
        new PGliteDialect({
          pglite: () => PGlite.create(target.dataDir === undefined ? {} : { dataDir: target.dataDir }),
        }),
        { embeddedDataDir: target.dataDir },
      ),
      plugins: [plugin],
    });
  }
  writeWatches.set(db, watch);
  if (target.kind === 'pglite') embeddedDatabases.add(db);
  poolStates.set(db, state);
  return db;
}

interface PoolState {
  /** 0 while migrating: a migration (or the lock another instance's migration holds) may take its time. */
  watchdogMs: number;
  configuredWatchdogMs: number;
  logger: Logger | undefined;
}

const poolStates = new WeakMap<object, PoolState>();

/** Where a database built by `createDatabase` reports lost connections (before this, it drops them silently). */
export function reportDatabaseErrorsTo(db: Db, logger: Logger): void {
  const state = poolStates.get(db);
  if (state !== undefined) state.logger = logger;
}

/** Runs `work` with the query watchdog off (migrations). */
export async function withoutQueryWatchdog<T>(db: object, work: () => Promise<T>): Promise<T> {
  const state = poolStates.get(db);
  if (state === undefined) return work();
  state.watchdogMs = 0;
  try {
    return await work();
  } finally {
    state.watchdogMs = state.configuredWatchdogMs;
  }
}

/**
 * The pool's client: it never throws an 'error' event at nobody (a connection dropping while checked out would
 * otherwise crash the process: pg-pool listens only while a client is idle), and a query unanswered for the
 * watchdog's time closes its connection, failing that query and every one queued behind it.
 */
function watchedClient(state: PoolState): typeof pg.Client {
  return class WatchedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      // The query that was running fails with the same error; this only keeps the event from being unhandled.
      this.on('error', (error) => state.logger?.debug({ err: error }, 'database connection lost'));
    }

    // biome-ignore lint/suspicious/noExplicitAny: pg's query has many overloads; all pass through unchanged
    override query(...args: any[]): any {
      const result: unknown = (super.query as (...inner: unknown[]) => unknown).apply(this, args);
      const timeoutMs = state.watchdogMs;
      if (timeoutMs > 0 && result instanceof Promise) {
        const timer = setTimeout(() => {
          state.logger?.warn({ timeoutMs }, 'database query unanswered; closing its connection');
          this.connection.stream.destroy(new Error('The database did not answer in time.'));
        }, timeoutMs);
        timer.unref();
        const clear = () => clearTimeout(timer);
        result.then(clear, clear);
      }
      return result;
    }
  };
}

const writeWatches = new WeakMap<Db, WriteWatch>();

/** The write watch of a database built by `createDatabase`; undefined for any other (caches then stay off). */
export function writeWatchOf(db: Db): WriteWatch | undefined {
  return writeWatches.get(db);
}

const embeddedDatabases = new WeakSet<Db>();

/**
 * Whether `db` is embedded PGlite: one process owns it (embedded-lock.ts) and one connection serves all its queries,
 * so an open transaction holds up every other query until it ends.
 */
export function isEmbeddedDatabase(db: Db): boolean {
  return embeddedDatabases.has(db);
}
