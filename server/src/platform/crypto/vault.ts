/**
 * Envelope encryption of secrets at rest with AES-256-GCM.
 *
 * Each value gets its own random data key; the value is sealed with the data key, and the data key is wrapped with the
 * primary master key. The sealed form is one ASCII string:
 *
 *   lk1.<master key id>.<wrap iv>.<wrapped data key + tag>.<iv>.<ciphertext + tag>      (base64url parts)
 *
 * The value's ciphertext is bound to a caller-given context (table, column, row id) as additional authenticated data,
 * so a ciphertext copied into another row or column fails to open. Rotation only re-wraps the data key: the value's
 * ciphertext is untouched and the context is not needed.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LatchkeyError } from '@latchkey/schema';
import type { Keyring, MasterKey } from './keyring';

const VERSION = 'lk1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAP_AAD = Buffer.from('latchkey-data-key-v1');
const DATA_KEY_CACHE_SIZE = 10_000;

export class VaultError extends LatchkeyError {
  constructor(reason: string) {
    // The client sees a generic message; the reason is for the server log.
    super('decryption_failed', undefined, { internal: reason });
  }
}

export interface Vault {
  readonly primaryKeyId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  sealJson(value: unknown, context: string): string;
  openJson<T>(sealed: string, context: string): T;
  /** The id of the master key that sealed this value. */
  keyIdOf(sealed: string): string;
  /** Re-wraps the data key under the primary master key; returns the value unchanged when it already is. */
  rewrap(sealed: string): string;
}

export function createVault(keyring: Keyring): Vault {
  const { primary } = keyring;

  function masterKey(id: string): MasterKey {
    const key = keyring.byId.get(id);
    if (key === undefined) throw new VaultError(`value sealed with unknown master key ${id}`);
    return key;
  }

  function wrap(dataKey: Buffer): [string, string] {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', primary.key, iv);
    cipher.setAAD(WRAP_AAD);
    const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    return [iv.toString('base64url'), wrapped.toString('base64url')];
  }

  // Unwrapped data keys by their wrapped form: reading the same secret again (the credential read path) then costs
  // one AES-GCM operation instead of two. The entry is only created after the wrap authenticated.
  const dataKeys = new Map<string, Buffer>();
  function unwrap(keyId: string, iv: string, wrapped: string): Buffer {
    const cacheKey = `${keyId}.${iv}.${wrapped}`;
    const cached = dataKeys.get(cacheKey);
    if (cached !== undefined) return cached;
    const dataKey = decrypt(masterKey(keyId).key, iv, wrapped, WRAP_AAD);
    if (dataKeys.size >= DATA_KEY_CACHE_SIZE) dataKeys.delete(dataKeys.keys().next().value as string);
    dataKeys.set(cacheKey, dataKey);
    return dataKey;
  }

  function split(sealed: string): [string, string, string, string, string] {
    const parts = sealed.split('.');
    if (parts.length !== 6 || parts[0] !== VERSION) throw new VaultError('not a sealed value');
    return parts.slice(1) as [string, string, string, string, string];
  }

  const vault: Vault = {
    primaryKeyId: primary.id,

    seal(plaintext, context) {
      const dataKey = randomBytes(32);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      const [wrapIv, wrapped] = wrap(dataKey);
      return [
        VERSION,
        primary.id,
        wrapIv,
        wrapped,
        iv.toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },

    open(sealed, context) {
      const [keyId, wrapIv, wrapped, iv, body] = split(sealed);
      const dataKey = unwrap(keyId, wrapIv, wrapped);
      return decrypt(dataKey, iv, body, Buffer.from(context)).toString('utf8');
    },

    sealJson(value, context) {
      return vault.seal(JSON.stringify(value), context);
    },

    openJson<T>(sealed: string, context: string): T {
      return JSON.parse(vault.open(sealed, context)) as T;
    },

    keyIdOf(sealed) {
      return split(sealed)[0];
    },

    rewrap(sealed) {
      const [keyId, wrapIv, wrapped, iv, body] = split(sealed);
      if (keyId === primary.id) return sealed;
      const [newWrapIv, newWrapped] = wrap(unwrap(keyId, wrapIv, wrapped));
      return [VERSION, primary.id, newWrapIv, newWrapped, iv, body].join('.');
    },
  };
  return vault;
}

function decrypt(key: Buffer, ivText: string, payloadText: string, aad: Buffer): Buffer {
  const iv = Buffer.from(ivText, 'base64url');
  const payload = Buffer.from(payloadText, 'base64url');
  if (iv.length !== IV_BYTES || payload.length < TAG_BYTES) throw new VaultError('sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(payload.subarray(0, payload.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new VaultError('authentication tag mismatch: the sealed value or its context was altered');
  }
}
