/**
 * Connections: pages of the list by cursor, one connection with fresh credentials (refreshed on read when due, as
 * REST does), one without them (`summary`) and their audited `reveal`, a forced refresh, patch, delete and metadata.
 */
import {
  connectionKeyInputSchema,
  connectionPageInputSchema,
  connectionPageSchema,
  connectionPatchInputSchema,
  connectionReadInputSchema,
  connectionRefSchema,
  connectionSchema,
  connectionSummarySchema,
  metadataInputSchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { router, secretKeyProcedure } from '../trpc';

const success = z.object({ success: z.literal(true) });

export const connectionsRouter = router({
  list: secretKeyProcedure
    .input(connectionPageInputSchema)
    .output(connectionPageSchema)
    .query(async ({ ctx, input }) => {
      const { first, after, integrationIds, integration, search, organizationId, ...filter } = input;
      const integrationId = [...(integrationIds ?? []), ...(integration === undefined ? [] : [integration])];
      // One more than asked tells whether another page follows.
      const items = await ctx.services.connectionPages.page(
        ctx.auth,
        {
          ...filter,
          endUserOrganizationId: filter.endUserOrganizationId ?? organizationId,
          integrationId: integrationId.length > 0 ? integrationId : undefined,
          searchPrefix: search,
        },
        { after, limit: first + 1, inverted: false },
      );
      const page = items.slice(0, first);
      return { items: page, next_cursor: items.length > first ? String(page.at(-1)!.id) : null };
    }),
  get: secretKeyProcedure
    .input(connectionReadInputSchema)
    .output(connectionSchema)
    .query(({ ctx, input }) =>
      ctx.services.connections.get(ctx.auth, input.connectionId, input.providerConfigKey, {
        includeRefreshToken: input.refreshToken === true,
      }),
    ),
  /** Without credentials: what `connections:read` (a support operator) may see. */
  summary: secretKeyProcedure
    .input(connectionKeyInputSchema)
    .output(connectionSummarySchema)
    .query(({ ctx, input }) =>
      ctx.services.connectionInspection.summary(ctx.auth, input.integration, input.connectionId),
    ),
  /** The credentials, refresh token included (read_credentials scope); written to the audit log. */
  reveal: secretKeyProcedure
    .input(connectionKeyInputSchema)
    .output(connectionSchema.shape.credentials)
    .mutation(({ ctx, input }) =>
      ctx.services.connectionInspection.reveal(ctx.auth, input.integration, input.connectionId),
    ),
  credentials: secretKeyProcedure
    .input(connectionReadInputSchema)
    .output(connectionSchema.shape.credentials)
    .query(
      async ({ ctx, input }) =>
        (
          await ctx.services.connections.get(ctx.auth, input.connectionId, input.providerConfigKey, {
            includeRefreshToken: input.refreshToken === true,
          })
        ).credentials,
    ),
  refresh: secretKeyProcedure
    .input(connectionReadInputSchema)
    .output(connectionSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.connections.get(ctx.auth, input.connectionId, input.providerConfigKey, {
        forceRefresh: true,
        includeRefreshToken: input.refreshToken === true,
      }),
    ),
  patch: secretKeyProcedure
    .input(connectionPatchInputSchema)
    .output(success)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.connectionAdmin.patch(
        ctx.auth,
        input.connectionId,
        input.providerConfigKey,
        input.patch,
      );
      return { success: true as const };
    }),
  delete: secretKeyProcedure
    .input(connectionRefSchema)
    .output(success)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.connectionAdmin.delete(ctx.auth, input.connectionId, input.providerConfigKey);
      return { success: true as const };
    }),
  /** Replaces the metadata of one connection or several. */
  setMetadata: secretKeyProcedure
    .input(metadataInputSchema)
    .output(success)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.connectionAdmin.writeMetadata(ctx.auth, input, 'replace');
      return { success: true as const };
    }),
  /** Merges into the metadata of one connection or several. */
  updateMetadata: secretKeyProcedure
    .input(metadataInputSchema)
    .output(success)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.connectionAdmin.writeMetadata(ctx.auth, input, 'merge');
      return { success: true as const };
    }),
});
