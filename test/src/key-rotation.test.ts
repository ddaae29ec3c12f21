/**
 * Rotating the master key as an operator would, process by process: add the new key in front, re-encrypt with the
 * CLI, drop the old key. The old key alone can then no longer read the secrets, yet the server still starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  clientSecretOf,
  createIntegration,
  distinctiveSecret,
  type ErrorBody,
  getIntegrationWithCredentials,
  githubIntegration,
} from './support/api';
import { Cleanup } from './support/cleanup';
import { runCliOk } from './support/cli';
import { newBootstrapKey, newEncryptionKey } from './support/keys';
import { ServerProcess } from './support/server-process';
import { makeTempDir, type TempDir } from './support/temp-dir';

const keyA = newEncryptionKey();
const keyB = newEncryptionKey();
const bootstrapKey = newBootstrapKey();
const secret = distinctiveSecret();
const uniqueKey = 'gh-rotated';

function primaryKeyId(status: string): string {
  const id = /^primary key id: (\S+)$/m.exec(status)?.[1];
  if (id === undefined) throw new Error(`no primary key id in:\n${status}`);
  return id;
}

/** `column: id=n, id=n` lines of `keys status`, as column → key ids holding values. */
function keyIdsByColumn(status: string): Map<string, string[]> {
  const columns = new Map<string, string[]>();
  for (const [, column, counts] of status.matchAll(/^(\w+\.\w+): (.*)$/gm)) {
    columns.set(column!, counts === 'none' ? [] : counts!.split(', ').map((part) => part.split('=')[0]!));
  }
  return columns;
}

describe('master key rotation across restarts', () => {
  const cleanup = new Cleanup();
  let dataDir: TempDir;
  let keyIdA: string;

  const withKeys = (keys: string) => ({
    LATCHKEY_DATA_DIR: dataDir.path,
    LATCHKEY_ENCRYPTION_KEY: keys,
    LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrapKey,
  });

  async function startWith(keys: string): Promise<ServerProcess> {
    const server = cleanup.add(await ServerProcess.start({ dataDir: dataDir.path, env: withKeys(keys) }));
    await server.waitForHealth();
    return server;
  }

  async function readSecret(server: ServerProcess): Promise<string | null | undefined> {
    const read = await getIntegrationWithCredentials(server.url, bootstrapKey, uniqueKey);
    expect(read.status).toBe(200);
    return clientSecretOf(read.body);
  }

  beforeAll(async () => {
    dataDir = cleanup.add(await makeTempDir('latchkey-data-'));
  });
  afterAll(() => cleanup.run());

  it('seals the integration under key A', async () => {
    const server = await startWith(keyA);
    const created = await createIntegration(server.url, bootstrapKey, githubIntegration(uniqueKey, secret));
    expect(created.status).toBe(200);
    expect(await server.stop()).toBe(0);

    const status = await runCliOk(['keys', 'status'], withKeys(keyA));
    keyIdA = primaryKeyId(status);
    expect(keyIdsByColumn(status).get('integrations.secrets_sealed')).toEqual([keyIdA]);
  });

  it('reads the secret with keys "B,A"', async () => {
    const server = await startWith(`${keyB},${keyA}`);
    expect(await readSecret(server)).toBe(secret);
    expect(await server.stop()).toBe(0);
  });

  it('re-encrypts every sealed value under key B with `keys rotate`', async () => {
    const rotated = await runCliOk(['keys', 'rotate'], withKeys(`${keyB},${keyA}`));
    const status = await runCliOk(['keys', 'status'], withKeys(`${keyB},${keyA}`));
    const keyIdB = primaryKeyId(status);
    expect(keyIdB).not.toBe(keyIdA);
    expect(rotated).toContain(`under key ${keyIdB}`);

    const columns = keyIdsByColumn(status);
    // At least these; the server adds sealed columns as it grows.
    expect([...columns.keys()]).toEqual(
      expect.arrayContaining([
        'environments.hmac_key_sealed',
        'environments.webhook_signing_key_sealed',
        'integrations.custom_sealed',
        'integrations.secrets_sealed',
      ]),
    );
    for (const [column, ids] of columns) {
      if (ids.length > 0) expect(ids, column).toEqual([keyIdB]);
    }
    expect(columns.get('integrations.secrets_sealed')).toEqual([keyIdB]);
  });

  it('reads the secret with key B alone', async () => {
    const server = await startWith(keyB);
    expect(await readSecret(server)).toBe(secret);
    expect(await server.stop()).toBe(0);
  });

  it('starts with key A alone but fails to decrypt, with a 500 decryption_failed', async () => {
    const server = await startWith(keyA);
    const read = await getIntegrationWithCredentials(server.url, bootstrapKey, uniqueKey);
    expect(read.status).toBe(500);
    expect((read.body as ErrorBody).error.code).toBe('decryption_failed');
    expect(JSON.stringify(read.body)).not.toContain(secret);
    // Only the sealed part is out of reach: the integration itself still reads.
    const plain = await api(server.url, bootstrapKey, 'GET', `/integrations/${uniqueKey}`);
    expect(plain.status).toBe(200);
    expect(await server.stop()).toBe(0);
  });
});
