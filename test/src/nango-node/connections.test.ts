/**
 * The connections part of `@nangohq/node`: `getConnection`, `listConnections` in its legacy (positional) and current
 * (object) forms, `waitForConnection`, `patchConnection` and `deleteConnection`, against connections made by real flows.
 */
import type { GetPublicConnections, Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../server/test/support/test-database';
import { KEYS, type SdkFixture, sdkRejection, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

type ConnectionList = Awaited<ReturnType<Nango['listConnections']>>;

/** The SDK's object-form overload, called with exactly the parameters it declares. */
function listWithObject(nango: Nango, params: Parameters<typeof nango.listConnections>[0] & object) {
  return nango.listConnections(params);
}

describe.each(databaseKinds())('@nangohq/node connections (%s)', (kind) => {
  let f: SdkFixture;
  let alice = '';
  let aliceKey = '';
  let bob = '';

  const idsOf = (list: ConnectionList) => list.connections.map((c) => c.connection_id).toSorted();
  /** The legacy positional form of listConnections. */
  const list = async (
    connectionId?: string,
    search?: string,
    queries?: Omit<GetPublicConnections['Querystring'], 'connectionId' | 'search'>,
  ) => shapes.connectionList.parse(await f.nango.listConnections(connectionId, search, queries));
  /** The current object form. */
  const listBy = async (params: Parameters<typeof listWithObject>[1]) =>
    shapes.connectionList.parse(await listWithObject(f.nango, params));

  beforeAll(async () => {
    f = await startSdkFixture(kind);
    alice = await f.connectOAuth2('alice');
    aliceKey = await f.connectApiKey('alice');
    // Bob's session carries an organization, which becomes tags and the end user's organization.
    const token = await f.h.createSession({
      end_user: { id: 'bob', email: 'bob@example.com', display_name: 'Bob' },
      organization: { id: 'org-42', display_name: 'Acme' },
    });
    const callback = await f.h.authorize(KEYS.oauth2, `connect_session_token=${token}`);
    bob = ((await (await f.h.complete(callback)).json()) as { connectionId: string }).connectionId;
  });
  afterAll(() => f?.[Symbol.asyncDispose]());

  it('getConnection returns the full connection in the shape and timestamp format the SDK types', async () => {
    const connection = shapes.connectionFull.parse(await f.nango.getConnection(KEYS.oauth2, bob));
    expect(connection).toMatchObject({
      connection_id: bob,
      provider_config_key: KEYS.oauth2,
      provider: 'local-oidc',
      errors: [],
      metadata: null,
      connection_config: {},
      webhook_url_override: null,
      end_user: {
        id: 'bob',
        email: 'bob@example.com',
        display_name: 'Bob',
        organization: { id: 'org-42', display_name: 'Acme' },
      },
      tags: expect.objectContaining({ end_user_id: 'bob', organization_id: 'org-42' }),
    });
    // Every read is recorded: the next read shows when the last one happened.
    const again = shapes.connectionFull.parse(await f.nango.getConnection(KEYS.oauth2, bob));
    expect(Date.parse(again.last_fetched_at ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('getConnection rejects an unknown connection (404 not_found) and an unknown integration (400)', async () => {
    const missing = await sdkRejection(f.nango.getConnection(KEYS.oauth2, 'no-such-connection'));
    expect(missing.status).toBe(404);
    expect(missing.data.error.code).toBe('not_found');
    const unknownKey = await sdkRejection(f.nango.getConnection('no-such-integration', bob));
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.data.error.code).toBe('unknown_provider_config');
  });

  it('listConnections (legacy form) lists all, or filters by connection id, search and end user', async () => {
    expect(idsOf(await list())).toEqual([alice, aliceKey, bob].toSorted());
    expect(idsOf(await list(bob))).toEqual([bob]);
    expect(idsOf(await list(undefined, 'bob@example'))).toEqual([bob]);
    expect(idsOf(await list(undefined, undefined, { endUserId: 'alice' }))).toEqual(
      [alice, aliceKey].toSorted(),
    );
    expect(idsOf(await list(undefined, undefined, { endUserOrganizationId: 'org-42' }))).toEqual([bob]);
    const limited = await list(undefined, undefined, { limit: 1 });
    expect(limited.connections).toHaveLength(1);
    const secondPage = await list(undefined, undefined, { limit: 1, page: 1 });
    expect(secondPage.connections).toHaveLength(1);
    expect(secondPage.connections[0]?.connection_id).not.toBe(limited.connections[0]?.connection_id);
  });

  it('listConnections (object form) filters by user, integrations, tags and limit', async () => {
    expect(idsOf(await listBy({ userId: 'alice' }))).toEqual([alice, aliceKey].toSorted());
    expect(idsOf(await listBy({ connectionId: alice }))).toEqual([alice]);
    expect(idsOf(await listBy({ integrationId: KEYS.apiKey }))).toEqual([aliceKey]);
    expect(idsOf(await listBy({ integrationId: [KEYS.apiKey, KEYS.oauth2] }))).toEqual(
      [alice, aliceKey, bob].toSorted(),
    );
    // Tag keys are lower-cased by the SDK; `email` and `displayName` are its aliases of the end-user tags.
    expect(idsOf(await listBy({ tags: { Organization_Id: 'org-42' } }))).toEqual([bob]);
    expect(idsOf(await listBy({ tags: { email: 'bob@example.com', displayName: 'Bob' } }))).toEqual([bob]);
    expect(idsOf(await listBy({ tags: { organization_id: 'org-42', end_user_id: 'alice' } }))).toEqual([]);
    expect((await listBy({ limit: 2 })).connections).toHaveLength(2);
    const item = (await listBy({ connectionId: bob })).connections[0];
    expect(item).toMatchObject({ provider: 'local-oidc', provider_config_key: KEYS.oauth2, metadata: null });
  });

  it('waitForConnection resolves with the end user’s connection to the integration', async () => {
    const found = shapes.connectionListItem.parse(await f.nango.waitForConnection(KEYS.apiKey, 'alice'));
    expect(found.connection_id).toBe(aliceKey);
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      f.nango.waitForConnection(KEYS.apiKey, 'nobody', { signal: aborted.signal }),
    ).rejects.toThrow('aborted');
  });

  it('patchConnection updates the end user and tags', async () => {
    const result = shapes.patchConnectionResult.parse(
      await f.nango.patchConnection(
        { connectionId: alice, provider_config_key: KEYS.oauth2 },
        {
          end_user: { id: 'alice', email: 'alice@new.example.com', display_name: 'Alice' },
          tags: { plan: 'pro' },
        },
      ),
    );
    expect(result).toEqual({ success: true });
    const connection = shapes.connectionFull.parse(await f.nango.getConnection(KEYS.oauth2, alice));
    expect(connection.end_user).toMatchObject({
      id: 'alice',
      email: 'alice@new.example.com',
      display_name: 'Alice',
    });
    expect(connection.tags).toMatchObject({ plan: 'pro' });
    expect(idsOf(await listBy({ tags: { plan: 'pro' } }))).toEqual([alice]);

    const unknown = await sdkRejection(
      f.nango.patchConnection(
        { connectionId: 'nope', provider_config_key: KEYS.oauth2 },
        { tags: { a: 'b' } },
      ),
    );
    expect(unknown.status).toBe(404);
  });

  it('deleteConnection deletes, and answers 400 unknown_connection the second time', async () => {
    const doomed = await f.connectBasic('carol');
    const response = await f.nango.deleteConnection(KEYS.basic, doomed);
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ success: true });
    expect(idsOf(await listBy({ userId: 'carol' }))).toEqual([]);
    const again = await sdkRejection(f.nango.deleteConnection(KEYS.basic, doomed));
    expect(again.status).toBe(400);
    expect(again.data.error.code).toBe('unknown_connection');
  });
});
