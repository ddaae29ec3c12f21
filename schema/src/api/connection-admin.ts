/** Managing connections (compat doc 2.2, 2.4): the list, patch, delete and metadata endpoints' inputs and outputs. */
import { z } from 'zod';
import { endUserInputSchema, tagsSchema } from './connect-sessions';
import { endUserOutputSchema } from './connections';

/** Nango answers every matching connection unless asked for fewer (compat doc 2.2, a quirk we keep). */
export const DEFAULT_CONNECTION_LIST_LIMIT = 10_000;

const idFilter = z.string().min(1).max(255);

export const listConnectionsQuerySchema = z
  .object({
    connectionId: idFilter.optional(),
    search: idFilter.optional(),
    endUserId: idFilter.optional(),
    endUserOrganizationId: idFilter.optional(),
    /** Integration unique keys, comma-separated (the SDK joins an array that way) or repeated. */
    integrationId: z
      .union([z.string().max(4000), z.array(z.string().max(255)).max(100)])
      .transform((value) => [value].flat().flatMap((keys) => keys.split(',').filter((key) => key !== '')))
      .optional(),
    /** `tags[k]=v`: every pair must match; keys compare case-insensitively. */
    tags: z.record(z.string().min(1).max(64), z.string().min(1).max(255)).optional(),
    limit: z.coerce.number().int().min(1).max(DEFAULT_CONNECTION_LIST_LIMIT).optional(),
    page: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type ListConnectionsQuery = z.infer<typeof listConnectionsQuerySchema>;

export const connectionListItemSchema = z.object({
  id: z.number(),
  connection_id: z.string(),
  provider_config_key: z.string(),
  provider: z.string(),
  errors: z.array(z.object({ type: z.enum(['auth', 'sync']), log_id: z.string() })),
  end_user: endUserOutputSchema.nullable(),
  tags: z.record(z.string(), z.string()),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  /** ISO-8601 with `Z` (unlike the `+00:00` of the single-connection shape). */
  created: z.string(),
  /** Latchkey: `active`, `refresh_failed` or `needs_reauth`. */
  refresh_state: z.enum(['active', 'refresh_failed', 'needs_reauth']),
});
export type ConnectionListItem = z.infer<typeof connectionListItemSchema>;

/** `?provider_config_key=` of the single-connection PATCH and DELETE. */
export const connectionKeyQuerySchema = z
  .object({ provider_config_key: z.string().min(1).max(255) })
  .strict();

/** A URL or `''`, which clears the override. Where it may point is the server's policy, checked there. */
export const webhookUrlOverrideInputSchema = z.union([z.literal(''), z.url().max(2048)]);

export const patchConnectionInputSchema = z
  .object({
    end_user: endUserInputSchema.optional(),
    tags: tagsSchema.optional(),
    webhook_url_override: webhookUrlOverrideInputSchema.optional(),
  })
  .strict();
export type PatchConnectionInput = z.infer<typeof patchConnectionInputSchema>;

export const connectionIdInputSchema = z.string().min(1).max(255);

export const metadataInputSchema = z
  .object({
    connection_id: z.union([connectionIdInputSchema, z.array(connectionIdInputSchema).max(1000)]),
    provider_config_key: z.string().min(1).max(255),
    metadata: z.record(z.string(), z.unknown()),
  })
  .strict();
export type MetadataInput = z.infer<typeof metadataInputSchema>;
