/**
 * `pnpm latchkey …` as a real process (what the script runs: `node --import tsx src/cli/latchkey.ts`) against an
 * embedded database in a throw-away folder, for tests of the CLI.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SERVER_DIR = path.resolve(import.meta.dirname, '../..');
export const CLI_ARGS = ['--import', 'tsx', 'src/cli/latchkey.ts'];

export interface CliSandbox {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  cli(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  remove(): void;
}

export function cliSandbox(prefix: string): CliSandbox {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  const env = {
    ...process.env,
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: '',
    LOG_LEVEL: 'silent',
  };
  return {
    dataDir,
    env,
    cli: (...args) => run(process.execPath, [...CLI_ARGS, ...args], { cwd: SERVER_DIR, env }),
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
