/**
 * The dashboard's connections: the keyset list under each filter (search by prefix, integration, end user,
 * organization, tags, refresh state) returning exactly the right rows with pages that neither skip nor repeat, one
 * connection without secrets for any reader, and the credential reveal: refused to support, audited for operators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatchkeyClient, LatchkeyInputs } from '../../client/src/index';
import { createEventIntegration, type EventIntegration } from '../support/auth-event-fixtures';
import { appDashboardClient, type DashboardClient } from '../support/dashboard-client';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';
import { ADMIN_ENV, failure, keyClient, signedInAdmin } from './dashboard-api-fixtures';

type ListInput = LatchkeyInputs['connections']['list'];

interface Seed {
  id: string;
  integration: 'crm' | 'tickets';
  email?: string;
  name?: string;
  organization?: string;
  tags?: Record<string, string>;
}

const SEEDS: Seed[] = [
  {
    id: 'alpha-1',
    integration: 'crm',
    email: 'Alice@Example.com',
    name: 'Alice Liddell',
    organization: 'org-a',
  },
  { id: 'alpha-2', integration: 'crm', email: 'alan@example.com', tags: { Team: 'blue' } },
  { id: 'beta-1', integration: 'tickets', name: 'Bob Builder', organization: 'org-a', tags: { Team: 'red' } },
  { id: 'beta-2', integration: 'tickets', email: 'carol@example.com', tags: { Team: 'blue', Tier: 'gold' } },
  { id: '100%', integration: 'crm', name: 'Percent' },
];

describe.each(databaseKinds())('dashboard connections API (%s)', (kind) => {
  let t: TestLatchkey;
  let client: LatchkeyClient;
  let admin: DashboardClient;
  const integrations: Record<string, EventIntegration> = {};

  async function save(seed: Seed) {
    const integration = integrations[seed.integration]!;
    await t.latchkey.services.connections.save({
      environmentId: integration.environmentId,
      providerConfigKey: integration.key,
      integrationId: integration.integrationId,
      connectionId: seed.id,
      provider: 'github',
      credentials: {
        type: 'OAUTH2',
        access_token: `secret-token-${seed.id}`,
        refresh_token: `refresh-${seed.id}`,
        raw: {},
      },
      expiresAt: null,
      connectionConfig: {},
      scopes: [],
      endUser: {
        id: `user-${seed.id}`,
        ...(seed.email === undefined ? {} : { email: seed.email }),
        ...(seed.name === undefined ? {} : { display_name: seed.name }),
        ...(seed.organization === undefined ? {} : { organization: { id: seed.organization } }),
      },
      tags: seed.tags ?? {},
    });
  }

  const ids = async (input: ListInput) =>
    (await client.connections.list.query(input)).items.map((item) => item.connection_id);

  beforeAll(async () => {
    t = await createTestLatchkey(kind, ADMIN_ENV);
    client = keyClient(t);
    admin = await signedInAdmin(t);
    integrations.crm = await createEventIntegration(t, 'crm');
    integrations.tickets = await createEventIntegration(t, 'tickets');
    for (const seed of SEEDS) await save(seed);
    await t.database.db
      .updateTable('connections')
      .set({
        refresh_state: 'needs_reauth',
        last_refresh_error: JSON.stringify({ type: 'invalid_grant', description: 'revoked by the user' }),
      })
      .where('connection_id', '=', 'beta-1')
      .execute();
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('filters by a case-insensitive prefix of the connection id, end-user email or display name', async () => {
    expect(await ids({ search: 'alpha' })).toEqual(['alpha-2', 'alpha-1']);
    expect(await ids({ search: 'ALI' })).toEqual(['alpha-1']);
    expect(await ids({ search: 'al' })).toEqual(['alpha-2', 'alpha-1']);
    expect(await ids({ search: 'bob b' })).toEqual(['beta-1']);
    expect(await ids({ search: 'carol@' })).toEqual(['beta-2']);
    // A prefix, not a substring; LIKE wildcards are plain characters.
    expect(await ids({ search: 'lpha' })).toEqual([]);
    expect(await ids({ search: '%' })).toEqual([]);
    expect(await ids({ search: '100%' })).toEqual(['100%']);
  });

  it('filters by integration, end user, organization, tags and refresh state', async () => {
    expect(await ids({ integration: 'tickets' })).toEqual(['beta-2', 'beta-1']);
    expect(await ids({ integrationIds: ['crm'] })).toEqual(['100%', 'alpha-2', 'alpha-1']);
    expect(await ids({ integration: 'nope' })).toEqual([]);
    expect(await ids({ endUserId: 'user-beta-2' })).toEqual(['beta-2']);
    expect(await ids({ organizationId: 'org-a' })).toEqual(['beta-1', 'alpha-1']);
    expect(await ids({ endUserOrganizationId: 'org-a', integration: 'crm' })).toEqual(['alpha-1']);
    // Keys compare case-insensitively (stored `Team`), values exactly; every pair must match.
    expect(await ids({ tags: { team: 'blue' } })).toEqual(['beta-2', 'alpha-2']);
    expect(await ids({ tags: { TEAM: 'blue', tier: 'gold' } })).toEqual(['beta-2']);
    expect(await ids({ tags: { team: 'Blue' } })).toEqual([]);
    expect(await ids({ refreshState: 'needs_reauth' })).toEqual(['beta-1']);
    expect(await ids({ refreshState: 'active', search: 'beta' })).toEqual(['beta-2']);
  });

  it('pages by keyset: pages join up to the whole list, and rows added meanwhile do not shift later pages', async () => {
    for (let i = 0; i < 8; i++) await save({ id: `page-${i}`, integration: 'crm', tags: { batch: 'pages' } });
    const all = await ids({ tags: { batch: 'pages' }, first: 100 });
    expect(all).toEqual(['page-7', 'page-6', 'page-5', 'page-4', 'page-3', 'page-2', 'page-1', 'page-0']);

    const first = await client.connections.list.query({ tags: { batch: 'pages' }, first: 3 });
    // A connection created between two reads is newer than the cursor: it belongs before page one, not in page two.
    await save({ id: 'page-new', integration: 'crm', tags: { batch: 'pages' } });
    const seen = first.items.map((item) => item.connection_id);
    let cursor = first.next_cursor;
    while (cursor !== null) {
      const page = await client.connections.list.query({ tags: { batch: 'pages' }, first: 3, after: cursor });
      seen.push(...page.items.map((item) => item.connection_id));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(all);
    expect(await ids({ tags: { batch: 'pages' }, first: 1 })).toEqual(['page-new']);
  });

  it('shows one connection without its credentials to any reader, with its error and failing log', async () => {
    const summary = await client.connections.summary.query({
      integration: 'tickets',
      connectionId: 'beta-1',
    });
    expect(summary).toMatchObject({
      connection_id: 'beta-1',
      provider_config_key: 'tickets',
      auth_mode: 'OAUTH2',
      end_user: { id: 'user-beta-1', display_name: 'Bob Builder', organization: { id: 'org-a' } },
      tags: { Team: 'red' },
      refresh_state: 'needs_reauth',
      last_error: { type: 'invalid_grant', description: 'revoked by the user' },
      failed_operation_id: null,
    });
    expect(JSON.stringify(summary)).not.toContain('secret-token');
    expect(
      await failure(client.connections.summary.query({ integration: 'tickets', connectionId: 'nope' })),
    ).toMatchObject({ httpStatus: 404, errorCode: 'not_found' });
  });

  it('reveals credentials to read_credentials holders only, writing operators’ reveals to the audit log', async () => {
    const revealed = await client.connections.reveal.mutate({ integration: 'crm', connectionId: 'alpha-1' });
    expect(revealed).toMatchObject({
      access_token: 'secret-token-alpha-1',
      refresh_token: 'refresh-alpha-1',
    });

    const byAdmin = await admin.mutate<Record<string, unknown>>('connections.reveal', {
      integration: 'crm',
      connectionId: 'alpha-2',
    });
    expect(byAdmin.data).toMatchObject({ access_token: 'secret-token-alpha-2' });
    const audit = await admin.query<{ items: Array<Record<string, unknown>> }>('audit.list', {
      action: 'connection.reveal',
    });
    // The secret key's reveal is not an operator action; the admin's is, without the secret.
    expect(audit.data!.items).toHaveLength(1);
    expect(audit.data!.items[0]).toMatchObject({
      action: 'connection.reveal',
      actorEmail: ADMIN_ENV.LATCHKEY_ADMIN_EMAIL,
      environment: 'dev',
      targetType: 'connection',
      targetId: 'crm/alpha-2',
    });
    expect(JSON.stringify(audit.data)).not.toContain('secret-token');

    // Support reads connections but never their secrets.
    const invitation = await admin.mutate<{ url: string }>('operators.invite', {
      email: 'support@example.com',
      role: 'support',
    });
    const support = appDashboardClient(t.latchkey.app);
    const token = new URL(invitation.data!.url).searchParams.get('token');
    await support.mutate('auth.acceptInvitation', { token, password: 'support password' });
    const list = await support.query<{ items: unknown[] }>('connections.list', { first: 10 });
    expect(list.status).toBe(200);
    const summary = await support.query('connections.summary', {
      integration: 'crm',
      connectionId: 'alpha-1',
    });
    expect(summary.status).toBe(200);
    const refused = await support.mutate('connections.reveal', {
      integration: 'crm',
      connectionId: 'alpha-1',
    });
    expect(refused.error).toMatchObject({ httpStatus: 403, errorCode: 'forbidden' });
  });

  it('audits operator refreshes, metadata writes and deletes', async () => {
    await admin.mutate('connections.updateMetadata', {
      connection_id: 'alpha-1',
      provider_config_key: 'crm',
      metadata: { plan: 'pro' },
    });
    await admin.mutate('connections.delete', { connectionId: '100%', providerConfigKey: 'crm' });
    const audit = await admin.query<{ items: Array<{ action: string; targetId: string }> }>('audit.list', {
      action: 'connection',
    });
    const actions = audit.data!.items.map((entry) => [entry.action, entry.targetId]);
    expect(actions).toContainEqual(['connection.metadata_update', 'crm/alpha-1']);
    expect(actions).toContainEqual(['connection.delete', 'crm/100%']);
  });
});
