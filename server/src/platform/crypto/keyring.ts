/**
 * The master keys (key-encryption keys). LATCHKEY_ENCRYPTION_KEY holds one or more comma-separated base64 keys of 32
 * bytes: the first encrypts, all decrypt. Each key is known by a short id derived from it, stored beside every
 * ciphertext, so the key that sealed a value is found without trial decryption and rotation can find stale values.
 */
import { createHash } from 'node:crypto';

export interface MasterKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** The key that encrypts new data. */
  primary: MasterKey;
  /** Every key that may decrypt, by id (the primary included). */
  byId: ReadonlyMap<string, MasterKey>;
}

const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('latchkey-key-id\0').update(key).digest('base64url').slice(0, 8);
}

export function parseKeyring(value: string): Keyring {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) throw new Error('must hold at least one key');
  const keys = parts.map((part, index) => {
    const key = Buffer.from(part, 'base64');
    if (!BASE64_PATTERN.test(part) || key.length !== 32) {
      throw new Error(
        `key #${index + 1} must be 32 bytes encoded in base64 (got ${BASE64_PATTERN.test(part) ? `${key.length} bytes` : 'non-base64 text'})`,
      );
    }
    return { id: keyIdOf(key), key };
  });
  const byId = new Map<string, MasterKey>();
  for (const key of keys) byId.set(key.id, key);
  return { primary: keys[0]!, byId };
}
