/**
 * The tRPC API through `@latchkey/client` against a Latchkey on a real port and a real authorization server: each
 * domain's procedures, the widget's connect-session procedures, scope and token refusals with the codes REST answers,
 * validation errors as BAD_REQUEST with `invalid_body`, and tRPC's own NOT_FOUND for an unknown procedure.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatchkeyClient } from '../../client/src/index';
import { driveAuthorization } from '../support/browser-driver';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { databaseKinds } from '../support/test-database';
import { latchkeyClient } from '../support/trpc-client';

/** The error data of a failed call: tRPC's code and HTTP status, and our stable code. */
async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TRPCClientError))
    throw new Error(`expected a TRPCClientError, got ${String(error)}`);
  return {
    message: error.message,
    ...(error.data as {
      code: string;
      httpStatus: number;
      errorCode: string;
      payload?: unknown;
      errors?: unknown;
    }),
  };
}

describe.each(databaseKinds())('tRPC procedures (%s)', (kind) => {
  let h: FlowHarness;
  let client: LatchkeyClient;
  beforeAll(async () => {
    h = await startFlowHarness(kind);
    client = latchkeyClient(h.url, { secretKey: h.t.secretKey });
  });
  afterAll(() => h[Symbol.asyncDispose]());

  /** A connect session, then the OAuth flow it starts through tRPC, driven at the real authorization server. */
  async function connectThroughTrpc(endUserId: string, tags?: Record<string, string>): Promise<string> {
    const session = await client.connectSessions.create.mutate({
      end_user: { id: endUserId, email: `${endUserId}@example.com` },
      allowed_integrations: ['local'],
      ...(tags === undefined ? {} : { tags }),
    });
    const widget = latchkeyClient(h.url, { sessionToken: session.token });
    const { url } = await widget.flows.startOAuth.mutate({ integration: 'local' });
    const { callbackUrl } = await driveAuthorization(url, { issuer: h.oidc.issuer });
    const completed = await h.complete(callbackUrl);
    expect(completed.status).toBe(200);
    return ((await completed.json()) as { connectionId: string }).connectionId;
  }

  it('reads the environment, searches providers and manages a custom one', async () => {
    const environment = await client.environment.get.query({ include: ['webhook_signing_key'] });
    expect(environment.name).toBe('dev');
    const rotated = await client.environment.rotateWebhookSigningKey.mutate();
    expect(rotated.webhook_signing_key).not.toBe(environment.webhook_signing_key);
    const updated = await client.environment.update.mutate({ webhook_on_auth_creation: false });
    expect(updated.webhook_on_auth_creation).toBe(false);

    const found = await client.providers.list.query({ search: 'local-o' });
    expect(found.map((provider) => provider.name)).toEqual(['local-oidc']);
    expect((await client.providers.get.query({ name: 'github' })).auth_mode).toBe('OAUTH2');
    const created = await client.providers.create.mutate({
      name: 'trpc-custom',
      display_name: 'tRPC custom',
      auth_mode: 'API_KEY',
      credentials: { apiKey: { type: 'string', title: 'API key', description: 'API key' } },
      proxy: { base_url: 'https://api.example.com', headers: { authorization: 'Bearer ${apiKey}' } },
      docs: 'https://example.com/docs',
    });
    expect(created).toMatchObject({ name: 'trpc-custom', custom: true });
    expect(
      (await client.providers.update.mutate({ name: 'trpc-custom', patch: { display_name: 'Renamed' } }))
        .display_name,
    ).toBe('Renamed');
    expect(await client.providers.delete.mutate({ name: 'trpc-custom' })).toEqual({ success: true });
    const gone = await failure(client.providers.get.query({ name: 'trpc-custom' }));
    const rest = await h.api('/providers/trpc-custom');
    expect(gone).toMatchObject({ code: 'NOT_FOUND', httpStatus: rest.status });
    expect(gone.errorCode).toBe(((await rest.json()) as { error: { code: string } }).error.code);
  });

  it('creates, reads, updates and deletes integrations', async () => {
    const created = await client.integrations.create.mutate({
      unique_key: 'trpc-github',
      provider: 'github',
    });
    expect(created).toMatchObject({
      unique_key: 'trpc-github',
      provider: 'github',
      display_name: 'GitHub (User OAuth)',
    });
    const updated = await client.integrations.update.mutate({
      uniqueKey: 'trpc-github',
      patch: { display_name: 'Code' },
    });
    expect(updated.display_name).toBe('Code');
    expect(
      (await client.integrations.get.query({ uniqueKey: 'trpc-github', include: ['webhook'] })).webhook_url,
    ).toBeDefined();
    expect((await client.integrations.list.query()).map((integration) => integration.unique_key)).toContain(
      'trpc-github',
    );
    const duplicate = await failure(
      client.integrations.create.mutate({ unique_key: 'trpc-github', provider: 'github' }),
    );
    expect(duplicate).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      errorCode: 'integration_already_exists',
    });
    expect(await client.integrations.delete.mutate({ uniqueKey: 'trpc-github' })).toEqual({ success: true });
    const gone = await failure(client.integrations.get.query({ uniqueKey: 'trpc-github' }));
    const rest = await h.api('/integrations/trpc-github');
    expect(gone).toMatchObject({ code: 'NOT_FOUND', httpStatus: rest.status });
    expect(gone.errorCode).toBe(((await rest.json()) as { error: { code: string } }).error.code);
  });

  it('serves a widget its session, its integrations with their fields, and flows, but nothing else', async () => {
    await h.registerProvider({
      name: 'trpc-keyed-provider',
      display_name: 'Keyed',
      auth_mode: 'API_KEY',
      credentials: { apiKey: { type: 'string', title: 'API key', description: 'API key' } },
      proxy: { base_url: 'https://api.example.com', headers: { authorization: 'Bearer ${apiKey}' } },
      docs: 'https://example.com/docs',
    });
    await client.integrations.create.mutate({ unique_key: 'trpc-keyed', provider: 'trpc-keyed-provider' });
    const session = await client.connectSessions.create.mutate({
      end_user: { id: 'widget-user' },
      allowed_integrations: ['local', 'trpc-keyed'],
    });
    const widget = latchkeyClient(h.url, { sessionToken: session.token });

    const current = await widget.connectSessions.current.query();
    expect(current.endUser).toMatchObject({ id: 'widget-user' });
    const integrations = await widget.connectSessions.integrations.query();
    expect(integrations.map((integration) => [integration.unique_key, integration.auth_mode])).toEqual(
      expect.arrayContaining([
        ['local', 'OAUTH2'],
        ['trpc-keyed', 'API_KEY'],
      ]),
    );
    expect(
      Object.keys(integrations.find((integration) => integration.unique_key === 'trpc-keyed')!.credentials),
    ).toContain('apiKey');
    expect(
      (await widget.integrations.list.query()).map((integration) => integration.unique_key).sort(),
    ).toEqual(['local', 'trpc-keyed']);

    const keyed = await widget.flows.submitApiKey.mutate({
      integration: 'trpc-keyed',
      apiKey: 'sk-live-widget',
    });
    expect(keyed.providerConfigKey).toBe('trpc-keyed');
    const stored = await client.connections.credentials.query({
      connectionId: keyed.connectionId,
      providerConfigKey: 'trpc-keyed',
    });
    expect(stored).toEqual({ type: 'API_KEY', apiKey: 'sk-live-widget' });

    // The generic one-request flow takes any direct mode's body, checked with that mode's own schema.
    const generic = await widget.flows.submitCredentials.mutate({
      integration: 'trpc-keyed',
      authMode: 'API_KEY',
      credentials: { apiKey: 'sk-live-generic' },
    });
    expect(
      await client.connections.credentials.query({
        connectionId: generic.connectionId,
        providerConfigKey: 'trpc-keyed',
      }),
    ).toEqual({ type: 'API_KEY', apiKey: 'sk-live-generic' });
    const badBody = await failure(
      widget.flows.submitCredentials.mutate({
        integration: 'trpc-keyed',
        authMode: 'API_KEY',
        credentials: { apiKey: '' },
      }),
    );
    expect(badBody).toMatchObject({ httpStatus: 400, errorCode: 'invalid_body' });
    const wrongMode = await failure(
      widget.flows.submitCredentials.mutate({
        integration: 'trpc-keyed',
        authMode: 'BASIC',
        credentials: { username: 'u', password: 'p' },
      }),
    );
    expect(wrongMode).toMatchObject({ httpStatus: 400, errorCode: 'invalid_auth_mode' });

    const refused = await failure(widget.connections.list.query({}));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, errorCode: 'forbidden' });
    const notAllowed = await failure(widget.flows.startOAuth.mutate({ integration: 'trpc-github-x' }));
    expect(notAllowed.httpStatus).toBeGreaterThanOrEqual(400);
    expect(notAllowed.httpStatus).toBeLessThan(500);
    const keyOnly = await failure(client.connectSessions.current.query());
    expect(keyOnly).toMatchObject({ code: 'FORBIDDEN', errorCode: 'forbidden' });
  });

  it('lists connections a page at a time with filters, patches, writes metadata, refreshes and deletes', async () => {
    const first = await connectThroughTrpc('pager-1', { team: 'red' });
    const second = await connectThroughTrpc('pager-2', { team: 'blue' });

    const page1 = await client.connections.list.query({ integrationIds: ['local'], first: 1 });
    expect(page1.items.map((item) => item.connection_id)).toEqual([second]);
    expect(page1.next_cursor).not.toBeNull();
    const page2 = await client.connections.list.query({
      integrationIds: ['local'],
      first: 1,
      after: page1.next_cursor!,
    });
    expect(page2.items.map((item) => item.connection_id)).toEqual([first]);
    expect(
      (await client.connections.list.query({ endUserId: 'pager-1' })).items.map((i) => i.connection_id),
    ).toEqual([first]);
    expect(
      (await client.connections.list.query({ tags: { team: 'blue' } })).items.map((i) => i.connection_id),
    ).toEqual([second]);
    expect((await client.connections.list.query({ refreshState: 'needs_reauth' })).items).toEqual([]);

    const ref = { connectionId: first, providerConfigKey: 'local' };
    expect(await client.connections.patch.mutate({ ...ref, patch: { tags: { team: 'green' } } })).toEqual({
      success: true,
    });
    await client.connections.setMetadata.mutate({
      connection_id: first,
      provider_config_key: 'local',
      metadata: { a: 1 },
    });
    await client.connections.updateMetadata.mutate({
      connection_id: first,
      provider_config_key: 'local',
      metadata: { b: 2 },
    });
    const read = await client.connections.get.query(ref);
    expect(read).toMatchObject({
      tags: { team: 'green' },
      metadata: { a: 1, b: 2 },
      refresh_state: 'active',
    });
    expect(read.credentials).not.toHaveProperty('refresh_token');

    const refreshed = await client.connections.refresh.mutate(ref);
    expect(refreshed.credentials.access_token).not.toBe(read.credentials.access_token);
    expect(await client.connections.credentials.query(ref)).toEqual(refreshed.credentials);
    const withRefreshToken = await client.connections.get.query({ ...ref, refreshToken: true });
    expect(typeof withRefreshToken.credentials.refresh_token).toBe('string');

    const logs = await client.logs.list.query({ connectionId: first });
    expect(logs.length).toBeGreaterThan(0);
    expect(Array.isArray(await client.webhooks.deliveries.query({ status: 'pending' }))).toBe(true);

    expect(await client.connections.delete.mutate(ref)).toEqual({ success: true });
    const gone = await failure(client.connections.get.query(ref));
    const rest = await h.api(`/connections/${first}?provider_config_key=local`);
    expect(gone).toMatchObject({ code: 'NOT_FOUND', httpStatus: rest.status });
    expect(gone.errorCode).toBe(((await rest.json()) as { error: { code: string } }).error.code);
  });

  it('lists webhook deliveries and replays one as a new pending delivery of the same event', async () => {
    await client.environment.update.mutate({
      webhook_url: `${h.url}/webhook-sink`,
      webhook_on_auth_creation: true,
    });
    const id = await connectThroughTrpc('hooked-user');
    const deliveries = await client.webhooks.deliveries.query({ connectionId: id });
    expect(deliveries.map((delivery) => [delivery.operation, delivery.url])).toEqual([
      ['creation', `${h.url}/webhook-sink`],
    ]);
    const replayed = await client.webhooks.replay.mutate({ deliveryId: deliveries[0]!.id });
    expect(replayed).toMatchObject({
      event_id: deliveries[0]!.event_id,
      connection_id: id,
      status: 'pending',
    });
    expect(replayed.id).not.toBe(deliveries[0]!.id);
    const unknown = await failure(
      client.webhooks.replay.mutate({ deliveryId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    await client.environment.update.mutate({ webhook_url: null });
  });

  it('checks scopes in the services: a read-only key reads without credentials and may not refresh', async () => {
    const id = await connectThroughTrpc('scoped-user');
    const dev = await h.t.latchkey.services.environments.getByName('dev');
    const reader = await h.t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'trpc-reader',
      scopes: ['environment:connections:read'],
    });
    const readOnly = latchkeyClient(h.url, { secretKey: reader.secretKey });
    const ref = { connectionId: id, providerConfigKey: 'local' };
    expect((await readOnly.connections.get.query(ref)).credentials).toEqual({});
    const refused = await failure(readOnly.connections.refresh.mutate(ref));
    expect(refused).toMatchObject({
      code: 'FORBIDDEN',
      httpStatus: 403,
      errorCode: 'forbidden',
    });
    expect(
      await failure(readOnly.integrations.create.mutate({ unique_key: 'nope', provider: 'github' })),
    ).toMatchObject({
      code: 'FORBIDDEN',
      errorCode: 'forbidden',
    });
  });

  it('answers validation errors as BAD_REQUEST with invalid_body and the failing fields', async () => {
    const badPage = await failure(client.connections.list.query({ first: 0 }));
    expect(badPage).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, errorCode: 'invalid_body' });
    expect(badPage.errors).toEqual([expect.objectContaining({ path: ['first'] })]);
    const badKey = await failure(
      client.integrations.create.mutate({ unique_key: 'bad/key', provider: 'github' }),
    );
    expect(badKey).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'invalid_body' });
    expect(badKey.errors).toEqual([expect.objectContaining({ path: ['unique_key'] })]);
    // Input the client's types would refuse, sent as raw JSON.
    const raw = await fetch(`${h.url}/trpc/connections.patch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.t.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId: 'x', providerConfigKey: 'local', patch: { unknown: true } }),
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { data: { errorCode: string } } };
    expect(body.error.data.errorCode).toBe('invalid_body');
    const malformed = await fetch(`${h.url}/trpc/connections.patch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.t.secretKey}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
  });

  it('refuses missing, malformed and unknown credentials with REST codes, and answers NOT_FOUND for unknown procedures', async () => {
    const missing = await fetch(`${h.url}/trpc/providers.list`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { data: unknown } }).error.data).toMatchObject({
      code: 'UNAUTHORIZED',
      errorCode: 'missing_auth_header',
    });
    const malformed = await fetch(`${h.url}/trpc/providers.list`, {
      headers: { authorization: 'Basic abc' },
    });
    expect(((await malformed.json()) as { error: { data: unknown } }).error.data).toMatchObject({
      errorCode: 'malformed_auth_header',
    });
    const unknownKey = await failure(
      latchkeyClient(h.url, { secretKey: 'not-a-key' }).providers.list.query(),
    );
    expect(unknownKey).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, errorCode: 'unknown_api_key' });
    const expiredToken = await failure(
      latchkeyClient(h.url, {
        sessionToken: `nango_connect_session_${'0'.repeat(64)}`,
      }).connectSessions.current.query(),
    );
    expect(expiredToken).toMatchObject({ code: 'UNAUTHORIZED', errorCode: 'unknown_connect_session_token' });

    for (const headers of [{}, { authorization: `Bearer ${h.t.secretKey}` }] as Record<string, string>[]) {
      const unknown = await fetch(`${h.url}/trpc/connections.nothingHere`, { headers });
      expect(unknown.status).toBe(404);
      const error = ((await unknown.json()) as { error: { message: string; data: { code: string } } }).error;
      expect(error.data.code).toBe('NOT_FOUND');
      expect(error.message).toContain('No procedure found');
    }
  });
});
