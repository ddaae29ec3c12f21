/** Auth events as the typed APIs stream them: the filter a subscriber gives, its resume cursor, and one event. */
import { z } from 'zod';

/** An event id: events are numbered in commit order, so the last id seen is where a stream resumes. */
export const eventCursorSchema = z.string().regex(/^\d{1,18}$/, 'must be an event id (digits)');

export const AUTH_OPERATIONS = ['creation', 'override', 'refresh', 'deletion'] as const;

/** Every given condition must hold; an empty filter takes every event of the environment. */
export const authEventFilterSchema = z
  .object({
    connectionId: z.string().min(1).max(255).optional(),
    providerConfigKey: z.string().min(1).max(255).optional(),
    operations: z.array(z.enum(AUTH_OPERATIONS)).min(1).max(AUTH_OPERATIONS.length).optional(),
    success: z.boolean().optional(),
  })
  .strict();
export type AuthEventFilterInput = z.infer<typeof authEventFilterSchema>;

/**
 * `after`: start after this event (absent: live events only). `lastEventId` is what a reconnecting SSE client sends
 * (tRPC adds it to the input); it wins over `after`.
 */
export const authEventsSubscriptionInputSchema = z
  .object({
    filter: authEventFilterSchema.optional(),
    after: eventCursorSchema.optional(),
    lastEventId: eventCursorSchema.nullish(),
  })
  .strict();

/** Nango's auth webhook body (compat doc 6.1) plus our cursor `id` and the commit time. */
export const authEventSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  from: z.literal('nango'),
  type: z.literal('auth'),
  connectionId: z.string(),
  providerConfigKey: z.string(),
  authMode: z.string(),
  provider: z.string(),
  environment: z.string(),
  operation: z.enum(AUTH_OPERATIONS),
  success: z.boolean(),
  tags: z.record(z.string(), z.string()).optional(),
  endUser: z
    .object({
      endUserId: z.string(),
      endUserEmail: z.string().optional(),
      organizationId: z.string().optional(),
      tags: z.record(z.string(), z.string()),
    })
    .optional(),
  error: z.object({ type: z.string(), description: z.string() }).optional(),
});
export type AuthEvent = z.infer<typeof authEventSchema>;
