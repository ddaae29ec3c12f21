/** Queries on `webhook_deliveries` and `webhook_attempts`; the worker claims through here, the API lists and replays. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AuthEventPayload, WebhookDeliveryRow } from '../events/auth-event.table';
import type { Db } from '../platform/database/database';
import type { DeliveryTransition } from './retry-policy';

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  environmentId: string;
  url: string;
  /** Attempts made before this one. */
  attempts: number;
  firstAttemptedAt: Date | null;
  payload: AuthEventPayload;
  signingKeySealed: string;
  /** The environment's opt-in to `X-Nango-Signature`, read with the delivery so a change applies to retries too. */
  legacySignature: boolean;
}

/**
 * Takes up to `limit` due deliveries and leases them (`next_attempt_at` pushed past the attempt's timeout), in one
 * statement, so any number of workers in any number of instances can run it at once: `SKIP LOCKED` hands each row to
 * one of them, and the lease keeps it from the others while its POST is under way. A crashed worker's lease expires
 * and the delivery is taken again.
 *
 * Order per connection: a delivery is due only when no older delivery of the same connection to the same URL is still
 * pending (in flight, or waiting to be retried). Failed and dead deliveries do not block: they are given up on, and
 * holding every later event back for them would turn one bad event into a stopped stream.
 */
export async function claimDueDeliveries(
  db: Db,
  options: { limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const result = await sql<{
    id: string;
    event_id: string | number;
    environment_id: string;
    url: string;
    attempts: number;
    first_attempted_at: Date | null;
    payload: AuthEventPayload;
    signing_key_sealed: string;
    legacy_webhook_signature: boolean;
  }>`
    update webhook_deliveries d
    set next_attempt_at = now() + make_interval(secs => ${options.leaseMs / 1000})
    from auth_events e, environments env
    where e.id = d.event_id and env.id = d.environment_id and d.id in (
      select due.id from webhook_deliveries due
      join auth_events due_event on due_event.id = due.event_id
      where due.status = 'pending' and due.next_attempt_at <= now()
        and not exists (
          select 1 from webhook_deliveries earlier
          join auth_events earlier_event on earlier_event.id = earlier.event_id
          where earlier.status = 'pending'
            and earlier.url = due.url
            and earlier_event.environment_id = due_event.environment_id
            and earlier_event.connection_id = due_event.connection_id
            and (earlier.event_id, earlier.created_at, earlier.id) < (due.event_id, due.created_at, due.id)
        )
      order by due.next_attempt_at, due.event_id
      limit ${options.limit}
      for update of due skip locked
    )
    returning d.id, d.event_id, d.environment_id, d.url, d.attempts, e.payload,
      env.webhook_signing_key_sealed as signing_key_sealed, env.legacy_webhook_signature,
      (select min(a.attempted_at) from webhook_attempts a where a.delivery_id = d.id) as first_attempted_at`.execute(
    db,
  );
  return result.rows.map((row) => ({
    id: row.id,
    eventId: String(row.event_id),
    environmentId: row.environment_id,
    url: row.url,
    attempts: row.attempts,
    firstAttemptedAt: row.first_attempted_at,
    payload: row.payload,
    signingKeySealed: row.signing_key_sealed,
    legacySignature: row.legacy_webhook_signature,
  }));
}

export interface AttemptRecord {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

/** The attempt and the delivery's new state, together. */
export async function finishAttempt(
  db: Db,
  deliveryId: string,
  attempt: AttemptRecord,
  transition: DeliveryTransition,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: deliveryId,
        status_code: attempt.statusCode,
        error: attempt.error,
        duration_ms: attempt.durationMs,
        attempted_at: attempt.attemptedAt,
      })
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        status: transition.status,
        last_status_code: attempt.statusCode,
        last_error: attempt.error,
        ...(transition.status === 'pending' ? { next_attempt_at: transition.nextAttemptAt } : {}),
        ...(transition.status === 'delivered' ? { delivered_at: attempt.attemptedAt } : {}),
      }))
      .where('id', '=', deliveryId)
      // A delivery settled meanwhile (by a worker that took it over after a lost lease) stays settled.
      .where('status', '=', 'pending')
      .execute();
  });
}

export interface DeliveryListRow extends WebhookDeliveryRow {
  connection_id: string;
  integration_key: string;
  operation: string;
  success: boolean;
}

/** Deliveries of one environment, each with what the API shows of its event. */
function deliveriesWithEvents(db: Db, environmentId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('auth_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select(['e.connection_id', 'e.integration_key', 'e.operation', 'e.success'])
    .where('d.environment_id', '=', environmentId);
}

export async function listDeliveryRows(
  db: Db,
  environmentId: string,
  filter: {
    status?: WebhookDeliveryRow['status'] | undefined;
    connectionId?: string | undefined;
    limit: number;
  },
): Promise<DeliveryListRow[]> {
  let query = deliveriesWithEvents(db, environmentId);
  if (filter.status !== undefined) query = query.where('d.status', '=', filter.status);
  if (filter.connectionId !== undefined) query = query.where('e.connection_id', '=', filter.connectionId);
  return query.orderBy('d.created_at', 'desc').orderBy('d.event_id', 'desc').limit(filter.limit).execute();
}

export async function findDeliveryRow(
  db: Db,
  environmentId: string,
  id: string,
): Promise<DeliveryListRow | undefined> {
  return deliveriesWithEvents(db, environmentId).where('d.id', '=', id).executeTakeFirst();
}

export async function listAttemptRows(db: Db, deliveryIds: readonly string[]) {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('id')
    .execute();
}

/** A new pending delivery of the same event to the same URL; the original keeps its history. */
export async function insertDeliveryCopy(db: Db, original: WebhookDeliveryRow): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('webhook_deliveries')
    .values({
      id,
      event_id: original.event_id,
      environment_id: original.environment_id,
      url: original.url,
      status: 'pending',
    })
    .execute();
  return id;
}

export async function findEventPayload(db: Db, eventId: string): Promise<AuthEventPayload | undefined> {
  const row = await db
    .selectFrom('auth_events')
    .select('payload')
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row?.payload;
}
