/**
 * Secret keys: created with scopes, stored as SHA-256 hashes, resolved on every request. Resolution is on the hot
 * path of every API call, so results are cached in-process for a few seconds; revocation therefore takes effect in
 * other processes within `cacheTtlMs`.
 */
import { randomUUID } from 'node:crypto';
import {
  AuthenticationError,
  GRANTABLE_SCOPE_PATTERN,
  NotFoundError,
  ValidationError,
} from '@latchkey/schema';
import { generateSecretKey, hashesEqual, hashSecret } from '../platform/crypto/secret-hash';
import type { Db } from '../platform/database/database';
import {
  findActiveApiKeyByHash,
  insertApiKey,
  listApiKeyRows,
  markApiKeyRevoked,
  markEnvironmentApiKeyRevoked,
} from './api-key.repository';

export interface AuthenticatedKey {
  apiKeyId: string;
  environment: { id: string; name: string };
  scopes: readonly string[];
}

export interface ApiKeySummary {
  id: string;
  name: string;
  hint: string;
  scopes: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

export interface CreateApiKeyInput {
  environmentId: string;
  name: string;
  scopes: string[];
  /** An operator-supplied key (LATCHKEY_BOOTSTRAP_SECRET_KEY, an imported Nango key); generated when absent. */
  key?: string | undefined;
}

export interface ApiKeyService {
  create(input: CreateApiKeyInput, db?: Db): Promise<{ id: string; secretKey: string }>;
  /** Like create, but a key that already exists is left as it is. */
  ensureKey(input: CreateApiKeyInput & { key: string }): Promise<void>;
  authenticate(secretKey: string): Promise<AuthenticatedKey>;
  list(environmentId: string): Promise<ApiKeySummary[]>;
  /** With `environmentId`, only a key of that environment is revoked. */
  revoke(id: string, environmentId?: string): Promise<void>;
}

const CACHE_MAX_ENTRIES = 10_000;

export function createApiKeyService(deps: { db: Db; cacheTtlMs?: number }): ApiKeyService {
  const { db } = deps;
  const cacheTtlMs = deps.cacheTtlMs ?? 5_000;
  const cache = new Map<string, { key: AuthenticatedKey; expiresAt: number }>();

  function normalise(secretKey: string): string {
    // UUID keys compare case-insensitively, as Nango's do.
    return /^[0-9a-f-]{36}$/i.test(secretKey) ? secretKey.toLowerCase() : secretKey;
  }

  async function insert(input: CreateApiKeyInput, target: Db) {
    for (const scope of input.scopes) {
      if (!GRANTABLE_SCOPE_PATTERN.test(scope))
        throw new ValidationError('invalid_body', `Unknown scope ${scope}.`);
    }
    const secretKey = normalise(input.key ?? generateSecretKey());
    const row = await insertApiKey(target, {
      id: randomUUID(),
      environment_id: input.environmentId,
      name: input.name,
      key_hash: hashSecret(secretKey),
      key_hint: secretKey.slice(-4),
      scopes: JSON.stringify(input.scopes),
    });
    return { row, secretKey };
  }

  return {
    async create(input, target = db) {
      const { row, secretKey } = await insert(input, target);
      if (row === undefined) throw new ValidationError('invalid_body', 'This key is already in use.');
      return { id: row.id, secretKey };
    },

    async ensureKey(input) {
      await insert(input, db);
    },

    async authenticate(secretKey) {
      const hash = hashSecret(normalise(secretKey));
      const now = Date.now();
      const cached = cache.get(hash);
      if (cached !== undefined && cached.expiresAt > now) return cached.key;

      const row = await findActiveApiKeyByHash(db, hash);
      // The lookup is by an index on the hash; the explicit constant-time comparison keeps the final check free of
      // early exits whatever the database does.
      if (row === undefined || !hashesEqual(row.key_hash, hash)) {
        cache.delete(hash);
        throw new AuthenticationError('unknown_api_key');
      }
      const key: AuthenticatedKey = {
        apiKeyId: row.id,
        environment: { id: row.environment_id, name: row.environment_name },
        scopes: row.scopes,
      };
      if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(hash, { key, expiresAt: now + cacheTtlMs });
      return key;
    },

    async list(environmentId) {
      return (await listApiKeyRows(db, environmentId)).map((row) => ({
        id: row.id,
        name: row.name,
        hint: row.key_hint,
        scopes: row.scopes,
        createdAt: row.created_at,
        revokedAt: row.revoked_at,
      }));
    },

    async revoke(id, environmentId) {
      const revoked =
        environmentId === undefined
          ? await markApiKeyRevoked(db, id)
          : await markEnvironmentApiKeyRevoked(db, environmentId, id);
      if (!revoked) throw new NotFoundError('not_found', `No live API key ${id}.`);
      for (const [hash, entry] of cache) if (entry.key.apiKeyId === id) cache.delete(hash);
    },
  };
}
