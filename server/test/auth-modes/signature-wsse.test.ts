/**
 * The SIGNATURE mode's pure steps: the WSSE digest against a vector computed outside this code, the header format,
 * fresh nonces, the body schema, and renewal with the entry's expiry.
 */
import type { Provider } from '@latchkey/providers';
import { describe, expect, it } from 'vitest';
import type { ModeRuntime } from '../../src/auth-modes/auth-mode';
import { signatureAuthInputSchema, signatureMode } from '../../src/auth-modes/signature/signature.mode';
import {
  formatWsseHeader,
  freshWsseHeader,
  wssePasswordDigest,
  wsseUsernameToken,
} from '../../src/auth-modes/signature/wsse';

const NONCE = 'd36e316282959a9ed4c89851497a717f';
const CREATED = '2019-03-14T09:13:22.000Z';
const PASSWORD = 's3cr3t-pa55';
// printf '%s' "$NONCE$CREATED$PASSWORD" | sha1sum → 71b380d2207ad82c04f408d6ef50a6b2f097cf11, then base64 of that text.
const DIGEST = 'NzFiMzgwZDIyMDdhZDgyYzA0ZjQwOGQ2ZWY1MGE2YjJmMDk3Y2YxMQ==';

const provider = {
  name: 'mkt',
  display_name: 'Marketing',
  docs: 'https://example.com/docs',
  auth_mode: 'SIGNATURE',
  signature: { protocol: 'WSSE' },
  token: { expires_in_ms: 300_000 },
} as unknown as Provider;
const runtime: ModeRuntime = {
  outbound: () => Promise.reject(new Error('a WSSE renewal must not call the provider')),
  allowPrivateUrls: true,
  publicUrl: 'http://latchkey.invalid',
  note: async () => {},
};
const PARTS =
  /^UsernameToken Username="([^"]*)", PasswordDigest="([^"]*)", Nonce="([0-9a-f]{32})", Created="([^"]*)"$/;

describe('WSSE UsernameToken', () => {
  it('digests base64(hex(sha1(nonce + created + password))), as computed by sha1sum', () => {
    expect(wssePasswordDigest(NONCE, CREATED, PASSWORD)).toBe(DIGEST);
  });

  it('formats the header as Nango does', () => {
    expect(formatWsseHeader(wsseUsernameToken('api_user', PASSWORD, NONCE, CREATED))).toBe(
      `UsernameToken Username="api_user", PasswordDigest="${DIGEST}", Nonce="${NONCE}", Created="${CREATED}"`,
    );
  });

  it('uses a new 16-byte hex nonce and the given instant for each fresh header', () => {
    const now = new Date('2024-05-06T07:08:09.123Z');
    const first = PARTS.exec(freshWsseHeader('u', 'p', now));
    const second = PARTS.exec(freshWsseHeader('u', 'p', now));
    expect(first?.[4]).toBe('2024-05-06T07:08:09.123Z');
    expect(first?.[3]).not.toBe(second?.[3]);
    expect(first?.[2]).toBe(wssePasswordDigest(first![3]!, first![4]!, 'p'));
  });
});

describe('the SIGNATURE mode', () => {
  it('accepts Nango’s body and refuses other shapes', () => {
    expect(
      signatureAuthInputSchema.safeParse({ type: 'SIGNATURE', username: 'u', password: 'p' }).success,
    ).toBe(true);
    expect(signatureAuthInputSchema.safeParse({ username: 'u', password: 'p' }).success).toBe(true);
    for (const bad of [
      { username: 'u' },
      { username: '', password: 'p' },
      { username: 'u"x', password: 'p' },
      { username: 'u\r\nX-Evil: 1', password: 'p' },
      { type: 'BASIC', username: 'u', password: 'p' },
      { username: 'u', password: 'p', extra: 1 },
    ]) {
      expect(signatureAuthInputSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('renews locally with the entry’s expiry, in Nango’s credential shape', async () => {
    const before = Date.now();
    const renewed = await signatureMode.renew!({
      provider,
      integration: {} as never,
      credentials: { type: 'SIGNATURE', username: 'u', password: 'p', token: 'old', expires_at: 'x' },
      connectionConfig: {},
      scopes: [],
      runtime,
    });
    expect(renewed.credentials).toEqual({
      type: 'SIGNATURE',
      username: 'u',
      password: 'p',
      token: expect.stringMatching(PARTS),
      expires_at: renewed.expiresAt!.toISOString(),
    });
    expect(renewed.expiresAt!.getTime() - before).toBeGreaterThanOrEqual(300_000);
    expect(renewed.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(300_000);
  });

  it('computes a fresh header for each request, as Bearer and as the template value', () => {
    const credentials = { type: 'SIGNATURE' as const, username: 'u', password: 'p', token: 'stored' };
    const request = { method: 'GET', url: new URL('http://x.invalid'), headers: {} };
    const input = { provider, integration: {} as never, credentials, connectionConfig: {}, request };
    const bearer = signatureMode.authorize(input).headers?.authorization;
    expect(bearer).toMatch(/^Bearer UsernameToken Username="u"/);
    const a = signatureMode.templateValues(credentials);
    const b = signatureMode.templateValues(credentials);
    expect(a.accessToken).toMatch(PARTS);
    expect(a.accessToken).toBe(a.token);
    expect(a.accessToken).not.toBe(b.accessToken);
    expect(signatureMode.currentToken(credentials)).toBe('stored');
  });

  it('refuses an entry that is not WSSE or has no expiry', async () => {
    const renew = (p: Provider) =>
      signatureMode.renew!({
        provider: p,
        integration: {} as never,
        credentials: { type: 'SIGNATURE', username: 'u', password: 'p' },
        connectionConfig: {},
        scopes: [],
        runtime,
      });
    await expect(renew({ ...provider, signature: { protocol: 'HMAC' } })).rejects.toMatchObject({
      code: 'unsupported_auth_mode',
    });
    await expect(renew({ ...provider, token: {} })).rejects.toMatchObject({ code: 'unsupported_auth_mode' });
  });
});
