import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** pg_dump's path when it is on PATH; the dump check is skipped without it. */
export const PG_DUMP = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => dir !== '')
  .map((dir) => path.join(dir, 'pg_dump'))
  .find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** The plain-SQL dump of a database: what a backup of it would hold. */
export async function pgDump(url: string): Promise<string> {
  if (PG_DUMP === undefined) throw new Error('pg_dump is not on PATH');
  const { stdout } = await promisify(execFile)(PG_DUMP, [url], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout;
}
