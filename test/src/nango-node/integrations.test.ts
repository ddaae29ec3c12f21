/**
 * Integrations through `@nangohq/node`: list, get with `include` (and the SDK's array quirk), create, update,
 * delete; an integration created through the SDK then serves a real OAuth flow.
 */
import type { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET } from '../../../server/test/support/flow-harness';
import { databaseKinds } from '../../../server/test/support/test-database';
import { type SdkFixture, sdkRejection, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

type Integration = Awaited<ReturnType<Nango['getIntegration']>>['data'];

describe.each(databaseKinds())('@nangohq/node integrations (%s)', (kind) => {
  let f: SdkFixture;
  beforeAll(async () => {
    f = await startSdkFixture(kind);
  });
  afterAll(() => f?.[Symbol.asyncDispose]());

  it('createIntegration creates one with OAuth credentials, and the SDK can read it back', async () => {
    const created = shapes.integrationResult.parse(
      await f.nango.createIntegration({
        unique_key: 'sdk-made',
        provider: 'local-oidc',
        display_name: 'Made by the SDK',
        credentials: {
          type: 'OAUTH2',
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          scopes: 'openid,read',
        },
      }),
    );
    expect(created.data).toMatchObject({
      unique_key: 'sdk-made',
      provider: 'local-oidc',
      display_name: 'Made by the SDK',
      forward_webhooks: true,
    });
    // Credentials only when asked for.
    expect(created.data.credentials).toBeUndefined();

    const read: Integration = shapes.integrationResult.parse(
      await f.nango.getIntegration({ uniqueKey: 'sdk-made' }, { include: ['credentials'] }),
    ).data;
    expect(read.credentials).toEqual({
      type: 'OAUTH2',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scopes: 'openid,read',
      webhook_secret: null,
    });

    // It really works: a user connects through it.
    const connectionId = await f.connectOAuth2('sdk-user', 'sdk-made');
    expect(typeof (await f.nango.getToken('sdk-made', connectionId))).toBe('string');
  });

  it('getIntegration includes the webhook URL, and sends only the last include of an array (SDK quirk)', async () => {
    const webhook = shapes.integrationResult.parse(
      await f.nango.getIntegration({ uniqueKey: 'local' }, { include: ['webhook'] }),
    ).data;
    expect(webhook).toHaveProperty('webhook_url');
    expect(webhook).not.toHaveProperty('credentials');
    const both = shapes.integrationResult.parse(
      await f.nango.getIntegration({ uniqueKey: 'local' }, { include: ['webhook', 'credentials'] }),
    ).data;
    expect(both.credentials).toMatchObject({ type: 'OAUTH2', client_id: CLIENT_ID });
    const plain = shapes.integrationResult.parse(await f.nango.getIntegration({ uniqueKey: 'local' })).data;
    expect(plain).not.toHaveProperty('credentials');
    expect(plain).not.toHaveProperty('webhook_url');
  });

  it('listIntegrations returns them under `configs`', async () => {
    const { configs } = shapes.integrationList.parse(await f.nango.listIntegrations());
    expect(configs.map((i) => i.unique_key)).toEqual(
      expect.arrayContaining(['local', 'apikey', 'basic', 'cc']),
    );
    expect(configs.find((i) => i.unique_key === 'apikey')).toMatchObject({
      provider: 'verified-api',
      logo: expect.stringContaining('/images/template-logos/'),
    });
  });

  it('updateIntegration changes the display name, credentials and webhook forwarding', async () => {
    await f.nango.createIntegration({ unique_key: 'to-update', provider: 'local-oidc' });
    const updated = shapes.integrationResult.parse(
      await f.nango.updateIntegration(
        { uniqueKey: 'to-update' },
        {
          display_name: 'Renamed',
          forward_webhooks: false,
          credentials: { type: 'OAUTH2', client_id: 'new-id', client_secret: 'new-secret', scopes: 'read' },
        },
      ),
    ).data;
    expect(updated).toMatchObject({
      unique_key: 'to-update',
      display_name: 'Renamed',
      forward_webhooks: false,
    });
    const read = shapes.integrationResult.parse(
      await f.nango.getIntegration({ uniqueKey: 'to-update' }, { include: ['credentials'] }),
    ).data;
    expect(read.credentials).toMatchObject({
      client_id: 'new-id',
      client_secret: 'new-secret',
      scopes: 'read',
    });
  });

  it('deleteIntegration deletes it (200 {success:true}); reading it then is a 404', async () => {
    await f.nango.createIntegration({ unique_key: 'to-delete', provider: 'local-oidc' });
    const response = await f.nango.deleteIntegration('to-delete');
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ success: true });
    const gone = await sdkRejection(f.nango.getIntegration({ uniqueKey: 'to-delete' }));
    expect(gone.status).toBe(404);
  });

  it('refuses a duplicate key and an unknown provider with a 4xx error body', async () => {
    const duplicate = await sdkRejection(
      f.nango.createIntegration({ unique_key: 'local', provider: 'local-oidc' }),
    );
    expect(duplicate.status).toBe(409);
    expect(duplicate.data.error.code).toBe('integration_already_exists');
    const unknown = await sdkRejection(
      f.nango.createIntegration({ unique_key: 'x', provider: 'no-such-provider' }),
    );
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
  });
});
