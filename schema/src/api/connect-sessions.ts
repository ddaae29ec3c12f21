/** Connect session inputs and outputs (compat doc 2.5). */
import { z } from 'zod';
import { uniqueKeySchema } from './integrations';

export const CONNECT_SESSION_TOKEN_PATTERN = /^nango_connect_session_[a-f0-9]{64}$/;

const TAG_KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_\-./]*$/;

/** At most 10 tags; keys unique case-insensitively; `end_user_email` must be an email. */
export const tagsSchema = z
  .record(
    z.string().max(64).regex(TAG_KEY_PATTERN, 'a tag key starts with a letter: letters, digits, _ - . /'),
    z.string().min(1).max(255),
  )
  .superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    if (keys.length > 10) ctx.addIssue({ code: 'custom', message: 'at most 10 tags' });
    const lowered = new Set<string>();
    for (const key of keys) {
      if (lowered.has(key.toLowerCase()))
        ctx.addIssue({ code: 'custom', message: `duplicate tag key ${key}`, path: [key] });
      lowered.add(key.toLowerCase());
    }
    if (tags.end_user_email !== undefined && !z.email().safeParse(tags.end_user_email).success) {
      ctx.addIssue({ code: 'custom', message: 'end_user_email must be an email', path: ['end_user_email'] });
    }
  });

export const endUserInputSchema = z
  .object({
    id: z.string().min(1).max(255),
    email: z.email().min(5).max(255).optional(),
    display_name: z.string().max(255).optional(),
    tags: tagsSchema.optional(),
  })
  .strict();

/**
 * `browser`: the session is bound to the first browser that uses its token (a cookie); any other browser is refused,
 * so a forwarded connect link cannot attach someone else's account. Absent: unbound, as Nango's sessions.
 */
export const connectSessionBindingSchema = z.enum(['browser']);
export type ConnectSessionBinding = z.infer<typeof connectSessionBindingSchema>;

/** The end user of a connect session: as anywhere else, plus how the session is bound to their browser. */
export const connectSessionEndUserSchema = endUserInputSchema.extend({
  binding: connectSessionBindingSchema.optional(),
});

export const organizationInputSchema = z
  .object({ id: z.string().min(1).max(255), display_name: z.string().max(255).optional() })
  .strict();

export const integrationConfigDefaultsSchema = z.record(
  uniqueKeySchema,
  z
    .object({
      user_scopes: z.string().max(4000).optional(),
      authorization_params: z.record(z.string().max(255), z.string().max(4000)).optional(),
      connection_config: z
        .object({ oauth_scopes_override: z.string().max(4000).optional() })
        .catchall(z.unknown())
        .optional(),
    })
    .strict(),
);

const webhookUrlOverrideSchema = z.union([z.literal(''), z.url().max(2048)]);

export const createConnectSessionInputSchema = z
  .object({
    end_user: connectSessionEndUserSchema.optional(),
    organization: organizationInputSchema.optional(),
    allowed_integrations: z.array(uniqueKeySchema).max(200).optional(),
    integrations_config_defaults: integrationConfigDefaultsSchema.optional(),
    webhook_url_override: webhookUrlOverrideSchema.optional(),
    tags: tagsSchema.optional(),
    overrides: z.record(uniqueKeySchema, z.object({ docs_connect: z.url().optional() }).strict()).optional(),
  })
  .strict()
  .refine((input) => input.end_user !== undefined || input.tags !== undefined, {
    message: 'end_user is required unless tags are given',
    path: ['end_user'],
  });
export type CreateConnectSessionInput = z.infer<typeof createConnectSessionInputSchema>;

export const createReconnectSessionInputSchema = z
  .object({
    connection_id: z.string().min(1).max(255),
    integration_id: uniqueKeySchema,
    end_user: connectSessionEndUserSchema.optional(),
    organization: organizationInputSchema.optional(),
    integrations_config_defaults: integrationConfigDefaultsSchema.optional(),
    webhook_url_override: webhookUrlOverrideSchema.optional(),
    tags: tagsSchema.optional(),
    overrides: z.record(uniqueKeySchema, z.object({ docs_connect: z.url().optional() }).strict()).optional(),
  })
  .strict();
export type CreateReconnectSessionInput = z.infer<typeof createReconnectSessionInputSchema>;

export const connectSessionCreatedSchema = z.object({
  data: z.object({ token: z.string(), connect_link: z.string(), expires_at: z.string() }),
});
