/** What happened in an environment, as the typed APIs read it: operation logs of auth flows and webhook deliveries. */
import { z } from 'zod';

export const listOperationLogsInputSchema = z
  .object({
    connectionId: z.string().min(1).max(255).optional(),
    integration: z.string().min(1).max(255).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict();

export const operationLogSchema = z.object({
  id: z.string(),
  kind: z.string(),
  action: z.string(),
  integration: z.string().nullable(),
  connection_id: z.string().nullable(),
  status: z.string(),
  error_code: z.string().nullable(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  messages: z.array(
    z.object({
      level: z.string(),
      message: z.string(),
      meta: z.record(z.string(), z.unknown()).nullable(),
      created_at: z.string(),
    }),
  ),
});

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;

export const listWebhookDeliveriesInputSchema = z
  .object({
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
    connectionId: z.string().min(1).max(255).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict();

export const webhookDeliverySchema = z.object({
  id: z.string(),
  event_id: z.string(),
  connection_id: z.string(),
  provider_config_key: z.string(),
  operation: z.string(),
  success: z.boolean(),
  url: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempt_count: z.number(),
  next_attempt_at: z.string().nullable(),
  last_status_code: z.number().nullable(),
  last_error: z.string().nullable(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
  attempts: z.array(
    z.object({
      status_code: z.number().nullable(),
      error: z.string().nullable(),
      duration_ms: z.number(),
      attempted_at: z.string(),
    }),
  ),
});
