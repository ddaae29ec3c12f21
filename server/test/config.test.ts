import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/platform/config/config';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'latchkey-config-'));
const key = randomBytes(32).toString('base64');

describe('configuration', () => {
  it('has working defaults for an embedded install', () => {
    const dir = dataDir();
    const config = loadConfig({ LATCHKEY_DATA_DIR: dir });
    expect(config.port).toBe(3003);
    expect(config.publicUrl).toBe('http://localhost:3003');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.join(dir, 'pgdata') });
    expect(config.allowPrivateUrls).toBe(false);
    expect(config.logLevel).toBe('info');
  });

  it('generates the embedded encryption key once, owner-readable only, and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ LATCHKEY_DATA_DIR: dir });
    expect(first.encryptionKeyGenerated).toBe(true);
    const file = path.join(dir, 'encryption.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const second = loadConfig({ LATCHKEY_DATA_DIR: dir });
    expect(second.encryptionKeyGenerated).toBe(false);
    expect(second.keyring.primary.id).toBe(first.keyring.primary.id);
  });

  it('accepts a full PostgreSQL configuration', () => {
    const bootstrap = randomUUID().toUpperCase();
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/latchkey',
      LATCHKEY_ENCRYPTION_KEY: key,
      LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrap,
      LATCHKEY_PUBLIC_URL: 'https://auth.example.com/',
      LATCHKEY_ALLOW_PRIVATE_URLS: '1',
      PORT: '8080',
      LOG_LEVEL: 'warn',
    });
    expect(config.database.kind).toBe('postgres');
    expect(config.bootstrapSecretKey).toBe(bootstrap.toLowerCase());
    expect(config.publicUrl).toBe('https://auth.example.com');
    expect(config.allowPrivateUrls).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LATCHKEY_ENCRYPTION_KEY: 'short' }, 'LATCHKEY_ENCRYPTION_KEY'],
    [{ DATABASE_URL: 'postgres://127.0.0.1/x' }, 'LATCHKEY_ENCRYPTION_KEY'],
    [{ DATABASE_URL: 'mysql://127.0.0.1/x', LATCHKEY_ENCRYPTION_KEY: key }, 'DATABASE_URL'],
    [{ LATCHKEY_BOOTSTRAP_SECRET_KEY: 'not-a-uuid' }, 'LATCHKEY_BOOTSTRAP_SECRET_KEY'],
    [
      { LATCHKEY_BOOTSTRAP_SECRET_KEY: '6f1c2a4e-8b1d-1c3a-9e2f-0a1b2c3d4e5f' },
      'LATCHKEY_BOOTSTRAP_SECRET_KEY',
    ],
    [{ LATCHKEY_PUBLIC_URL: 'ftp://x' }, 'LATCHKEY_PUBLIC_URL'],
    [{ LATCHKEY_ALLOW_PRIVATE_URLS: 'maybe' }, 'LATCHKEY_ALLOW_PRIVATE_URLS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LATCHKEY_WEBSOCKET_PATH: 'ws' }, 'LATCHKEY_WEBSOCKET_PATH'],
    [{ LATCHKEY_WEBSOCKET_PATH: '/ws?x=1' }, 'LATCHKEY_WEBSOCKET_PATH'],
    [{ LATCHKEY_RATE_LIMIT_PER_ADDRESS: '-1' }, 'LATCHKEY_RATE_LIMIT_PER_ADDRESS'],
    [{ LATCHKEY_RATE_LIMIT_PER_TOKEN: 'many' }, 'LATCHKEY_RATE_LIMIT_PER_TOKEN'],
  ])('stops on %j with one line naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig({ LATCHKEY_DATA_DIR: dataDir(), ...env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect((error as ConfigError).message).not.toContain('\n');
  });

  it('serves the frontend WebSocket on the root path unless told otherwise, without a trailing slash', () => {
    expect(loadConfig({ LATCHKEY_DATA_DIR: dataDir() }).websocketPath).toBe('/');
    expect(
      loadConfig({ LATCHKEY_DATA_DIR: dataDir(), LATCHKEY_WEBSOCKET_PATH: '/nango/ws/' }).websocketPath,
    ).toBe('/nango/ws');
  });

  it('rate-limits the public flow routes by default: 120 a minute per address, 60 per token; 0 turns one off', () => {
    expect(loadConfig({ LATCHKEY_DATA_DIR: dataDir() }).rateLimits).toEqual({
      perAddressPerMinute: 120,
      perTokenPerMinute: 60,
    });
    expect(
      loadConfig({
        LATCHKEY_DATA_DIR: dataDir(),
        LATCHKEY_RATE_LIMIT_PER_ADDRESS: '0',
        LATCHKEY_RATE_LIMIT_PER_TOKEN: '600',
      }).rateLimits,
    ).toEqual({ perAddressPerMinute: 0, perTokenPerMinute: 600 });
  });

  it('never echoes a bad encryption key back', () => {
    const secretish = 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=';
    expect(() => loadConfig({ LATCHKEY_DATA_DIR: dataDir(), LATCHKEY_ENCRYPTION_KEY: secretish })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secretish) }),
    );
  });
});
