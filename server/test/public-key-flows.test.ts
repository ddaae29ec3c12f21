/**
 * Public-key flows as a secure default (issue 14): off for every environment until turned on, refused with 403
 * `public_key_flows_disabled` on every flow endpoint with nothing written; once on, HMAC is required unless the
 * operator turns it off too, which every settings view answers with a warning and the audit log records. Connect
 * sessions never depend on the setting. The migration that introduced it is checked on rows an older version wrote.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directEndpoints } from '../src/auth-modes/registry';
import { migrateToLatest } from '../src/platform/database/migrator';
import { ADMIN_ENV, keyClient, signedInAdmin } from './dashboard-api/dashboard-api-fixtures';
import { dumpDatabase } from './support/database-dump';
import { type FlowHarness, startFlowHarness } from './support/flow-harness';
import { enablePublicKeyFlows, patchEnvironment } from './support/public-key-flows';
import { createTestDatabase, databaseKinds } from './support/test-database';
import { startVerificationServer, type VerificationServer } from './support/verification-server';

/** A body each one-request endpoint accepts, so the refusal tested is the public key's, not the body's. */
const VALID_BODIES: Record<string, unknown> = {
  '/api-auth/api-key': { apiKey: 'good-key' },
  '/api-auth/basic': { username: 'ada', password: 'lovelace' },
  '/oauth2/auth': { client_id: 'client', client_secret: 'secret' },
  '/auth/two-step': { type: 'TWO_STEP' },
  '/auth/jwt': { type: 'JWT' },
  '/auth/signature': { username: 'ada', password: 'lovelace' },
  '/auth/bill': { username: 'ada', password: 'lovelace', organization_id: 'org', dev_key: 'dev' },
  '/auth/tba': { token_id: 'token', token_secret: 'secret' },
  '/auth/aws-sigv4': { role_arn: 'arn:aws:iam::123456789012:role/latchkey' },
  '/auth/unauthenticated': {},
};

const WARNING = { code: 'public_key_flows_without_hmac', message: expect.stringContaining('HMAC') };

interface ErrorBody {
  error: { code: string };
}

describe.each(databaseKinds())('public-key flows (%s)', (kind) => {
  let h: FlowHarness;
  let verifier: VerificationServer;
  let publicKey: string;

  const apiKeyFlow = (query: string, apiKey = 'good-key') =>
    fetch(`${h.url}/api-auth/api-key/apikey?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey }),
    });

  async function expectError(response: Response, status: number, code: string): Promise<void> {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect((JSON.parse(text) as ErrorBody).error.code).toBe(code);
  }

  /** Every row of every table, in an order of its own (an unordered select may return rows in any order). */
  async function storedRows(): Promise<string[]> {
    return (await dumpDatabase(h.t.database.db)).text.split('\n').sort();
  }

  async function storedApiKey(connectionId: string): Promise<unknown> {
    const response = await h.api(`/connections/${connectionId}?provider_config_key=apikey`);
    if (response.status !== 200) return undefined;
    return ((await response.json()) as { credentials: { apiKey?: string } }).credentials.apiKey;
  }

  const graphql = async (query: string) => {
    const response = await h.api('/graphql', { method: 'POST', json: { query } });
    return ((await response.json()) as { data: Record<string, Record<string, unknown>> }).data;
  };

  beforeAll(async () => {
    h = await startFlowHarness(kind, { env: ADMIN_ENV });
    verifier = await startVerificationServer({ apiKeys: ['good-key', 'attacker-key'] });
    await h.registerProvider(verifier.apiKeyProvider('verified-api'));
    await h.createIntegration({ unique_key: 'apikey', provider: 'verified-api' });
    publicKey = ((await (await h.api('/environment')).json()) as { data: { public_key: string } }).data
      .public_key;
  });
  afterAll(async () => {
    await verifier?.close();
    await h?.[Symbol.asyncDispose]();
  });

  it('starts off, with HMAC on, no legacy signature and no warning, on REST, GraphQL and tRPC', async () => {
    const rest = ((await (await h.api('/environment')).json()) as { data: Record<string, unknown> }).data;
    expect(rest).toMatchObject({
      public_key: expect.stringMatching(/^[0-9a-f-]{36}$/),
      public_key_flows_enabled: false,
      hmac_enabled: true,
      legacy_webhook_signature: false,
      warnings: [],
    });
    const { environment } = await graphql(
      '{ environment { publicKey publicKeyFlowsEnabled hmacEnabled legacyWebhookSignature warnings { code } } }',
    );
    expect(environment).toEqual({
      publicKey,
      publicKeyFlowsEnabled: false,
      hmacEnabled: true,
      legacyWebhookSignature: false,
      warnings: [],
    });
    expect(await keyClient(h.t).environment.get.query()).toMatchObject({
      public_key: publicKey,
      public_key_flows_enabled: false,
      hmac_enabled: true,
      legacy_webhook_signature: false,
      warnings: [],
    });
  });

  it('refuses a public key with 403 public_key_flows_disabled on every flow endpoint, writing nothing', async () => {
    // An attacker who read the public key off a web page aims at a connection id that exists.
    const victim = await connectWithSession();
    const before = await storedRows();
    const query = `public_key=${publicKey}&connection_id=${victim}`;

    for (const accept of ['application/json', 'text/html']) {
      const response = await fetch(`${h.url}/oauth/connect/local?${query}`, {
        redirect: 'manual',
        headers: { accept },
      });
      const text = await response.text();
      expect(response.status, text).toBe(403);
      expect(text).toContain('public_key_flows_disabled');
    }
    const endpoints = directEndpoints().map(({ path }) => path);
    expect(endpoints.toSorted()).toEqual(Object.keys(VALID_BODIES).toSorted());
    for (const path of endpoints) {
      for (const integration of ['apikey', 'local', 'no-such-integration']) {
        const response = await fetch(`${h.url}${path}/${integration}?${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(VALID_BODIES[path]),
        });
        await expectError(response, 403, 'public_key_flows_disabled');
      }
    }
    // No connection, OAuth session, log operation or event: the database is exactly as it was.
    expect(await storedRows()).toEqual(before);
    expect(await storedApiKey(victim)).toBe('good-key');
    // An unknown public key is still a 401, and no credentials at all still ask for one.
    await expectError(await apiKeyFlow(`public_key=${randomUUID()}`), 401, 'invalid_public_key');
    await expectError(await apiKeyFlow(''), 401, 'missing_public_key');
  });

  it('requires the HMAC once turned on, and writes nothing for a missing or wrong one', async () => {
    await using flows = await enablePublicKeyFlows(h.api, { hmac: true });
    expect(flows.settings).toMatchObject({
      public_key_flows_enabled: true,
      hmac_enabled: true,
      warnings: [],
    });
    const hmacOf = (data: string) => createHmac('sha256', flows.hmacKey).update(data).digest('hex');
    const query = `public_key=${publicKey}&connection_id=hmac-conn`;
    const before = await storedRows();

    await expectError(await apiKeyFlow(query), 400, 'missing_hmac');
    await expectError(await apiKeyFlow(`${query}&hmac=${hmacOf('apikey:other-conn')}`), 400, 'invalid_hmac');
    await expectError(
      await fetch(`${h.url}/oauth/connect/local?${query}`, { headers: { accept: 'application/json' } }),
      400,
      'missing_hmac',
    );
    expect(await storedRows()).toEqual(before);

    const connected = await apiKeyFlow(`${query}&hmac=${hmacOf('apikey:hmac-conn')}`);
    expect(connected.status, await connected.clone().text()).toBe(200);
    expect(await storedApiKey('hmac-conn')).toBe('good-key');
  });

  it('works without HMAC when the operator turns it off too, and every settings view warns', async () => {
    await using flows = await enablePublicKeyFlows(h.api, { hmac: false });
    expect(flows.settings).toMatchObject({
      public_key_flows_enabled: true,
      hmac_enabled: false,
      warnings: [WARNING],
    });
    const rest = ((await (await h.api('/environment')).json()) as { data: { warnings: unknown } }).data;
    expect(rest.warnings).toEqual([WARNING]);
    expect((await graphql('{ environment { warnings { code message } } }')).environment).toEqual({
      warnings: [WARNING],
    });
    expect((await keyClient(h.t).environment.get.query()).warnings).toEqual([WARNING]);

    // Which is what the warning is about: anyone with the public key replaces a connection's credentials.
    const victim = await connectWithSession();
    const overwritten = await apiKeyFlow(`public_key=${publicKey}&connection_id=${victim}`, 'attacker-key');
    expect(overwritten.status, await overwritten.clone().text()).toBe(200);
    expect(await storedApiKey(victim)).toBe('attacker-key');

    const protectedAgain = await patchEnvironment(h.api, { hmac_enabled: true });
    expect(protectedAgain.warnings).toEqual([]);
  });

  it('takes the settings through GraphQL and tRPC as well, in their own field names', async () => {
    const { updateEnvironmentSettings } = await graphql(
      'mutation { updateEnvironmentSettings(input: { publicKeyFlowsEnabled: true, hmacEnabled: false, legacyWebhookSignature: true }) { ... on Environment { publicKeyFlowsEnabled hmacEnabled legacyWebhookSignature warnings { code } } } }',
    );
    expect(updateEnvironmentSettings).toEqual({
      publicKeyFlowsEnabled: true,
      hmacEnabled: false,
      legacyWebhookSignature: true,
      warnings: [{ code: 'public_key_flows_without_hmac' }],
    });
    const reset = await keyClient(h.t).environment.update.mutate({
      public_key_flows_enabled: false,
      hmac_enabled: true,
      legacy_webhook_signature: false,
    });
    expect(reset).toMatchObject({
      public_key_flows_enabled: false,
      hmac_enabled: true,
      legacy_webhook_signature: false,
      warnings: [],
    });
    const refused = await h.api('/environment', {
      method: 'PATCH',
      json: { public_key_flows_enabled: 'yes' },
    });
    await expectError(refused, 400, 'invalid_body');
  });

  it('records who switched the security settings, from and to, in the audit log', async () => {
    const admin = await signedInAdmin(h.t);
    const updates = [
      { public_key_flows_enabled: true, hmac_enabled: false, callback_url: null },
      { public_key_flows_enabled: false, hmac_enabled: true },
      // Given but unchanged: nothing was switched.
      { public_key_flows_enabled: false, legacy_webhook_signature: false },
    ];
    for (const update of updates) {
      const answer = await admin.mutate('environment.update', update);
      expect(answer.status, JSON.stringify(answer.error)).toBe(200);
    }
    const audit = await admin.query<{ items: Array<{ action: string; details: Record<string, unknown> }> }>(
      'audit.list',
      { action: 'environment.settings_update' },
    );
    expect(audit.data!.items.slice(0, 3).map((entry) => entry.details)).toEqual([
      { fields: ['public_key_flows_enabled', 'legacy_webhook_signature'] },
      {
        fields: ['public_key_flows_enabled', 'hmac_enabled'],
        changes: {
          public_key_flows_enabled: { from: true, to: false },
          hmac_enabled: { from: false, to: true },
        },
      },
      {
        fields: ['callback_url', 'public_key_flows_enabled', 'hmac_enabled'],
        changes: {
          public_key_flows_enabled: { from: false, to: true },
          hmac_enabled: { from: true, to: false },
        },
      },
    ]);
  });

  it('leaves connect sessions alone: they connect with public-key flows off', async () => {
    const settings = ((await (await h.api('/environment')).json()) as { data: Record<string, unknown> }).data;
    expect(settings.public_key_flows_enabled).toBe(false);
    const connectionId = await connectWithSession();
    expect(await storedApiKey(connectionId)).toBe('good-key');
  });

  async function connectWithSession(): Promise<string> {
    const token = await h.createSession();
    const response = await apiKeyFlow(`connect_session_token=${token}`);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return (JSON.parse(text) as { connectionId: string }).connectionId;
  }
});

describe.each(databaseKinds())('the public-key flows migration (%s)', (kind) => {
  it('turns public-key flows off and HMAC on for environments created before it, and defaults new ones so', async () => {
    await using database = await createTestDatabase(kind, {
      migratedTo: '2026-12-07T0007-dashboard-settings',
    });
    const db = database.db;
    // Rows as the previous version wrote them: HMAC off (its default) and on.
    for (const [name, hmac] of [
      ['old-default', false],
      ['old-hmac', true],
    ] as const) {
      await sql`insert into environments (id, name, webhook_signing_key_sealed, hmac_key_sealed, hmac_enabled)
        values (${randomUUID()}, ${name}, 'sealed', 'sealed', ${hmac})`.execute(db);
    }
    const before = await sql<{ name: string; public_key: string }>`
      select name, public_key from environments order by name`.execute(db);

    expect(await migrateToLatest(db)).toContain('2026-12-07T0008-public-key-flows');
    await sql`insert into environments (id, name, webhook_signing_key_sealed, hmac_key_sealed)
      values (${randomUUID()}, 'new', 'sealed', 'sealed')`.execute(db);

    const after = await db
      .selectFrom('environments')
      .select(['name', 'public_key', 'public_key_flows_enabled', 'hmac_enabled', 'legacy_webhook_signature'])
      .orderBy('name')
      .execute();
    expect(after.map(({ public_key: _key, ...row }) => row)).toEqual([
      { name: 'new', public_key_flows_enabled: false, hmac_enabled: true, legacy_webhook_signature: false },
      {
        name: 'old-default',
        public_key_flows_enabled: false,
        hmac_enabled: true,
        legacy_webhook_signature: false,
      },
      {
        name: 'old-hmac',
        public_key_flows_enabled: false,
        hmac_enabled: true,
        legacy_webhook_signature: false,
      },
    ]);
    // The public keys (in customers' web pages) survive the migration.
    expect(after.filter((row) => row.name !== 'new').map((row) => row.public_key)).toEqual(
      before.rows.map((row) => row.public_key),
    );
  });
});
