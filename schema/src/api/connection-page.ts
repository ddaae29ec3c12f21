/**
 * The typed APIs' connection inputs: a page of the list by keyset cursor (Nango's filters plus the refresh state),
 * and the pair that names one connection.
 */
import { z } from 'zod';
import { connectionListItemSchema, patchConnectionInputSchema } from './connection-admin';
import { uniqueKeySchema } from './integrations';

const idFilter = z.string().min(1).max(255);
export const REFRESH_STATES = ['active', 'refresh_failed', 'needs_reauth'] as const;

export const connectionPageInputSchema = z
  .object({
    connectionId: idFilter.optional(),
    /** Case-insensitive prefix of the connection id, end-user email or display name. */
    search: idFilter.optional(),
    endUserId: idFilter.optional(),
    endUserOrganizationId: idFilter.optional(),
    /** The dashboard's name for `endUserOrganizationId`. */
    organizationId: idFilter.optional(),
    integrationIds: z.array(uniqueKeySchema).min(1).max(100).optional(),
    /** One integration (the dashboard's filter); combined with `integrationIds` when both are given. */
    integration: uniqueKeySchema.optional(),
    /** Every pair must match; keys compare case-insensitively. */
    tags: z.record(z.string().min(1).max(64), z.string().min(1).max(255)).optional(),
    refreshState: z.enum(REFRESH_STATES).optional(),
    first: z.number().int().min(1).max(500).default(50),
    /** `next_cursor` of the previous page. */
    after: z
      .string()
      .regex(/^\d{1,18}$/, 'not a cursor of this list')
      .optional(),
  })
  .strict();
export type ConnectionPageInput = z.input<typeof connectionPageInputSchema>;

export const connectionPageSchema = z.object({
  items: z.array(connectionListItemSchema),
  /** Pass as `after` for the next page; null on the last one. */
  next_cursor: z.string().nullable(),
});

/** One connection: its id and its integration's unique key. */
export const connectionRefSchema = z
  .object({ connectionId: idFilter, providerConfigKey: z.string().min(1).max(255) })
  .strict();

export const connectionReadInputSchema = connectionRefSchema
  .extend({
    /** Include the refresh token (needs the credentials scope, as in REST). */
    refreshToken: z.boolean().optional(),
  })
  .strict();

export const connectionPatchInputSchema = connectionRefSchema
  .extend({ patch: patchConnectionInputSchema })
  .strict();
