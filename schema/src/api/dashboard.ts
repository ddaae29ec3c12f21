/**
 * What the operator dashboard reads and writes beyond the public API: environments, API keys, the home page's
 * statistics, paged logs, one connection without its secrets, and the Connect UI theme.
 */
import { z } from 'zod';
import { operationLogSchema, webhookDeliverySchema } from './activity';
import { REFRESH_STATES } from './connection-page';
import { endUserOutputSchema } from './connections';
import { uniqueKeySchema } from './integrations';

const isoDate = z.string();

// --- Connect UI theme -------------------------------------------------------------------------------------------

const colourSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb');

/** 64 kB of image, as its data URL or nothing: a theme travels with every `GET /connect/session`. */
export const MAX_LOGO_BYTES = 64 * 1024;

const logoUrlSchema = z
  .string()
  .max(Math.ceil((MAX_LOGO_BYTES * 4) / 3) + 64, 'the logo is larger than 64 kB')
  .refine(
    (value) =>
      /^data:image\/(svg\+xml|png)(;base64)?,/.test(value) ||
      (/^https:\/\/[^\s]+$/.test(value) && URL.canParse(value)),
    'the logo is an https URL, or a data:image/svg+xml or data:image/png URL',
  )
  .refine((value) => !value.startsWith('data:') || dataUrlBytes(value) <= MAX_LOGO_BYTES, {
    message: 'the logo is larger than 64 kB',
  });

function dataUrlBytes(url: string): number {
  const comma = url.indexOf(',');
  const body = url.slice(comma + 1);
  return url.slice(0, comma).endsWith(';base64')
    ? Math.floor((body.replace(/=+$/, '').length * 3) / 4)
    : decodeURIComponent(body).length;
}

export const connectUiThemeSchema = z
  .object({
    mode: z.enum(['light', 'dark', 'system']),
    primaryColor: colourSchema,
    backgroundColor: colourSchema,
    textColor: colourSchema,
    /** Corner radius in px. */
    radius: z.number().int().min(0).max(24),
    logoUrl: logoUrlSchema.optional(),
  })
  .strict();
export type ConnectUiTheme = z.infer<typeof connectUiThemeSchema>;

/** Origins like `https://app.example.com`: scheme, host and port, nothing after; `*` allows every origin. */
export const allowedOriginsSchema = z
  .array(
    z.union([
      z.literal('*'),
      z
        .string()
        .max(255)
        .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'an origin is scheme://host[:port], or *'),
    ]),
  )
  .max(50);

// --- Environments and API keys ------------------------------------------------------------------------------------

export const environmentSummarySchema = z.object({ id: z.string(), name: z.string(), createdAt: isoDate });

export const createEnvironmentInputSchema = z.object({ name: z.string().min(1).max(64) }).strict();

export const createdEnvironmentSchema = z.object({
  environment: environmentSummarySchema,
  /** Shown once. */
  secretKey: z.string(),
});

export const apiKeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The key's last four characters. */
  hint: z.string(),
  scopes: z.array(z.string()),
  createdAt: isoDate,
  revokedAt: isoDate.nullable(),
});

export const createApiKeyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.string().max(100)).min(1).max(50),
  })
  .strict();

export const createdApiKeySchema = z.object({ id: z.string(), secretKey: z.string() });

export const idInputSchema = z.object({ id: z.uuid() }).strict();

// --- Home statistics ----------------------------------------------------------------------------------------------

export const homeStatsInputSchema = z
  .object({ days: z.number().int().min(1).max(90).default(14) })
  .strict()
  .default({ days: 14 });

const series = z.array(z.number());

export const homeStatsSchema = z.object({
  /** `YYYY-MM-DD`, UTC, oldest first; every series has one value per day. */
  days: z.array(z.string()),
  series: z.object({
    connectionsCreated: series,
    refreshFailures: series,
    webhooksOk: series,
    webhooksFailed: series,
    flowsStarted: series,
    flowsCompleted: series,
  }),
  attention: z.object({
    needsReauth: z.array(z.object({ connectionId: z.string(), integration: z.string(), since: isoDate })),
    needsReauthCount: z.number(),
    deadDeliveries: z.array(
      z.object({
        id: z.string(),
        eventType: z.string(),
        connectionId: z.string(),
        lastError: z.string().nullable(),
        at: isoDate,
      }),
    ),
    deadDeliveriesCount: z.number(),
  }),
});
export type HomeStats = z.infer<typeof homeStatsSchema>;

// --- Logs ---------------------------------------------------------------------------------------------------------

export const OPERATION_STATUSES = ['running', 'success', 'failed'] as const;

const filterText = z.string().min(1).max(255);

export const operationPageInputSchema = z
  .object({
    kind: filterText.optional(),
    action: filterText.optional(),
    status: z.enum(OPERATION_STATUSES).optional(),
    integration: filterText.optional(),
    connectionId: filterText.optional(),
    /** Started at or after (ISO 8601). */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Started before (ISO 8601). */
    to: z.iso.datetime({ offset: true }).optional(),
    /** `nextCursor` of the previous page. */
    cursor: z
      .string()
      .regex(/^\d{1,17}\.[0-9a-f-]{36}$/, 'not a cursor of this list')
      .optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type OperationPageInput = z.input<typeof operationPageInputSchema>;

export const operationSummarySchema = operationLogSchema.omit({ messages: true });

export const operationPageSchema = z.object({
  items: z.array(operationSummarySchema),
  nextCursor: z.string().nullable(),
});

export const liveOperationsInputSchema = z
  .object({
    /** Sent back by the client after a reconnection: resume after this event. */
    lastEventId: z.string().max(100).optional(),
  })
  .strict()
  .optional();

export const webhookDeliveryDetailSchema = webhookDeliverySchema.extend({
  /** The body that was (or will be) sent. */
  payload: z.record(z.string(), z.unknown()),
});

// --- Connections --------------------------------------------------------------------------------------------------

export const connectionKeyInputSchema = z
  .object({ integration: uniqueKeySchema, connectionId: z.string().min(1).max(255) })
  .strict();

/** One connection without its credentials: what a support operator may see. */
export const connectionSummarySchema = z.object({
  id: z.number(),
  connection_id: z.string(),
  provider_config_key: z.string(),
  provider: z.string(),
  auth_mode: z.string(),
  end_user: endUserOutputSchema.nullable(),
  connection_config: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  tags: z.record(z.string(), z.string()),
  scopes: z.array(z.string()),
  refresh_state: z.enum(REFRESH_STATES),
  refresh_attempts: z.number(),
  last_error: z
    .object({ type: z.string(), description: z.string(), provider_error: z.string().optional() })
    .nullable(),
  /** The latest failed operation of this connection: where its error is explained. */
  failed_operation_id: z.string().nullable(),
  expires_at: isoDate.nullable(),
  last_refresh_success_at: isoDate.nullable(),
  last_refresh_failure_at: isoDate.nullable(),
  last_fetched_at: isoDate.nullable(),
  webhook_url_override: z.string().nullable(),
  created_at: isoDate,
  updated_at: isoDate,
});
export type ConnectionSummary = z.infer<typeof connectionSummarySchema>;
