/**
 * Writing an auth event: the outbox row and one pending webhook delivery per target URL, inside the caller's
 * transaction, so the event exists exactly when the change it describes committed. Live subscribers hear of it at
 * commit: other instances through a NOTIFY sent inside the transaction, this process through the caller's
 * `onEventsCommitted` after it (see event-bus.ts). Call it last in the transaction: it takes a lock held to commit.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { EndUser } from '../connections/connection.table';
import type { Db } from '../platform/database/database';
import type { AuthEventPayload, AuthEventRow, AuthOperation } from './auth-event.table';

/** The NOTIFY channel; the payload is the event id. */
export const AUTH_EVENTS_CHANNEL = 'latchkey_auth_events';
/** Advisory lock key serialising auth-event writers (an arbitrary constant, unique to this use). */
const AUTH_EVENT_ORDER_LOCK = 7_310_224_101;

export interface AuthEventInput {
  environmentId: string;
  connectionId: string;
  providerConfigKey: string;
  provider: string;
  authMode: string;
  operation: AuthOperation;
  success: boolean;
  tags?: Record<string, string> | undefined;
  endUser?: EndUser | null | undefined;
  error?: { type: string; description: string } | undefined;
  /** The connection's own webhook URL, which replaces the environment's primary and drops its secondary. */
  webhookUrlOverride?: string | null | undefined;
  /** The connect session whose flow produced this event (its live stream shows it). */
  connectSessionId?: string | null | undefined;
}

export async function recordAuthEvent(trx: Db, input: AuthEventInput): Promise<AuthEventRow> {
  const environment = await trx
    .selectFrom('environments')
    .select([
      'name',
      'webhook_url',
      'webhook_secondary_url',
      'webhook_on_auth_creation',
      'webhook_on_auth_refresh_error',
    ])
    .where('id', '=', input.environmentId)
    .executeTakeFirstOrThrow();

  const payload: AuthEventPayload = {
    from: 'nango',
    type: 'auth',
    connectionId: input.connectionId,
    providerConfigKey: input.providerConfigKey,
    authMode: input.authMode,
    provider: input.provider,
    environment: environment.name,
    operation: input.operation,
    success: input.success,
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    ...(input.endUser == null
      ? {}
      : {
          endUser: {
            endUserId: input.endUser.id,
            ...(input.endUser.email ? { endUserEmail: input.endUser.email } : {}),
            ...(input.endUser.organization ? { organizationId: input.endUser.organization.id } : {}),
            tags: input.endUser.tags ?? {},
          },
        }),
    ...(input.error === undefined ? {} : { error: input.error }),
  };

  const urls = wanted(input, environment) ? targets(input.webhookUrlOverride, environment) : [];
  // Held to commit, so event ids are taken in commit order: a reader resuming after id N can never miss an N-1 that
  // committed later. Writers take it last in their transaction (after their row locks), so it cannot deadlock.
  await sql`select pg_advisory_xact_lock(${AUTH_EVENT_ORDER_LOCK})`.execute(trx);
  const row = await trx
    .insertInto('auth_events')
    .values({
      environment_id: input.environmentId,
      connection_id: input.connectionId,
      integration_key: input.providerConfigKey,
      operation: input.operation,
      success: input.success,
      payload: JSON.stringify(payload),
      webhook_urls: JSON.stringify(urls),
      connect_session_id: input.connectSessionId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // Delivered to LISTENers when (and only if) the transaction commits; see event-bus.ts.
  await sql`select pg_notify(${AUTH_EVENTS_CHANNEL}, ${String(row.id)})`.execute(trx);
  if (urls.length > 0) {
    await trx
      .insertInto('webhook_deliveries')
      .values(
        urls.map((url) => ({
          id: randomUUID(),
          event_id: row.id,
          environment_id: input.environmentId,
          url,
          status: 'pending' as const,
        })),
      )
      .execute();
  }
  return row;
}

/** Nango's gates (compat doc 6.1): creation and refresh errors can be switched off; overrides always go out. */
function wanted(
  input: AuthEventInput,
  environment: { webhook_on_auth_creation: boolean; webhook_on_auth_refresh_error: boolean },
): boolean {
  switch (input.operation) {
    case 'creation':
      return environment.webhook_on_auth_creation;
    case 'refresh':
      return environment.webhook_on_auth_refresh_error;
    default:
      return true;
  }
}

function targets(
  override: string | null | undefined,
  environment: { webhook_url: string | null; webhook_secondary_url: string | null },
): string[] {
  if (override) return [override];
  return [environment.webhook_url, environment.webhook_secondary_url].filter((url): url is string => !!url);
}
