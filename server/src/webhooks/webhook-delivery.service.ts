/** The delivery log over the API: every delivery with its attempts, and replay of one as a fresh pending copy. */
import { NotFoundError } from '@latchkey/schema';
import { type AuthContext, requireScope } from '../auth/auth-context';
import type { WebhookDeliveryRow } from '../events/auth-event.table';
import type { Db } from '../platform/database/database';
import {
  type DeliveryListRow,
  findDeliveryRow,
  findEventPayload,
  insertDeliveryCopy,
  listAttemptRows,
  listDeliveryRows,
} from './webhook-delivery.repository';

export type DeliveryStatus = WebhookDeliveryRow['status'];

export interface WebhookDeliveryView {
  id: string;
  event_id: string;
  connection_id: string;
  provider_config_key: string;
  operation: string;
  success: boolean;
  url: string;
  status: DeliveryStatus;
  attempt_count: number;
  /** When the next attempt is due; null once the delivery is settled. */
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  attempts: Array<{
    status_code: number | null;
    error: string | null;
    duration_ms: number;
    attempted_at: string;
  }>;
}

export interface WebhookDeliveryService {
  list(
    auth: AuthContext,
    filter: {
      status?: DeliveryStatus | undefined;
      connectionId?: string | undefined;
      limit?: number | undefined;
    },
  ): Promise<WebhookDeliveryView[]>;
  /** One delivery with every attempt and the body it sends. */
  get(
    auth: AuthContext,
    deliveryId: string,
  ): Promise<WebhookDeliveryView & { payload: Record<string, unknown> }>;
  /** Queues the same event to the same URL again; the copy is returned, pending. */
  replay(auth: AuthContext, deliveryId: string): Promise<WebhookDeliveryView>;
}

export function createWebhookDeliveryService(deps: {
  db: Db;
  /** Wakes the worker so a replay goes out now rather than at the next poll. */
  onDeliveriesQueued?: (() => void) | undefined;
}): WebhookDeliveryService {
  const { db } = deps;

  async function withAttempts(rows: DeliveryListRow[]): Promise<WebhookDeliveryView[]> {
    const attempts = await listAttemptRows(
      db,
      rows.map((row) => row.id),
    );
    return rows.map((row) =>
      toView(
        row,
        attempts.filter((attempt) => attempt.delivery_id === row.id),
      ),
    );
  }

  return {
    async list(auth, filter) {
      requireScope(auth, 'environment:webhooks:read');
      const rows = await listDeliveryRows(db, auth.environment.id, {
        status: filter.status,
        connectionId: filter.connectionId,
        limit: filter.limit ?? 50,
      });
      return withAttempts(rows);
    },

    async get(auth, deliveryId) {
      requireScope(auth, 'environment:webhooks:read');
      const row = await findDeliveryRow(db, auth.environment.id, deliveryId);
      if (row === undefined) throw new NotFoundError('not_found', `Unknown webhook delivery ${deliveryId}.`);
      const [view] = await withAttempts([row]);
      const payload = await findEventPayload(db, String(row.event_id));
      return { ...view!, payload: { ...payload } };
    },

    async replay(auth, deliveryId) {
      requireScope(auth, 'environment:webhooks:write');
      const original = await findDeliveryRow(db, auth.environment.id, deliveryId);
      if (original === undefined)
        throw new NotFoundError('not_found', `Unknown webhook delivery ${deliveryId}.`);
      const copyId = await insertDeliveryCopy(db, original);
      deps.onDeliveriesQueued?.();
      const copy = await findDeliveryRow(db, auth.environment.id, copyId);
      const [view] = await withAttempts([copy!]);
      return view!;
    },
  };
}

function toView(
  row: DeliveryListRow,
  attempts: Array<{
    status_code: number | null;
    error: string | null;
    duration_ms: number;
    attempted_at: Date;
  }>,
): WebhookDeliveryView {
  return {
    id: row.id,
    event_id: String(row.event_id),
    connection_id: row.connection_id,
    provider_config_key: row.integration_key,
    operation: row.operation,
    success: row.success,
    url: row.url,
    status: row.status,
    attempt_count: row.attempts,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    delivered_at: row.delivered_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    attempts: attempts.map((attempt) => ({
      status_code: attempt.status_code,
      error: attempt.error,
      duration_ms: attempt.duration_ms,
      attempted_at: attempt.attempted_at.toISOString(),
    })),
  };
}
