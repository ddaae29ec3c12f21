/**
 * The frontend SDK's socket endpoint on its own, over a real port with real `ws` clients: result routing by
 * `ws_client_id`, the heartbeat, the lifetime and connection caps. The full SDK flows are in test/src.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ClientOptions, WebSocket } from 'ws';
import { createFlowResultBus, type FlowResultBus } from '../src/auth-flows/flow-results';
import { createLogger } from '../src/platform/logging/logger';
import {
  createNangoFrontendSocket,
  type NangoFrontendSocket,
  type NangoFrontendSocketOptions,
} from '../src/transports/websocket/nango-frontend-socket';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('nango frontend socket', () => {
  let database: TestDatabase;
  let bus: FlowResultBus;
  let running: { server: Server; endpoint: NangoFrontendSocket; url: string } | undefined;

  async function serve(options: Partial<NangoFrontendSocketOptions> = {}) {
    const endpoint = createNangoFrontendSocket({
      flowResults: bus,
      logger: createLogger('silent'),
      ...options,
    });
    const server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (request, socket, head) => endpoint.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    running = { server, endpoint, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/` };
    return running;
  }

  /** A connected client, its acknowledged id, and every later frame it receives. */
  async function connect(url: string, options: ClientOptions = {}) {
    const socket = new WebSocket(url, options);
    const frames: Record<string, unknown>[] = [];
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const ack = await new Promise<Record<string, unknown>>((resolve, reject) => {
      socket.once('message', (data) => {
        socket.on('message', (next) => frames.push(JSON.parse(String(next))));
        resolve(JSON.parse(String(data)));
      });
      socket.once('error', reject);
    });
    return { socket, id: String(ack.ws_client_id), frames, closed };
  }

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    bus = createFlowResultBus({ db: database.db, logger: createLogger('silent') });
  });
  afterEach(async () => {
    if (running === undefined) return;
    running.endpoint.close();
    running.server.closeAllConnections();
    await new Promise<void>((resolve) => running!.server.close(() => resolve()));
    running = undefined;
  });
  afterAll(async () => {
    await bus?.close();
    await database?.[Symbol.asyncDispose]();
  });

  it('writes a result only to the socket whose id it names, then closes that socket', async () => {
    const { url, endpoint } = await serve();
    const a = await connect(url);
    const b = await connect(url);
    await bus.publish({ wsClientId: randomUUID(), ok: true, providerConfigKey: 'x', connectionId: 'nobody' });
    await bus.publish({ wsClientId: b.id, ok: true, providerConfigKey: 'github', connectionId: 'conn-b' });
    expect(await b.closed).toBe(1000);
    expect(b.frames).toEqual([
      { message_type: 'success', provider_config_key: 'github', connection_id: 'conn-b', is_pending: false },
    ]);

    await bus.publish({
      wsClientId: a.id,
      ok: false,
      providerConfigKey: 'github',
      connectionId: undefined,
      errorType: 'callback_err',
      errorDescription: 'The provider returned an error (access_denied).',
    });
    expect(await a.closed).toBe(1000);
    // Neither the result for an unknown id nor b's reached a.
    expect(a.frames).toEqual([
      {
        message_type: 'error',
        provider_config_key: 'github',
        error_type: 'callback_err',
        error_desc: 'The provider returned an error (access_denied).',
      },
    ]);
    expect(endpoint.openClients).toBe(0);
  });

  it('drops a client that stops answering pings and keeps one that answers', async () => {
    const { url, endpoint } = await serve({ heartbeatMs: 200 });
    const answering = await connect(url);
    const silent = await connect(url, { autoPong: false });
    expect(await silent.closed).toBe(1006);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    expect(endpoint.openClients).toBe(1);
    answering.socket.close();
  });

  it('closes a socket whose flow never ends once its lifetime is over', async () => {
    const { url, endpoint } = await serve({ maxLifetimeMs: 100 });
    const client = await connect(url);
    expect(await client.closed).toBe(1000);
    expect(endpoint.openClients).toBe(0);
  });

  it('refuses upgrades beyond the connection cap, and all upgrades once closed', async () => {
    const { url, endpoint } = await serve({ maxClients: 1 });
    const first = await connect(url);
    const status = () =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url);
        socket.once('unexpected-response', (request, response) => {
          request.destroy();
          resolve(response.statusCode ?? 0);
        });
      });
    expect(await status()).toBe(503);
    endpoint.close();
    expect(await first.closed).toBe(1001);
    expect(await status()).toBe(503);
  });

  it('answers an upgrade request that is not a valid WebSocket handshake with 400', async () => {
    const { url } = await serve();
    const status = await new Promise<number>((resolve, reject) => {
      // No Sec-WebSocket-Key: an upgrade, but not a WebSocket handshake.
      const request = httpRequest(url.replace('ws://', 'http://'), {
        headers: { connection: 'Upgrade', upgrade: 'websocket' },
      });
      request.once('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.once('error', reject);
      request.end();
    });
    expect(status).toBe(400);
  });
});
