/**
 * Hundreds of malformed requests to the integrations and providers endpoints, over a real socket: none may answer
 * 5xx, every rejection has the error body shape, and the server still works afterwards.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { errorBodySchema } from '@latchkey/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startHttpServer } from '../src/http-server';
import { createLogger } from '../src/platform/logging/logger';
import { freePort } from './support/free-port';
import { seededRandom as random } from './support/seeded-random';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

const PATHS = [
  '/integrations',
  '/integrations/',
  '/integrations/github-x',
  '/integrations/%ZZ',
  '/integrations/%00',
  '/integrations/a%2Fb',
  `/integrations/${'k'.repeat(300)}`,
  '/integrations/..%2F..%2Fetc',
  '/providers',
  '/providers/github',
  '/providers/%E0%A4%A',
  '/providers/UPPER',
  `/providers/${'p'.repeat(80)}`,
  '/providers/__proto__',
  '/connect/sessions',
  '/connect/sessions/reconnect',
  '/connect/session',
  '/oauth/connect/github-x',
  '/oauth/callback',
  '/oauth2/auth/github-x',
  '/api-auth/api-key/github-x',
  '/api-auth/basic/%ZZ',
  '/auth/unauthenticated/x',
  '/connections',
  '/connections/abc',
  '/connections/metadata',
  '/connection/abc/metadata',
  '/environment',
  '/environment/webhook',
  '/environment/webhook-signing-key/rotate',
  '/logs',
  '/events',
  '/webhooks/deliveries',
  '/webhooks/deliveries/not-a-uuid/replay',
  '/proxy/anything',
];
const QUERIES = [
  '',
  '?include=credentials',
  '?include=bogus',
  '?include[]=webhook&include[x]=1',
  '?search=(a+)+$',
  '?search=[',
  `?search=${'a'.repeat(500)}`,
  '?a[b][c][d][e][f][g]=1',
  '?include=%',
  '?unknown=1',
  '?__proto__[polluted]=1',
  '?provider_config_key=github-x&force_refresh=maybe',
  '?connect_session_token=nango_connect_session_zz&params[subdomain]=evil.com/x?',
  '?public_key=00000000-0000-4000-8000-000000000000&hmac=zz',
  `?state=${'a'.repeat(64)}&code=x`,
  '?after=-1&limit=99999',
];
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '',
];
const BODIES = [
  '',
  '{',
  '{"unique_key":',
  'null',
  '[]',
  '"string"',
  '12345',
  'true',
  '{"unique_key":123,"provider":[]}',
  '{"unique_key":"ok","provider":"github","credentials":"x"}',
  '{"unique_key":"ok","provider":"github","credentials":{"type":"NOPE"}}',
  '{"unique_key":"ok2","provider":"github","credentials":{"type":"OAUTH2","client_id":{},"client_secret":null}}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
  `{"unique_key":"${'x'.repeat(5000)}","provider":"github"}`,
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  '{"name":"bad","auth_mode":"OAUTH2","authorization_url":"javascript:alert(1)","docs":"x"}',
  '{"name":"x-ok","display_name":"X","docs":"https://x.example","auth_mode":"API_KEY","credentials":{"apiKey":{"type":"number"}}}',
  '{"name":"y","display_name":"Y","docs":"https://y.example","auth_mode":"OAUTH2","authorization_url":"https://${connectionConfig.x","token_url":"https://${}"}',
  '{"display_name":null,"proxy":{"base_url":{"$ne":1}}}',
  '\u0000\u0001\u0002',
  '{"unique_key":"\ud800","provider":"github"}',
];
const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'];

function send(port: number, method: string, path: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; text: string; contentType: string | undefined }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text, contentType: res.headers['content-type'] }),
      );
    });
    req.on('error', reject);
    if (body !== '' && method !== 'GET' && method !== 'HEAD') {
      req.setHeader('content-length', Buffer.byteLength(body));
      req.write(body);
    }
    req.end();
  });
}

describe.each(databaseKinds())('malformed requests (%s)', (kind) => {
  let t: TestLatchkey;
  let server: RunningServer;
  beforeAll(async () => {
    t = await createTestLatchkey(kind);
    const config = { ...t.latchkey.config, port: await freePort(), host: '127.0.0.1' };
    // The test database outlives the server: stopping the server must not close it.
    server = await startHttpServer({ ...t.latchkey, config, close: async () => {} }, createLogger('silent'));
  });
  afterAll(async () => {
    await server.stop();
    await t[Symbol.asyncDispose]();
  });

  it('answers 600 generated malformed requests with no 5xx and a proper error body', async () => {
    const next = random(20261123);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const failures: string[] = [];
    let rejected = 0;
    for (let i = 0; i < 600; i++) {
      const method = pick(METHODS);
      const path = pick(PATHS) + pick(QUERIES);
      const contentType = pick(CONTENT_TYPES);
      const body = pick(BODIES);
      const headers: Record<string, string> = {};
      const auth = next();
      if (auth < 0.8) headers.authorization = `Bearer ${t.secretKey}`;
      else if (auth < 0.9)
        headers.authorization = pick(['Bearer', 'Basic x', 'Bearer \u00ff', `Bearer ${'z'.repeat(2000)}`]);
      if (contentType !== undefined) headers['content-type'] = contentType;
      const response = await send(server.port, method, path, headers, body);
      const label = `${method} ${path} [${contentType}] ${body.slice(0, 60)}`;
      if (response.status >= 500)
        failures.push(`${response.status} ${label}: ${response.text.slice(0, 200)}`);
      // The OAuth endpoints answer browsers with an HTML page (JSON only when asked); the rest answer JSON.
      if (response.status >= 400 && method !== 'HEAD' && !path.startsWith('/oauth/')) {
        rejected++;
        const parsed = errorBodySchema.safeParse(safeJson(response.text));
        if (!parsed.success) failures.push(`no error body: ${label}: ${response.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(rejected).toBeGreaterThan(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Broken HTTP framing never reaches the app; Node's parser rejects it, still in our error shape.
    const unframed = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.end('DELETE /providers HTTP/1.1\r\nHost: x\r\n\r\n"body without length"'),
      );
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
    });
    expect(unframed).toContain('HTTP/1.1 400');
    expect(unframed).toContain('"code":"malformed_request"');
    const health = await send(
      server.port,
      'GET',
      '/integrations',
      { authorization: `Bearer ${t.secretKey}` },
      '',
    );
    expect(health.status).toBe(200);
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
