/**
 * Query strings of REST endpoints whose routes declared them locally, here so the routes and the OpenAPI document
 * can share one definition. Numbers arrive as strings, hence `z.coerce`.
 */
import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES } from './activity';
import { eventCursorSchema } from './auth-events';
import { listParamSchema } from './query';

/** Endpoints that take no query at all (Nango requires an empty one on some POSTs). */
export const emptyQuerySchema = z.object({}).strict();

export const environmentQuerySchema = z
  .object({ include: listParamSchema(['hmac_key', 'webhook_signing_key']).optional() })
  .strict();

export const listLogsQuerySchema = z
  .object({
    connection_id: z.string().min(1).max(255).optional(),
    integration: z.string().min(1).max(255).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export const listWebhookDeliveriesQuerySchema = z
  .object({
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
    connection_id: z.string().min(1).max(255).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export const authEventsQuerySchema = z
  .object({
    after: eventCursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const sessionEventsQuerySchema = z
  .object({
    after: eventCursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();

/** The legacy `/connection/:id/metadata` routes: the key in the query (or the `Provider-Config-Key` header). */
export const legacyMetadataQuerySchema = z
  .object({ provider_config_key: z.string().min(1).max(255).optional() })
  .strict();
