import { randomBytes, randomUUID } from 'node:crypto';

/** A master key in the shape LATCHKEY_ENCRYPTION_KEY takes: 32 random bytes, base64. */
export function newEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/** A LATCHKEY_BOOTSTRAP_SECRET_KEY: a UUID v4. */
export function newBootstrapKey(): string {
  return randomUUID();
}
