/**
 * The `@nangohq/frontend` protocol with the real SDK in Node: `auth()` opens a (stub) popup and a real WebSocket,
 * the popup is played by the headless cookie-jar browser against the real oidc-provider, and the SDK settles from the
 * frame Latchkey writes on the socket. Direct-credential calls (`auth()` with credentials, `create()`) go over fetch.
 */
import { createHmac } from 'node:crypto';
import Nango, { AuthError } from '@nangohq/frontend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { driveAuthorization } from '../../server/test/support/browser-driver';
import { type FlowHarness, startFlowHarness } from '../../server/test/support/flow-harness';
import { enablePublicKeyFlows } from '../../server/test/support/public-key-flows';
import { databaseKinds } from '../../server/test/support/test-database';
import {
  startVerificationServer,
  type VerificationServer,
} from '../../server/test/support/verification-server';
import { installBrowserGlobals, onPopupNavigation, removeBrowserGlobals } from './support/frontend-sdk';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(databaseKinds())('@nangohq/frontend against Latchkey (%s)', (kind) => {
  let h: FlowHarness;
  let verifier: VerificationServer;

  const sdk = async (token?: string) =>
    new Nango({ host: h.url, connectSessionToken: token ?? (await h.createSession()) });

  /** The user logs in and consents in the popup; the popup then loads Latchkey's callback page. */
  const userApproves = async (url: string) => {
    const { callbackUrl } = await driveAuthorization(url, { issuer: h.oidc.issuer });
    await (await fetch(callbackUrl)).text();
  };
  /** The user cancels at the login form. */
  const userDenies = async (url: string) => {
    const { callbackUrl } = await driveAuthorization(url, { issuer: h.oidc.issuer, deny: true });
    await (await fetch(callbackUrl)).text();
  };
  /** The popup just shows whatever Latchkey answers (an error page when the request is refused). */
  const popupLoads = async (url: string) => {
    await (await fetch(url)).text();
  };

  async function connectionExists(key: string, connectionId: string): Promise<boolean> {
    const response = await h.api(
      `/connections/${encodeURIComponent(connectionId)}?provider_config_key=${key}`,
    );
    await response.arrayBuffer();
    return response.status === 200;
  }

  async function rejection(promise: Promise<unknown>): Promise<AuthError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    verifier = await startVerificationServer({
      apiKeys: ['good-key'],
      basic: [{ username: 'ada', password: 'lovelace' }],
    });
    await h.registerProvider(verifier.apiKeyProvider('verified-api'));
    await h.registerProvider(verifier.basicProvider('verified-basic'));
    await h.registerProvider({
      name: 'open-api',
      display_name: 'Open API',
      docs: 'https://example.com/docs',
      auth_mode: 'NONE',
    });
    await h.createIntegration({ unique_key: 'apikey', provider: 'verified-api' });
    await h.createIntegration({ unique_key: 'basic', provider: 'verified-basic' });
    await h.createIntegration({ unique_key: 'open', provider: 'open-api' });
    installBrowserGlobals();
  });
  afterAll(async () => {
    removeBrowserGlobals();
    await verifier?.close();
    await h?.[Symbol.asyncDispose]();
  });

  describe('popup flow over the WebSocket', () => {
    it('resolves auth() with the new connection once the user approves', async () => {
      const popup = onPopupNavigation(userApproves);
      const result = await (await sdk()).auth('local');
      await popup.settled();

      expect(result).toEqual({
        providerConfigKey: 'local',
        connectionId: expect.any(String),
        isPending: false,
      });
      expect(await connectionExists('local', result.connectionId)).toBe(true);
      // The SDK sent the popup to /oauth/connect with the id the server acknowledged on the socket.
      expect(popup.urls).toHaveLength(1);
      const opened = new URL(popup.urls[0]!);
      expect(opened.origin + opened.pathname).toBe(`${h.url}/oauth/connect/local`);
      expect(opened.searchParams.get('ws_client_id')).toMatch(UUID_V4);
    });

    it('uses the connection id and public key given to auth(), with the HMAC when the environment wants one', async () => {
      await using flows = await enablePublicKeyFlows(h.api, { hmac: true });
      const nango = new Nango({ host: h.url, publicKey: flows.publicKey });
      const hmac = createHmac('sha256', flows.hmacKey).update('local:sdk-conn-1').digest('hex');
      const popup = onPopupNavigation(userApproves);
      const result = await nango.auth('local', 'sdk-conn-1', { hmac });
      await popup.settled();
      expect(result).toEqual({ providerConfigKey: 'local', connectionId: 'sdk-conn-1', isPending: false });
      expect(await connectionExists('local', 'sdk-conn-1')).toBe(true);

      // A wrong digest never reaches the provider: the error comes back on the socket.
      onPopupNavigation(popupLoads);
      const refused = await rejection(nango.auth('local', 'sdk-conn-2', { hmac }));
      expect(refused.type).toBe('invalid_hmac');
      expect(await connectionExists('local', 'sdk-conn-2')).toBe(false);
    });

    it('rejects auth() with a public key while the environment leaves public-key flows off', async () => {
      const settings = await h.api('/environment');
      const { public_key: publicKey } = ((await settings.json()) as { data: { public_key: string } }).data;
      onPopupNavigation(popupLoads);
      const refused = await rejection(new Nango({ host: h.url, publicKey }).auth('local', 'sdk-conn-off'));
      expect(refused.type).toBe('public_key_flows_disabled');
      expect(await connectionExists('local', 'sdk-conn-off')).toBe(false);
    });

    it('rejects auth() with callback_err when the user denies consent, and stores nothing', async () => {
      const before = await h.countConnections();
      const popup = onPopupNavigation(userDenies);
      const error = await rejection((await sdk()).auth('local'));
      await popup.settled();

      expect(error.type).toBe('callback_err');
      expect(error.message).toContain('access_denied');
      expect(await h.countConnections()).toBe(before);
    });

    it('rejects auth() on the socket when the connect request fails before any redirect', async () => {
      onPopupNavigation(popupLoads);
      const unknown = await rejection((await sdk()).auth('no-such-integration'));
      expect(unknown.type).toBe('provider_config_err');
      expect(unknown.message).toContain('no-such-integration');

      const badSession = await rejection(
        new Nango({ host: h.url, connectSessionToken: 'nope' }).auth('local'),
      );
      expect(badSession.type).toMatch(/connect_session_token/);

      // A direct-credential integration cannot be authorized through the popup.
      const wrongMode = await rejection((await sdk()).auth('apikey'));
      expect(wrongMode.type).toBe('auth_mode_err');
    });

    it('delivers each result only to the socket that started that flow', async () => {
      const tokens = [await h.createSession(), await h.createSession()];
      onPopupNavigation(userApproves);
      const results = await Promise.all(
        tokens.map((token) => new Nango({ host: h.url, connectSessionToken: token }).auth('local')),
      );
      expect(results[0]!.connectionId).not.toBe(results[1]!.connectionId);
      for (const result of results) expect(await connectionExists('local', result.connectionId)).toBe(true);
    });
  });

  describe('direct-credential calls', () => {
    it('auth() with an API key posts it, and the connection holds it', async () => {
      const result = await (await sdk()).auth('apikey', { credentials: { apiKey: 'good-key' } });
      expect(result).toEqual({ providerConfigKey: 'apikey', connectionId: expect.any(String) });
      const stored = await h.api(`/connections/${result.connectionId}?provider_config_key=apikey`);
      expect(((await stored.json()) as { credentials: unknown }).credentials).toEqual({
        type: 'API_KEY',
        apiKey: 'good-key',
      });
    });

    it('auth() with a refused API key rejects with the server error code', async () => {
      const error = await rejection((await sdk()).auth('apikey', { credentials: { apiKey: 'bad-key' } }));
      expect(error.type).toBe('connection_test_failed');
      expect(error.message).toEqual(expect.any(String));
    });

    it('auth() with basic credentials', async () => {
      const result = await (await sdk()).auth('basic', {
        credentials: { username: 'ada', password: 'lovelace' },
      });
      expect(result).toEqual({ providerConfigKey: 'basic', connectionId: expect.any(String) });
      const stored = await h.api(`/connections/${result.connectionId}?provider_config_key=basic`);
      expect(((await stored.json()) as { credentials: unknown }).credentials).toEqual({
        type: 'BASIC',
        username: 'ada',
        password: 'lovelace',
      });
    });

    it('create() makes a connection for an integration without credentials', async () => {
      const result = await (await sdk()).create('open');
      expect(result).toEqual({ providerConfigKey: 'open', connectionId: expect.any(String) });
      expect(await connectionExists('open', result.connectionId)).toBe(true);
    });
  });

  describe('the socket itself', () => {
    const wsUrl = () => h.url.replace('http://', 'ws://');

    function open(url: string): Promise<{ socket: WebSocket; ack: Record<string, unknown> }> {
      return new Promise((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.once('message', (data) => resolve({ socket, ack: JSON.parse(String(data)) }));
        socket.once('error', reject);
      });
    }

    function closed(socket: WebSocket): Promise<number> {
      return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    }

    it('acknowledges every connection with its own uuid v4 ws_client_id', async () => {
      const [a, b] = await Promise.all([open(`${wsUrl()}/`), open(wsUrl())]);
      for (const { ack } of [a, b]) {
        expect(ack).toEqual({ message_type: 'connection_ack', ws_client_id: expect.stringMatching(UUID_V4) });
      }
      expect(a.ack.ws_client_id).not.toBe(b.ack.ws_client_id);
      a.socket.close();
      b.socket.close();
    });

    it('ignores small text messages, and closes on oversized or binary ones', async () => {
      const text = await open(wsUrl());
      const textClosed = closed(text.socket);
      text.socket.send('{"message_type":"hello"}');
      text.socket.send('not json at all');
      // Still usable afterwards: a flow result for its id arrives.
      const wsClientId = String(text.ack.ws_client_id);
      const frame = new Promise<Record<string, unknown>>((resolve) =>
        text.socket.once('message', (data) => resolve(JSON.parse(String(data)))),
      );
      const start = await fetch(
        `${h.url}/oauth/connect/missing?connect_session_token=${await h.createSession()}&ws_client_id=${wsClientId}`,
      );
      expect(start.status).toBe(404);
      expect(await frame).toMatchObject({ message_type: 'error', error_type: 'provider_config_err' });
      expect(await textClosed).toBe(1000);

      const big = await open(wsUrl());
      const bigClosed = closed(big.socket);
      big.socket.send('x'.repeat(64 * 1024));
      expect(await bigClosed).toBe(1009);

      const binary = await open(wsUrl());
      const binaryClosed = closed(binary.socket);
      binary.socket.send(Buffer.from([1, 2, 3]));
      expect(await binaryClosed).toBe(1003);
    });

    it('answers an upgrade on another path with 404', async () => {
      const socket = new WebSocket(`${wsUrl()}/not-the-socket`);
      const status = await new Promise<number>((resolve) =>
        socket.once('unexpected-response', (request, response) => {
          request.destroy();
          resolve(response.statusCode ?? 0);
        }),
      );
      expect(status).toBe(404);
    });
  });
});

describe('a configured socket path, and a stopping server', () => {
  it('listens on LATCHKEY_WEBSOCKET_PATH only, and closes its sockets with 1001 on stop', async () => {
    const h = await startFlowHarness('pglite', { env: { LATCHKEY_WEBSOCKET_PATH: '/nango/ws/' } });
    installBrowserGlobals();
    let disposed = false;
    try {
      const base = h.url.replace('http://', 'ws://');
      const root = new WebSocket(`${base}/`);
      const rootStatus = await new Promise<number>((resolve) =>
        root.once('unexpected-response', (request, response) => {
          request.destroy();
          resolve(response.statusCode ?? 0);
        }),
      );
      expect(rootStatus).toBe(404);

      const socket = new WebSocket(`${base}/nango/ws`);
      const ack = await new Promise<Record<string, unknown>>((resolve, reject) => {
        socket.once('message', (data) => resolve(JSON.parse(String(data))));
        socket.once('error', reject);
      });
      expect(ack).toMatchObject({ message_type: 'connection_ack' });

      // The SDK builds the socket URL from `websocketsPath`, and the popup flow works through it.
      const popup = onPopupNavigation(async (url) => {
        const { callbackUrl } = await driveAuthorization(url, { issuer: h.oidc.issuer });
        await (await fetch(callbackUrl)).text();
      });
      const nango = new Nango({
        host: h.url,
        websocketsPath: '/nango/ws',
        connectSessionToken: await h.createSession(),
      });
      expect(await nango.auth('local')).toMatchObject({ providerConfigKey: 'local' });
      await popup.settled();

      const code = new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
      disposed = true;
      await h[Symbol.asyncDispose]();
      expect(await code).toBe(1001);
    } finally {
      removeBrowserGlobals();
      if (!disposed) await h[Symbol.asyncDispose]();
    }
  });
});
