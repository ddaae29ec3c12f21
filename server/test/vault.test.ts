import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdOf, parseKeyring } from '../src/platform/crypto/keyring';
import { createVault, VaultError } from '../src/platform/crypto/vault';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const credential = JSON.stringify({
  access_token: 'ya29.a0AfH6SMB',
  refresh_token: '1//0gLq',
  expires_in: 3599,
});

describe('vault', () => {
  it('opens what it sealed, and never stores the plaintext', () => {
    const vault = createVault(parseKeyring(keyA));
    const sealed = vault.seal(credential, 'connections.credentials:1');
    expect(sealed.startsWith(`lk1.${vault.primaryKeyId}.`)).toBe(true);
    expect(sealed).not.toContain('ya29');
    expect(vault.open(sealed, 'connections.credentials:1')).toBe(credential);
  });

  it('uses a fresh data key and IV for every value', () => {
    const vault = createVault(parseKeyring(keyA));
    const one = vault.seal('same', 'ctx');
    const two = vault.seal('same', 'ctx');
    expect(one).not.toBe(two);
    expect(one.split('.')[3]).not.toBe(two.split('.')[3]);
  });

  it('refuses a value moved to another context (row or column)', () => {
    const vault = createVault(parseKeyring(keyA));
    const sealed = vault.seal('secret', 'integrations.secrets:row-1');
    expect(() => vault.open(sealed, 'integrations.secrets:row-2')).toThrow(VaultError);
  });

  it.each([2, 3, 4, 5])('fails loudly when part %i of the sealed value is altered', (part) => {
    const vault = createVault(parseKeyring(keyA));
    const parts = vault.seal(credential, 'ctx').split('.');
    const bytes = Buffer.from(parts[part]!, 'base64url');
    bytes[0] = bytes[0]! ^ 0x01;
    parts[part] = bytes.toString('base64url');
    expect(() => vault.open(parts.join('.'), 'ctx')).toThrow(VaultError);
  });

  it('rejects truncated or foreign input with a VaultError, not a crash', () => {
    const vault = createVault(parseKeyring(keyA));
    const sealed = vault.seal('x', 'ctx');
    for (const bad of ['', 'plaintext', 'lk1.a.b.c.d', sealed.slice(0, -10), sealed.replace('lk1', 'lk2')]) {
      expect(() => vault.open(bad, 'ctx')).toThrow(VaultError);
    }
  });

  it('decrypts with any configured key and re-wraps under the primary', () => {
    const oldVault = createVault(parseKeyring(keyA));
    const sealed = oldVault.seal(credential, 'ctx');
    const rotating = createVault(parseKeyring(`${keyB},${keyA}`));
    expect(rotating.open(sealed, 'ctx')).toBe(credential);
    const rewrapped = rotating.rewrap(sealed);
    expect(rotating.keyIdOf(rewrapped)).toBe(keyIdOf(Buffer.from(keyB, 'base64')));
    // Only the data key was re-wrapped: the value's ciphertext is the same bytes.
    expect(rewrapped.split('.').slice(4)).toEqual(sealed.split('.').slice(4));
    expect(rotating.rewrap(rewrapped)).toBe(rewrapped);
    const newOnly = createVault(parseKeyring(keyB));
    expect(newOnly.open(rewrapped, 'ctx')).toBe(credential);
    expect(() => newOnly.open(sealed, 'ctx')).toThrow(/decrypted/);
  });

  it('names an unknown key in the server-side detail only', () => {
    const sealed = createVault(parseKeyring(keyA)).seal('x', 'ctx');
    try {
      createVault(parseKeyring(keyB)).open(sealed, 'ctx');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(VaultError);
      expect((error as VaultError).code).toBe('decryption_failed');
      expect(String((error as VaultError).internal)).toContain(keyIdOf(Buffer.from(keyA, 'base64')));
      expect((error as VaultError).message).not.toContain(keyA);
    }
  });
});

describe('keyring', () => {
  it('takes comma-separated keys, the first one encrypting', () => {
    const ring = parseKeyring(` ${keyA} , ${keyB} `);
    expect(ring.primary.id).toBe(keyIdOf(Buffer.from(keyA, 'base64')));
    expect([...ring.byId.keys()]).toHaveLength(2);
  });

  it.each([
    ['', /at least one key/],
    ['c2hvcnQ=', /32 bytes/],
    ['not base64 at all!', /non-base64/],
    [`${keyA},${randomBytes(16).toString('base64')}`, /key #2/],
  ])('rejects %j', (value, message) => {
    expect(() => parseKeyring(value)).toThrow(message);
  });
});
