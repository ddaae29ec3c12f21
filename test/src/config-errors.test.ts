/** A bad configuration value stops the process before it listens, with one line naming the variable. */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnvOverrides } from './support/child-env';
import { ServerProcess } from './support/server-process';

interface BadConfig {
  env: EnvOverrides;
  variable: string;
  /** A value that must not be echoed back, as it may be a real secret. */
  secret?: string;
}

const shortKey = randomBytes(16).toString('base64');

const CASES: BadConfig[] = [
  { env: { PORT: 'abc' }, variable: 'PORT' },
  { env: { PORT: '70000' }, variable: 'PORT' },
  { env: { LATCHKEY_ENCRYPTION_KEY: 'short' }, variable: 'LATCHKEY_ENCRYPTION_KEY' },
  { env: { LATCHKEY_ENCRYPTION_KEY: shortKey }, variable: 'LATCHKEY_ENCRYPTION_KEY', secret: shortKey },
  { env: { DATABASE_URL: 'mysql://x' }, variable: 'DATABASE_URL' },
  { env: { DATABASE_URL: 'postgres://127.0.0.1/x' }, variable: 'LATCHKEY_ENCRYPTION_KEY' },
  { env: { LATCHKEY_BOOTSTRAP_SECRET_KEY: 'not-a-uuid' }, variable: 'LATCHKEY_BOOTSTRAP_SECRET_KEY' },
  { env: { LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL' },
  { env: { LATCHKEY_PUBLIC_URL: 'ftp://x' }, variable: 'LATCHKEY_PUBLIC_URL' },
  { env: { LATCHKEY_ALLOW_PRIVATE_URLS: 'maybe' }, variable: 'LATCHKEY_ALLOW_PRIVATE_URLS' },
];

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function boot(env: EnvOverrides): Promise<Outcome> {
  await using server = await ServerProcess.start({ env });
  // Ten boots at once beside the rest of the suite on two cores: a start can take a while before it refuses.
  const code = await server.waitForExit(90_000);
  return { code, stdout: server.stdout, stderr: server.stderr };
}

describe('invalid configuration', () => {
  const outcomes = new Map<BadConfig, Outcome>();

  // Each boot is mostly tsx starting up: all of them at once.
  beforeAll(async () => {
    const results = await Promise.all(CASES.map((badConfig) => boot(badConfig.env)));
    for (const [index, badConfig] of CASES.entries()) outcomes.set(badConfig, results[index]!);
  });

  it.each(CASES.map((badConfig) => [Object.entries(badConfig.env)[0]!.join('='), badConfig] as const))(
    '%s stops the process with one line naming the variable',
    (_, badConfig) => {
      const { code, stdout, stderr } = outcomes.get(badConfig)!;
      expect(code).toBe(78);
      // Nothing on stdout: no log line, no first-boot block, so nothing was opened or listened on.
      expect(stdout).toBe('');
      const lines = stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('Invalid configuration:');
      expect(lines[0]).toContain(badConfig.variable);
      expect(lines[0]!.startsWith(`Invalid configuration: ${badConfig.variable} `)).toBe(true);
      if (badConfig.secret !== undefined) expect(stderr).not.toContain(badConfig.secret);
    },
  );
});
