/**
 * Per-environment settings: public key and whether public-key flows are allowed, custom callback URL, frontend HMAC,
 * and where auth webhooks go, the key that signs them and whether they carry Nango's legacy signature.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  AuthenticationError,
  allowedOriginsSchema,
  type ConnectUiTheme,
  connectUiThemeSchema,
  type EnvironmentWarning,
  fieldErrorsFromZod,
  NotFoundError,
  ValidationError,
} from '@latchkey/schema';
import { z } from 'zod';
import type { AuditService } from '../audit/audit.service';
import { type AuthContext, canAccess, requireScope } from '../auth/auth-context';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import { invalidateAllowedOrigins } from './allowed-origins';
import {
  findEnvironmentById,
  findEnvironmentByPublicKey,
  updateEnvironmentRow,
} from './environment.repository';
import type { EnvironmentRow, EnvironmentUpdate } from './environment.table';

export interface FlowSettings {
  environment: { id: string; name: string };
  callbackUrl: string | null;
  /** Whether a flow may start with the public key; connect sessions do not depend on it. */
  publicKeyFlowsEnabled: boolean;
  hmacEnabled: boolean;
  hmacKey: string;
  /** Where the callback page may post a popup's result (allowed-origins.ts). */
  allowedOrigins: string[];
}

export interface EnvironmentSettingsView {
  name: string;
  public_key: string;
  callback_url: string | null;
  public_key_flows_enabled: boolean;
  hmac_enabled: boolean;
  /** Only for keys with environment:settings:read and when asked (`?include=hmac_key`). */
  hmac_key?: string;
  webhook_url: string | null;
  webhook_secondary_url: string | null;
  webhook_on_auth_creation: boolean;
  webhook_on_auth_refresh_error: boolean;
  /** Only when asked (`?include=webhook_signing_key`). */
  webhook_signing_key?: string;
  /** The Connect UI's look; null keeps the built-in theme. */
  connectUiTheme: ConnectUiTheme | null;
  allowedOrigins: string[];
  legacy_webhook_signature: boolean;
  /** Settings that weaken the environment; empty when none does. */
  warnings: EnvironmentWarning[];
}

const webhookUrlSchema = z.union([z.url({ protocol: /^https?$/ }).max(2048), z.null(), z.literal('')]);

/** `PATCH /environment/webhook`, in Nango's names. Fields left out keep their values; null or "" clears a URL. */
export const updateWebhookSettingsSchema = z
  .object({
    primary_url: webhookUrlSchema.optional(),
    secondary_url: webhookUrlSchema.optional(),
    on_auth_creation: z.boolean().optional(),
    on_auth_refresh_error: z.boolean().optional(),
  })
  .strict();

export const updateEnvironmentSettingsSchema = z
  .object({
    callback_url: z.union([z.url({ protocol: /^https?$/ }).max(2048), z.null(), z.literal('')]).optional(),
    /** Let flows start with `public_key` (+ `connection_id`); with HMAC off, anyone can overwrite a connection. */
    public_key_flows_enabled: z.boolean().optional(),
    hmac_enabled: z.boolean().optional(),
    /** Set an HMAC key of your own, or `"rotate"` for a new random one. */
    hmac_key: z.string().min(16).max(256).optional(),
    webhook_url: webhookUrlSchema.optional(),
    webhook_secondary_url: webhookUrlSchema.optional(),
    /** Nango's names for the two URLs, accepted here too. */
    primary_url: webhookUrlSchema.optional(),
    secondary_url: webhookUrlSchema.optional(),
    webhook_on_auth_creation: z.boolean().optional(),
    webhook_on_auth_refresh_error: z.boolean().optional(),
    /** null resets to the built-in theme. */
    connectUiTheme: connectUiThemeSchema.nullable().optional(),
    allowedOrigins: allowedOriginsSchema.optional(),
    /** Also send Nango's `X-Nango-Signature` (SHA-256 of key and body) with webhooks, for old receivers. */
    legacy_webhook_signature: z.boolean().optional(),
  })
  .strict()
  .refine((patch) => patch.webhook_url === undefined || patch.primary_url === undefined, {
    message: 'Give webhook_url or primary_url, not both.',
    path: ['primary_url'],
  })
  .refine((patch) => patch.webhook_secondary_url === undefined || patch.secondary_url === undefined, {
    message: 'Give webhook_secondary_url or secondary_url, not both.',
    path: ['secondary_url'],
  });

export function webhookSigningKeyContext(environmentId: string): string {
  return `environments.webhook_signing_key:${environmentId}`;
}

export interface EnvironmentSettingsService {
  flowSettings(environmentId: string): Promise<FlowSettings>;
  byPublicKey(publicKey: string): Promise<FlowSettings>;
  get(
    auth: AuthContext,
    options?: { includeHmacKey?: boolean; includeWebhookSigningKey?: boolean },
  ): Promise<EnvironmentSettingsView>;
  update(auth: AuthContext, input: unknown): Promise<EnvironmentSettingsView>;
  /** `PATCH /environment/webhook` (Nango's field names). */
  updateWebhook(auth: AuthContext, input: unknown): Promise<EnvironmentSettingsView>;
  /** A new signing key (UUID v4, as Nango's); deliveries from now on, retries included, are signed with it. */
  rotateWebhookSigningKey(auth: AuthContext): Promise<{ webhook_signing_key: string }>;
  /** The theme `GET /connect/session` hands the Connect UI; null when the operator set none. */
  connectUiTheme(environmentId: string): Promise<ConnectUiTheme | null>;
}

export function createEnvironmentSettingsService(deps: {
  db: Db;
  vault: Vault;
  /** Plain http webhook URLs are refused unless private URLs are allowed (development). */
  allowPrivateUrls?: boolean;
  audit?: Pick<AuditService, 'record'>;
}): EnvironmentSettingsService {
  const { db, vault } = deps;
  const hmacContext = (id: string) => `environments.hmac_key:${id}`;

  function toFlowSettings(row: EnvironmentRow): FlowSettings {
    return {
      environment: { id: row.id, name: row.name },
      callbackUrl: row.callback_url,
      publicKeyFlowsEnabled: row.public_key_flows_enabled,
      hmacEnabled: row.hmac_enabled,
      hmacKey: vault.open(row.hmac_key_sealed, hmacContext(row.id)),
      allowedOrigins: row.allowed_origins,
    };
  }

  function view(
    row: EnvironmentRow,
    include: { hmacKey?: boolean; webhookSigningKey?: boolean } = {},
  ): EnvironmentSettingsView {
    const result: EnvironmentSettingsView = {
      name: row.name,
      public_key: row.public_key,
      callback_url: row.callback_url,
      public_key_flows_enabled: row.public_key_flows_enabled,
      hmac_enabled: row.hmac_enabled,
      webhook_url: row.webhook_url,
      webhook_secondary_url: row.webhook_secondary_url,
      webhook_on_auth_creation: row.webhook_on_auth_creation,
      webhook_on_auth_refresh_error: row.webhook_on_auth_refresh_error,
      connectUiTheme: storedTheme(row),
      allowedOrigins: row.allowed_origins,
      legacy_webhook_signature: row.legacy_webhook_signature,
      warnings: warningsOf(row),
    };
    if (include.hmacKey === true) result.hmac_key = vault.open(row.hmac_key_sealed, hmacContext(row.id));
    if (include.webhookSigningKey === true) {
      result.webhook_signing_key = vault.open(
        row.webhook_signing_key_sealed,
        webhookSigningKeyContext(row.id),
      );
    }
    return result;
  }

  function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      throw new ValidationError('invalid_body', 'The environment settings are invalid.', {
        errors: fieldErrorsFromZod(parsed.error),
      });
    }
    return parsed.data;
  }

  /** The webhook part of an update; undefined fields are left out, so they keep their stored values. */
  function webhookUpdate(fields: {
    primary?: string | null | undefined;
    secondary?: string | null | undefined;
    onAuthCreation?: boolean | undefined;
    onAuthRefreshError?: boolean | undefined;
  }): EnvironmentUpdate {
    const update: EnvironmentUpdate = {};
    for (const [column, value, name] of [
      ['webhook_url', fields.primary, 'primary_url'],
      ['webhook_secondary_url', fields.secondary, 'secondary_url'],
    ] as const) {
      if (value === undefined) continue;
      if (value && new URL(value).protocol === 'http:' && deps.allowPrivateUrls !== true) {
        throw new ValidationError('invalid_body', `${name} must be an https URL.`, {
          errors: [{ code: 'invalid_format', message: 'must be an https URL', path: [name] }],
        });
      }
      update[column] = value || null;
    }
    if (fields.onAuthCreation !== undefined) update.webhook_on_auth_creation = fields.onAuthCreation;
    if (fields.onAuthRefreshError !== undefined)
      update.webhook_on_auth_refresh_error = fields.onAuthRefreshError;
    return update;
  }

  async function load(id: string): Promise<EnvironmentRow> {
    const row = await findEnvironmentById(db, id);
    if (row === undefined) throw new NotFoundError('unknown_environment');
    return row;
  }

  return {
    async flowSettings(environmentId) {
      return toFlowSettings(await load(environmentId));
    },

    async byPublicKey(publicKey) {
      const row = /^[0-9a-f-]{36}$/i.test(publicKey)
        ? await findEnvironmentByPublicKey(db, publicKey.toLowerCase())
        : undefined;
      if (row === undefined) throw new AuthenticationError('invalid_public_key');
      return toFlowSettings(row);
    },

    async get(auth, options = {}) {
      requireScope(auth, 'environment:settings:read');
      const allowed = canAccess(auth, 'environment:settings:read');
      return view(await load(auth.environment.id), {
        hmacKey: options.includeHmacKey === true && allowed,
        webhookSigningKey: options.includeWebhookSigningKey === true && allowed,
      });
    },

    async update(auth, input) {
      requireScope(auth, 'environment:settings:write');
      const patch = parse(updateEnvironmentSettingsSchema, input);
      const id = auth.environment.id;
      const hmacKey = patch.hmac_key === 'rotate' ? randomBytes(32).toString('hex') : patch.hmac_key;
      const toggled = SECURITY_TOGGLES.filter((name) => patch[name] !== undefined);
      const before = toggled.length > 0 ? await load(id) : undefined;
      const row = await updateEnvironmentRow(db, id, {
        ...(patch.callback_url !== undefined ? { callback_url: patch.callback_url || null } : {}),
        ...Object.fromEntries(toggled.map((name) => [name, patch[name]])),
        ...(hmacKey !== undefined ? { hmac_key_sealed: vault.seal(hmacKey, hmacContext(id)) } : {}),
        ...webhookUpdate({
          // Not `??`: null (clear the URL) is a value here.
          primary: patch.webhook_url !== undefined ? patch.webhook_url : patch.primary_url,
          secondary:
            patch.webhook_secondary_url !== undefined ? patch.webhook_secondary_url : patch.secondary_url,
          onAuthCreation: patch.webhook_on_auth_creation,
          onAuthRefreshError: patch.webhook_on_auth_refresh_error,
        }),
        ...(patch.connectUiTheme !== undefined
          ? { connect_ui_theme: JSON.stringify(patch.connectUiTheme ?? {}) }
          : {}),
        ...(patch.allowedOrigins !== undefined
          ? { allowed_origins: JSON.stringify(patch.allowedOrigins.map((o) => o.toLowerCase())) }
          : {}),
      });
      // This instance's CORS answers follow the new allowed origins at once.
      invalidateAllowedOrigins();
      const switched = toggled.filter((name) => before?.[name] !== row[name]);
      await deps.audit?.record(auth, {
        action: 'environment.settings_update',
        environmentId: id,
        targetType: 'environment',
        targetId: auth.environment.name,
        // Which settings were given, never their values (an HMAC key is a secret), except the security switches
        // that changed: who turned HMAC off or public-key flows on is what an auditor looks for.
        details: {
          fields: Object.keys(patch),
          ...(switched.length > 0 && {
            changes: Object.fromEntries(
              switched.map((name) => [name, { from: before?.[name], to: row[name] }]),
            ),
          }),
        },
      });
      return view(row);
    },

    async updateWebhook(auth, input) {
      requireScope(auth, 'environment:settings:write');
      const patch = parse(updateWebhookSettingsSchema, input);
      const row = await updateEnvironmentRow(
        db,
        auth.environment.id,
        webhookUpdate({
          primary: patch.primary_url,
          secondary: patch.secondary_url,
          onAuthCreation: patch.on_auth_creation,
          onAuthRefreshError: patch.on_auth_refresh_error,
        }),
      );
      await deps.audit?.record(auth, {
        action: 'environment.settings_update',
        environmentId: auth.environment.id,
        targetType: 'environment',
        targetId: auth.environment.name,
        details: { fields: Object.keys(patch) },
      });
      return view(row);
    },

    async rotateWebhookSigningKey(auth) {
      requireScope(auth, 'environment:settings:write');
      const id = auth.environment.id;
      const key = randomUUID();
      await updateEnvironmentRow(db, id, {
        webhook_signing_key_sealed: vault.seal(key, webhookSigningKeyContext(id)),
      });
      await deps.audit?.record(auth, {
        action: 'environment.webhook_signing_key_rotate',
        environmentId: id,
        targetType: 'environment',
        targetId: auth.environment.name,
      });
      return { webhook_signing_key: key };
    },

    async connectUiTheme(environmentId) {
      return storedTheme(await load(environmentId));
    },
  };
}

/** The switches whose old and new values the audit log records (booleans: no secret in them). */
const SECURITY_TOGGLES = ['public_key_flows_enabled', 'hmac_enabled', 'legacy_webhook_signature'] as const;

function warningsOf(row: EnvironmentRow): EnvironmentWarning[] {
  if (!row.public_key_flows_enabled || row.hmac_enabled) return [];
  return [
    {
      code: 'public_key_flows_without_hmac',
      message:
        'Public-key flows are on without HMAC: anyone who sees the public key (it ships in your web pages) can ' +
        'connect any connection_id and overwrite its credentials. Turn HMAC on, or use connect sessions.',
    },
  ];
}

/** `{}` (the column's default) means no theme was set. */
function storedTheme(row: EnvironmentRow): ConnectUiTheme | null {
  return 'mode' in row.connect_ui_theme ? (row.connect_ui_theme as ConnectUiTheme) : null;
}
