/**
 * Per-environment settings the auth flows read: public key (for public-key flows), custom callback URL, frontend
 * HMAC. Webhook settings join here with the webhooks issue.
 */
import { randomBytes } from 'node:crypto';
import { AuthenticationError, fieldErrorsFromZod, NotFoundError, ValidationError } from '@latchkey/schema';
import { z } from 'zod';
import { type AuthContext, canAccess, requireScope } from '../auth/auth-context';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import {
  findEnvironmentById,
  findEnvironmentByPublicKey,
  updateEnvironmentRow,
} from './environment.repository';
import type { EnvironmentRow } from './environment.table';

export interface FlowSettings {
  environment: { id: string; name: string };
  callbackUrl: string | null;
  hmacEnabled: boolean;
  hmacKey: string;
}

export interface EnvironmentSettingsView {
  name: string;
  public_key: string;
  callback_url: string | null;
  hmac_enabled: boolean;
  /** Only for keys with environment:settings:read and when asked (`?include=hmac_key`). */
  hmac_key?: string;
}

export const updateEnvironmentSettingsSchema = z
  .object({
    callback_url: z.union([z.url({ protocol: /^https?$/ }).max(2048), z.null(), z.literal('')]).optional(),
    hmac_enabled: z.boolean().optional(),
    /** Set an HMAC key of your own, or `"rotate"` for a new random one. */
    hmac_key: z.string().min(16).max(256).optional(),
  })
  .strict();

export interface EnvironmentSettingsService {
  flowSettings(environmentId: string): Promise<FlowSettings>;
  byPublicKey(publicKey: string): Promise<FlowSettings>;
  get(auth: AuthContext, options?: { includeHmacKey?: boolean }): Promise<EnvironmentSettingsView>;
  update(auth: AuthContext, input: unknown): Promise<EnvironmentSettingsView>;
}

export function createEnvironmentSettingsService(deps: { db: Db; vault: Vault }): EnvironmentSettingsService {
  const { db, vault } = deps;
  const hmacContext = (id: string) => `environments.hmac_key:${id}`;

  function toFlowSettings(row: EnvironmentRow): FlowSettings {
    return {
      environment: { id: row.id, name: row.name },
      callbackUrl: row.callback_url,
      hmacEnabled: row.hmac_enabled,
      hmacKey: vault.open(row.hmac_key_sealed, hmacContext(row.id)),
    };
  }

  function view(row: EnvironmentRow, includeHmacKey: boolean): EnvironmentSettingsView {
    const result: EnvironmentSettingsView = {
      name: row.name,
      public_key: row.public_key,
      callback_url: row.callback_url,
      hmac_enabled: row.hmac_enabled,
    };
    if (includeHmacKey) result.hmac_key = vault.open(row.hmac_key_sealed, hmacContext(row.id));
    return result;
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
      const include = options.includeHmacKey === true && canAccess(auth, 'environment:settings:read');
      return view(await load(auth.environment.id), include);
    },

    async update(auth, input) {
      requireScope(auth, 'environment:settings:write');
      const parsed = updateEnvironmentSettingsSchema.safeParse(input);
      if (!parsed.success) {
        throw new ValidationError('invalid_body', 'The environment settings are invalid.', {
          errors: fieldErrorsFromZod(parsed.error),
        });
      }
      const patch = parsed.data;
      const id = auth.environment.id;
      const hmacKey = patch.hmac_key === 'rotate' ? randomBytes(32).toString('hex') : patch.hmac_key;
      const row = await updateEnvironmentRow(db, id, {
        ...(patch.callback_url !== undefined ? { callback_url: patch.callback_url || null } : {}),
        ...(patch.hmac_enabled !== undefined ? { hmac_enabled: patch.hmac_enabled } : {}),
        ...(hmacKey !== undefined ? { hmac_key_sealed: vault.seal(hmacKey, hmacContext(id)) } : {}),
      });
      return view(row, false);
    },
  };
}
