/**
 * The methods of `@nangohq/node` that belong to Nango's sync/functions product reject with Latchkey's 404
 * `not_supported` body, which says what is missing, instead of a generic 404.
 */
import type { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../server/test/support/test-database';
import { NOT_SUPPORTED_SURFACE } from './coverage';
import { KEYS, type SdkFixture, sdkRejection, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

type Method = (typeof NOT_SUPPORTED_SURFACE)[number];

/** One call per method, with arguments the SDK accepts (so it really sends the request). */
const CALLS: Record<Method, (nango: Nango, connectionId: string) => Promise<unknown>> = {
  getProviderTemplates: (n) => n.getProviderTemplates({ provider: 'github' }),
  createQuickstartIntegration: (n) =>
    n.createQuickstartIntegration({ provider: 'github', unique_key: 'quick' }),
  listFunctions: (n) => n.listFunctions({ uniqueKey: KEYS.apiKey }),
  getFunction: (n) => n.getFunction({ uniqueKey: KEYS.apiKey, name: 'fetch-users' }),
  getFunctionCode: (n) => n.getFunctionCode({ uniqueKey: KEYS.apiKey, name: 'fetch-users' }),
  deleteFunction: (n) => n.deleteFunction({ uniqueKey: KEYS.apiKey, name: 'fetch-users' }, { type: 'sync' }),
  getScriptsConfig: (n) => n.getScriptsConfig(),
  listRecords: (n, id) => n.listRecords({ providerConfigKey: KEYS.apiKey, connectionId: id, model: 'User' }),
  pruneRecords: (n, id) =>
    n.pruneRecords({ providerConfigKey: KEYS.apiKey, connectionId: id, model: 'User', untilCursor: 'c' }),
  triggerSync: (n, id) => n.triggerSync(KEYS.apiKey, ['users'], id, { reset: true }),
  startSync: (n, id) => n.startSync(KEYS.apiKey, ['users'], id),
  pauseSync: (n, id) => n.pauseSync(KEYS.apiKey, ['users'], id),
  syncStatus: (n, id) => n.syncStatus(KEYS.apiKey, '*', id),
  updateSyncConnectionFrequency: (n, id) => n.updateSyncConnectionFrequency(KEYS.apiKey, 'users', id, '1h'),
  createSyncVariant: (n, id) =>
    n.createSyncVariant({
      provider_config_key: KEYS.apiKey,
      connection_id: id,
      name: 'users',
      variant: 'v2',
    }),
  deleteSyncVariant: (n, id) =>
    n.deleteSyncVariant({
      provider_config_key: KEYS.apiKey,
      connection_id: id,
      name: 'users',
      variant: 'v2',
    }),
  getEnvironmentVariables: (n) => n.getEnvironmentVariables(),
  triggerAction: (n, id) => n.triggerAction(KEYS.apiKey, id, 'create-user', { name: 'x' }),
  triggerActionAsync: (n, id) => n.triggerActionAsync(KEYS.apiKey, id, 'create-user'),
  getAsyncActionResult: (n) => n.getAsyncActionResult({ id: 'action-1' }),
};

describe.each(databaseKinds())('@nangohq/node sync/functions methods (%s)', (kind) => {
  let f: SdkFixture;
  let connectionId = '';
  beforeAll(async () => {
    f = await startSdkFixture(kind);
    connectionId = await f.connectApiKey();
  });
  afterAll(() => f?.[Symbol.asyncDispose]());

  it.each(NOT_SUPPORTED_SURFACE)(
    '%s rejects with 404 not_supported and says what is missing',
    async (method) => {
      const refused = await sdkRejection(CALLS[method](f.nango, connectionId));
      expect(refused.status).toBe(404);
      const body = shapes.notSupportedBody.parse(refused.data);
      expect(body.error.message.length).toBeGreaterThan(60);
    },
  );

  it('names the product in the message, e.g. records for listRecords', async () => {
    const refused = await sdkRejection(CALLS.listRecords(f.nango, connectionId));
    expect(refused.data.error.message).toBe(
      "Latchkey implements Nango's auth product; records (listRecords, pruneRecords) is part of Nango's " +
        'sync/functions product and is not available.',
    );
  });

  it('still wants the secret key, and leaves the auth routes next to them alone', async () => {
    const anonymous = await fetch(`${f.h.url}/records/?model=User`);
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
    // An integration whose key is "quickstart" is still readable: only POST /integrations/quickstart is refused.
    await f.h.createIntegration({ unique_key: 'quickstart', provider: 'local-oidc' });
    const read = await f.nango.getIntegration({ uniqueKey: 'quickstart' });
    expect(read.data.unique_key).toBe('quickstart');
    // And an unknown path is still the generic 404.
    const unknown = await f.h.api('/definitely/not/a/route');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
  });
});
