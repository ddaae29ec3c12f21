import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * The auth-event outbox: written in the same transaction as the change it describes, so an event exists if and only
 * if the change committed. Its identity column is the monotonic cursor subscribers resume from.
 */
export interface AuthEventTable {
  id: Generated<string>;
  environment_id: string;
  connection_id: string;
  integration_key: string;
  operation: AuthOperation;
  success: boolean;
  /** The webhook body (Nango's shape), without secrets. */
  payload: ColumnType<AuthEventPayload, string, never>;
  /** Where this event is to be delivered, resolved when it was written (environment URLs or the connection's override). */
  webhook_urls: ColumnType<string[], string | undefined, never>;
  /** The connect session whose flow wrote this event, for the session's own live stream (the widget's second channel). */
  connect_session_id: ColumnType<string | null, string | null | undefined, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type AuthOperation = 'creation' | 'override' | 'refresh' | 'deletion';

/** Nango's auth webhook body (compat doc 6.1) plus `id` and `created_at`, which are ours. */
export interface AuthEventPayload {
  from: 'nango';
  type: 'auth';
  connectionId: string;
  providerConfigKey: string;
  authMode: string;
  provider: string;
  environment: string;
  operation: AuthOperation;
  success: boolean;
  tags?: Record<string, string>;
  endUser?: {
    endUserId: string;
    endUserEmail?: string;
    organizationId?: string;
    tags: Record<string, string>;
  };
  error?: { type: string; description: string };
}

export interface WebhookDeliveryTable {
  id: string;
  event_id: string;
  environment_id: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed' | 'dead';
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface WebhookAttemptTable {
  id: Generated<string>;
  delivery_id: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  attempted_at: ColumnType<Date, Date | undefined, never>;
}

export type AuthEventRow = Selectable<AuthEventTable>;
export type NewAuthEventRow = Insertable<AuthEventTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
