/**
 * Strings PostgreSQL cannot store (U+0000, a lone surrogate), sent as JSON escapes, percent-encoding or GraphQL
 * literals through every transport: each is refused with a 400 naming where it was, nothing reaches the database, and
 * the strings PostgreSQL can store (a surrogate pair, U+FFFD from bad UTF-8) still pass.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnstorableString } from '../src/platform/database/storable-strings';
import { type ServedLatchkey, serveTestLatchkey } from './support/served-latchkey';
import { databaseKinds } from './support/test-database';

const LONE = '\\ud800';
const NUL = '\\u0000';

describe('findUnstorableString', () => {
  it('names the path of the first NUL or unpaired surrogate, keys included, and passes pairs', () => {
    expect(findUnstorableString({ a: ['ok', { b: '\u0000' }] })).toEqual(['a', '1', 'b']);
    expect(findUnstorableString({ tags: { a: '\ud800' } })).toEqual(['tags', 'a']);
    expect(findUnstorableString(['x\udc00'])).toEqual(['0']);
    expect(findUnstorableString({ 'k\u0000': 1 })).toEqual(['k\ufffd']);
    expect(findUnstorableString('\u0000')).toEqual([]);
    expect(findUnstorableString({ emoji: '\ud83d\ude00', fffd: '\ufffd', n: 1, z: null })).toBeUndefined();
    // Deeper than the call stack would allow a recursive walk.
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableString(deep)).toHaveLength(100_000);
  });
});

describe.each(databaseKinds())('strings PostgreSQL cannot store (%s)', (kind) => {
  let served: ServedLatchkey;
  let auth: Record<string, string>;
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    served = await serveTestLatchkey(kind);
    auth = { authorization: `Bearer ${served.t.secretKey}` };
  });
  afterAll(() => served?.[Symbol.asyncDispose]());

  async function call(path: string, init: RequestInit = {}) {
    const response = await fetch(`${served.url}${path}`, init);
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: each transport answers in its own shape; tests read what they expect
    return { status: response.status, body: JSON.parse(text) as Record<string, any> };
  }

  async function sessionCount(): Promise<number> {
    const row = await served.t.database.db
      .selectFrom('connect_sessions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('REST bodies: 400 invalid_body naming the path, nothing stored', async () => {
    const before = await sessionCount();
    for (const [raw, path] of [
      [`{"end_user":{"id":"u"},"tags":{"a":"${LONE}"}}`, ['tags', 'a']],
      [`{"end_user":{"id":"u"},"tags":{"a":"${NUL}"}}`, ['tags', 'a']],
      [`{"end_user":{"id":"u${NUL}"}}`, ['end_user', 'id']],
      [`{"end_user":{"id":"u"},"tags":{"k${NUL}":"v"}}`, ['tags', 'k\ufffd']],
      [`{"end_user":{"id":"u"},"allowed_integrations":["x","\\udfff"]}`, ['allowed_integrations', '1']],
    ] as const) {
      const answer = await call('/connect/sessions', {
        method: 'POST',
        headers: { ...auth, ...json },
        body: raw,
      });
      expect(answer.status, raw).toBe(400);
      expect(answer.body.error.code).toBe('invalid_body');
      expect(answer.body.error.errors).toEqual([
        expect.objectContaining({ code: 'unstorable_string', path }),
      ]);
    }
    expect(await sessionCount()).toBe(before);
    // What PostgreSQL can store goes through: a surrogate pair, U+FFFD.
    const stored = await call('/connect/sessions', {
      method: 'POST',
      headers: { ...auth, ...json },
      body: '{"end_user":{"id":"u"},"tags":{"a":"\\ud83d\\ude00","b":"\\ufffd"}}',
    });
    expect(stored.status).toBe(201);
    expect(await sessionCount()).toBe(before + 1);
  });

  it('REST query strings and paths: 400 invalid_query_params / invalid_uri_params, the fast read included', async () => {
    for (const [path, code, errorPath] of [
      ['/connections?search=%00', 'invalid_query_params', ['search']],
      ['/connections?tags[a]=x%00', 'invalid_query_params', ['tags', 'a']],
      ['/integrations?include=%00', 'invalid_query_params', ['include']],
      ['/integrations/%00', 'invalid_uri_params', []],
      ['/providers/a%00b', 'invalid_uri_params', []],
      // Served on node:http ahead of Hono: the same answers.
      ['/connections/%00?provider_config_key=x', 'invalid_uri_params', []],
      ['/connection/abc?provider_config_key=%00', 'invalid_query_params', ['provider_config_key']],
      ['/oauth/connect/x?connect_session_token=%00', 'invalid_query_params', ['connect_session_token']],
    ] as const) {
      const answer = await call(path, { headers: auth });
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.code, path).toBe(code);
      expect(answer.body.error.errors, path).toEqual([expect.objectContaining({ path: errorPath })]);
    }
    // Anonymous callers get the same 400 on the fast read as on Hono: the URL is checked before the key.
    expect((await call('/connections/%00')).body.error.code).toBe('invalid_uri_params');
    // Bad UTF-8 in percent-encoding decodes to U+FFFD or stays as sent: storable, so answered normally.
    for (const path of [
      '/connections?search=%FF%FE',
      '/connections?search=%ED%A0%80',
      '/integrations/%ED%A0%80',
      '/connections/%C0%AF?provider_config_key=nope',
      '/providers?search=%',
    ]) {
      const answer = await call(path, { headers: auth });
      expect(answer.status, path).toBeLessThan(500);
    }
  });

  it('the providers file in YAML: a "\\0" escape is refused like a JSON one', async () => {
    const yaml = 'providers:\n  - name: "nul\\0here"\n    auth_mode: API_KEY\n';
    const answer = await call('/providers/import', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: yaml,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_body');
  });

  it('headers: Node refuses a NUL before any route, in our error shape', async () => {
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(served.url).port), '127.0.0.1', () =>
        socket.end(`GET /proxy/x HTTP/1.1\r\nHost: x\r\nConnection-Id: a\u0000b\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
    });
    expect(raw).toContain('HTTP/1.1 400');
    expect(raw).toContain('"code":"malformed_request"');
    // The proxy's query goes upstream as sent: not refused as unstorable (the unknown connection is what fails).
    const proxied = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${served.url}/proxy/x?q=%00`,
        { headers: { ...auth, 'connection-id': 'nope', 'provider-config-key': 'nope' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(proxied).toBe(404);
  });

  it('GraphQL: variables and inline literals answer BAD_USER_INPUT invalid_body, over POST and GET', async () => {
    const mutation = `mutation ($input: CreateConnectSessionInput!) {
      createConnectSession(input: $input) { __typename }
    }`;
    const before = await sessionCount();
    const variables = `{"input":{"endUser":{"id":"u"},"tags":{"a":"${LONE}"}}}`;
    const posted = await call('/graphql', {
      method: 'POST',
      headers: { ...auth, ...json },
      body: `{"query":${JSON.stringify(mutation)},"variables":${variables}}`,
    });
    expect(posted.status).toBe(400);
    expect(posted.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errorCode: 'invalid_body',
      issues: [expect.objectContaining({ path: ['variables', 'input', 'tags', 'a'] })],
    });
    const inline = await call('/graphql', {
      method: 'POST',
      headers: { ...auth, ...json },
      body: JSON.stringify({
        query: 'mutation { createConnectSession(input: { endUser: { id: "u\\u0000" } }) { __typename } }',
      }),
    });
    expect(inline.status, JSON.stringify(inline.body)).toBe(400);
    expect(inline.body.errors[0].extensions).toMatchObject({ errorCode: 'invalid_body' });
    const query =
      'query ($id: String!) { connection(connectionId: $id, providerConfigKey: "x") { __typename } }';
    const viaGet = await call(
      `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(`{"id":"${NUL}"}`)}`,
      { headers: auth },
    );
    expect(viaGet.status, JSON.stringify(viaGet.body)).toBe(400);
    expect(viaGet.body.errors[0].extensions).toMatchObject({ errorCode: 'invalid_body' });
    expect(await sessionCount()).toBe(before);
  });

  it('tRPC: POST bodies, GET inputs and connection params answer BAD_REQUEST invalid_body', async () => {
    const before = await sessionCount();
    const posted = await call('/trpc/connectSessions.create', {
      method: 'POST',
      headers: { ...auth, ...json },
      body: `{"end_user":{"id":"u"},"tags":{"a":"${NUL}"}}`,
    });
    expect(posted.status).toBe(400);
    expect(posted.body.error.data).toMatchObject({
      code: 'BAD_REQUEST',
      errorCode: 'invalid_body',
      errors: [expect.objectContaining({ path: ['tags', 'a'] })],
    });
    const viaGet = await call(`/trpc/connections.list?input=${encodeURIComponent(`{"search":"${LONE}"}`)}`, {
      headers: auth,
    });
    expect(viaGet.status).toBe(400);
    expect(viaGet.body.error.data).toMatchObject({
      errorCode: 'invalid_body',
      errors: [{ path: ['search'] }],
    });
    const batched = await call(
      `/trpc/connections.list,integrations.list?batch=1&input=${encodeURIComponent(`{"0":{"search":"${NUL}"}}`)}`,
      { headers: auth },
    );
    expect(JSON.stringify(batched.body)).toContain('invalid_body');
    const params = await call(
      `/trpc/connections.list?connectionParams=1&input=${encodeURIComponent(
        JSON.stringify({ connectionParams: { environment: 'dev\u0000' } }),
      )}`,
      { headers: auth },
    );
    expect(params.status).toBeLessThan(500);
    expect(await sessionCount()).toBe(before);
  });
});
