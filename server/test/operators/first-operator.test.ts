/**
 * The first operator: a setup code that changes on every start while no operator exists, LATCHKEY_ADMIN_EMAIL and
 * LATCHKEY_ADMIN_PASSWORD (both or neither), password hashing, and the `pnpm latchkey operators` commands run as a
 * real process against an embedded database.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLatchkey } from '../../src/latchkey';
import { hashPassword, verifyDummyPassword, verifyPassword } from '../../src/operators/password-hash';
import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { createLogger } from '../../src/platform/logging/logger';
import { CLI_ARGS, cliSandbox, SERVER_DIR } from '../support/cli-process';
import { appDashboardClient } from '../support/dashboard-client';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';

describe('password hashing', () => {
  it('hashes with scrypt, parameters in the string, and verifies in constant time', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await hashPassword('correct horse')).not.toBe(hash);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct hors', hash)).toBe(false);
    expect(await verifyPassword('correct horse', 'scrypt$garbage')).toBe(false);
    expect(await verifyDummyPassword('anything')).toBe(false);
  });
});

describe('LATCHKEY_ADMIN_* configuration', () => {
  const base = { LATCHKEY_DATA_DIR: tmpdir(), LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  it('takes both or neither', () => {
    expect(loadConfig(base).bootstrapAdmin).toBeUndefined();
    expect(() => loadConfig({ ...base, LATCHKEY_ADMIN_EMAIL: 'a@example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, LATCHKEY_ADMIN_PASSWORD: 'long enough' })).toThrow(
      /LATCHKEY_ADMIN_EMAIL/,
    );
    expect(() =>
      loadConfig({ ...base, LATCHKEY_ADMIN_EMAIL: 'a@example.com', LATCHKEY_ADMIN_PASSWORD: 'short' }),
    ).toThrow(/LATCHKEY_ADMIN_PASSWORD/);
    expect(
      loadConfig({ ...base, LATCHKEY_ADMIN_EMAIL: ' A@Example.com ', LATCHKEY_ADMIN_PASSWORD: 'long enough' })
        .bootstrapAdmin,
    ).toEqual({ email: 'a@example.com', password: 'long enough' });
  });
});

describe.each(databaseKinds())('setup code (%s)', (kind) => {
  let t: TestLatchkey;
  beforeAll(async () => {
    t = await createTestLatchkey(kind);
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('is replaced on every start until an operator exists, and stored only as a hash', async () => {
    const first = t.latchkey.setupCode!;
    const restarted = await createLatchkey(t.latchkey.config, {
      logger: createLogger('silent'),
      db: t.database.db,
    });
    try {
      const second = restarted.setupCode!;
      expect(second).not.toBe(first);
      const stored = await t.database.db.selectFrom('instance_settings').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(second);

      const browser = appDashboardClient(restarted.app);
      const stale = await browser.mutate('auth.setup', {
        code: first,
        email: 'a@example.com',
        password: 'password 1',
      });
      expect(stale.error).toMatchObject({ errorCode: 'invalid_setup_code' });
      const done = await browser.mutate('auth.setup', {
        code: second,
        email: 'a@example.com',
        password: 'password 1',
      });
      expect(done.data).toEqual({ ok: true });
    } finally {
      await restarted.stopBackground();
    }
    const third = await createLatchkey(t.latchkey.config, {
      logger: createLogger('silent'),
      db: t.database.db,
    });
    await third.stopBackground();
    expect(third.setupCode).toBeNull();
  });
});

describe('pnpm latchkey operators', () => {
  const { env, cli, remove } = cliSandbox('latchkey-cli-');
  afterAll(remove);

  // Each command is a process that opens and migrates the embedded database: slow on a busy machine.
  it('creates operators (password as a flag or from stdin) and resets a password', {
    timeout: 600_000,
  }, async () => {
    const created = await cli(
      'operators',
      'create',
      '--email',
      'Ops@Example.com',
      '--role',
      'developer',
      '--password',
      'cli password 1',
    );
    expect(created.stdout).toMatch(/^created developer ops@example\.com \(/);
    const piped = execFile(
      process.execPath,
      [...CLI_ARGS, 'operators', 'create', '--email', 'root@example.com'],
      { cwd: SERVER_DIR, env },
    );
    piped.stdin!.end('piped password\n');
    await new Promise<void>((resolve, reject) =>
      piped.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))),
    );

    const reset = await cli('operators', 'reset-password', '--email', 'ops@example.com');
    const password = reset.stdout.trim().split('\n').at(-1)!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // The instance sees what the CLI wrote: the reset password signs in, no setup code is printed.
    const latchkey = await createLatchkey(
      loadConfig({ ...env, LATCHKEY_PUBLIC_URL: 'http://latchkey.test' }),
      {
        logger: createLogger('silent'),
      },
    );
    try {
      expect(latchkey.setupCode).toBeNull();
      // What `operators list` prints, one operator a line.
      const listed = await latchkey.services.operators.list();
      expect(listed.map((o) => [o.email, o.role, o.twoFactorEnabled])).toEqual([
        ['ops@example.com', 'developer', false],
        ['root@example.com', 'admin', false],
      ]);
      const browser = appDashboardClient(latchkey.app);
      expect((await browser.mutate('auth.signIn', { email: 'ops@example.com', password })).status).toBe(200);
      expect(
        (await browser.mutate('auth.signIn', { email: 'root@example.com', password: 'piped password' }))
          .status,
      ).toBe(200);
    } finally {
      await latchkey.close();
    }
  });
});
