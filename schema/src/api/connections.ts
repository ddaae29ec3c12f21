/** Connection outputs (compat doc 2.3) and the flow endpoints' success body (3.4). */
import { z } from 'zod';

export const endUserOutputSchema = z.object({
  id: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  tags: z.record(z.string(), z.string()).nullable(),
  organization: z.object({ id: z.string(), display_name: z.string().nullable() }).nullable(),
});

export const connectionSchema = z.object({
  id: z.number(),
  connection_id: z.string(),
  provider_config_key: z.string(),
  provider: z.string(),
  errors: z.array(z.object({ type: z.string(), log_id: z.string() })),
  end_user: endUserOutputSchema.nullable(),
  tags: z.record(z.string(), z.string()),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  connection_config: z.record(z.string(), z.unknown()),
  webhook_url_override: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  last_fetched_at: z.string().nullable(),
  credentials: z.record(z.string(), z.unknown()),
  /** Latchkey: `active`, `refresh_failed` or `needs_reauth`. */
  refresh_state: z.enum(['active', 'refresh_failed', 'needs_reauth']),
});
export type ConnectionOutput = z.infer<typeof connectionSchema>;

export const getConnectionQuerySchema = z
  .object({
    provider_config_key: z.string().min(1).max(255),
    force_refresh: z.string().optional(),
    refresh_token: z.string().optional(),
    refresh_github_app_jwt_token: z.string().optional(),
  })
  .strict();

export const authSuccessSchema = z.object({
  providerConfigKey: z.string(),
  connectionId: z.string(),
  isPending: z.boolean().optional(),
});
