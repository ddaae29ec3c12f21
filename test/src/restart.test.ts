/**
 * Data survives a clean stop and restart (and a crash), and the client secret is only ever stored sealed: neither the
 * embedded database's files nor a PostgreSQL dump hold it in clear.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  clientSecretOf,
  createIntegration,
  distinctiveSecret,
  getIntegrationWithCredentials,
  githubIntegration,
} from './support/api';
import type { EnvOverrides } from './support/child-env';
import { Cleanup } from './support/cleanup';
import { filesContaining } from './support/files';
import { newBootstrapKey, newEncryptionKey } from './support/keys';
import { PG_DUMP, pgDump } from './support/pg-dump';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/postgres';
import { ServerProcess } from './support/server-process';
import { makeTempDir } from './support/temp-dir';

interface Scenario {
  uniqueKey: string;
  secret: string;
  /** Everything both processes printed. */
  output: string;
}

/** Create an integration, SIGTERM, start again with the same environment, read it back, SIGTERM. */
async function createStopRestartRead(dataDir: string, env: EnvOverrides): Promise<Scenario> {
  const bootstrapKey = newBootstrapKey();
  const uniqueKey = `gh-${randomBytes(4).toString('hex')}`;
  const secret = distinctiveSecret();
  const fullEnv = { ...env, LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrapKey };
  let output = '';

  {
    await using first = await ServerProcess.start({ dataDir, env: fullEnv });
    await first.waitForHealth();
    const created = await createIntegration(first.url, bootstrapKey, githubIntegration(uniqueKey, secret));
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ unique_key: uniqueKey, provider: 'github' });
    expect(await first.stop('SIGTERM')).toBe(0);
    output += first.stdout + first.stderr;
  }

  {
    await using second = await ServerProcess.start({ dataDir, env: fullEnv });
    await second.waitForHealth();
    // The keys are shown on the first boot only.
    expect(second.stdout).not.toContain('secret key:');
    const list = await api<{ data: { unique_key: string }[] }>(
      second.url,
      bootstrapKey,
      'GET',
      '/integrations',
    );
    expect(list.body.data.map((integration) => integration.unique_key)).toEqual([uniqueKey]);
    const read = await getIntegrationWithCredentials(second.url, bootstrapKey, uniqueKey);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      data: { credentials: { type: 'OAUTH2', client_id: 'abc', client_secret: secret, scopes: 'repo,user' } },
    });
    expect(clientSecretOf(read.body)).toBe(secret);
    expect(await second.stop('SIGTERM')).toBe(0);
    output += second.stdout + second.stderr;
  }

  return { uniqueKey, secret, output };
}

describe('restart on embedded storage', () => {
  it('keeps the integration and its secret, which no file of the data directory holds in clear', async () => {
    await using dataDir = await makeTempDir('latchkey-data-');
    // No LATCHKEY_ENCRYPTION_KEY: the restart must find the key generated into the data directory.
    const { uniqueKey, secret, output } = await createStopRestartRead(dataDir.path, {});
    expect(output).not.toContain(secret);
    expect(await filesContaining(dataDir.path, secret)).toEqual([]);
    // The same search does find data written in clear, so the files searched are the ones holding the rows.
    expect((await filesContaining(dataDir.path, uniqueKey)).length).toBeGreaterThan(0);
  }, 120_000);
});

describe('restart after a crash on embedded storage', () => {
  it('takes over the dead process lock and still has what was committed', async () => {
    await using dataDir = await makeTempDir('latchkey-data-');
    const bootstrapKey = newBootstrapKey();
    const env = { LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrapKey };
    const secret = distinctiveSecret();

    const crashed = await ServerProcess.start({ dataDir: dataDir.path, env });
    try {
      await crashed.waitForHealth();
      const created = await createIntegration(
        crashed.url,
        bootstrapKey,
        githubIntegration('gh-crash', secret),
      );
      expect(created.status).toBe(200);
    } finally {
      await crashed.kill();
    }
    expect(existsSync(path.join(dataDir.path, 'latchkey.pid'))).toBe(true);

    await using restarted = await ServerProcess.start({ dataDir: dataDir.path, env });
    await restarted.waitForHealth();
    const read = await getIntegrationWithCredentials(restarted.url, bootstrapKey, 'gh-crash');
    expect(read.status).toBe(200);
    expect(clientSecretOf(read.body)).toBe(secret);
    expect(await restarted.stop('SIGTERM')).toBe(0);
  }, 120_000);
});

describe.runIf(TEST_DATABASE_URL !== undefined)('restart on PostgreSQL', () => {
  const cleanup = new Cleanup();
  let database: TestDatabase;
  let scenario: Scenario | undefined;
  afterAll(() => cleanup.run());

  it('keeps the integration and its secret', async () => {
    database = cleanup.add(await createTestDatabase());
    await using dataDir = await makeTempDir('latchkey-data-');
    scenario = await createStopRestartRead(dataDir.path, {
      DATABASE_URL: database.url,
      LATCHKEY_ENCRYPTION_KEY: newEncryptionKey(),
    });
    expect(scenario.output).not.toContain(scenario.secret);
  }, 120_000);

  describe.runIf(PG_DUMP !== undefined)('pg_dump', () => {
    it('holds the integration but not its secret in clear', async () => {
      expect(scenario).toBeDefined();
      const dump = await pgDump(database.url);
      expect(dump).toContain(scenario!.uniqueKey);
      expect(dump).not.toContain(scenario!.secret);
    });
  });
});
