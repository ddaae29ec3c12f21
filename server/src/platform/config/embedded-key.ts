/**
 * In embedded mode with no LATCHKEY_ENCRYPTION_KEY, the key is generated once and kept in the data directory so
 * `pnpm start` works with nothing configured. The file is created exclusively (no race between two first boots)
 * and readable by the owner only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const EMBEDDED_KEY_FILE = 'encryption.key';

export function loadOrCreateEmbeddedKey(dataDir: string): { key: string; created: boolean } {
  const file = path.join(dataDir, EMBEDDED_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    return { key: readFileSync(file, 'utf8').trim(), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: readFileSync(file, 'utf8').trim(), created: false };
  }
}
