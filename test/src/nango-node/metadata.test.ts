/**
 * Connection metadata through `@nangohq/node`: `setMetadata` replaces, `updateMetadata` merges (top level only),
 * `getMetadata` reads, for one connection id or many, and one unknown id changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../server/test/support/test-database';
import { KEYS, type SdkFixture, sdkRejection, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

describe.each(databaseKinds())('@nangohq/node metadata (%s)', (kind) => {
  let f: SdkFixture;
  let first = '';
  let second = '';

  beforeAll(async () => {
    f = await startSdkFixture(kind);
    first = await f.connectApiKey('meta-1');
    second = await f.connectApiKey('meta-2');
  });
  afterAll(() => f?.[Symbol.asyncDispose]());

  it('a new connection has no metadata', async () => {
    expect(await f.nango.getMetadata(KEYS.apiKey, first)).toBeNull();
  });

  it('setMetadata replaces the whole object (201, body echoed) and getMetadata reads it back', async () => {
    const set = await f.nango.setMetadata(KEYS.apiKey, first, { plan: 'free', nested: { a: 1, b: 2 } });
    expect(set.status).toBe(201);
    expect(shapes.metadataChange.parse(set.data)).toEqual({
      connection_id: first,
      provider_config_key: KEYS.apiKey,
      metadata: { plan: 'free', nested: { a: 1, b: 2 } },
    });
    const replaced = await f.nango.setMetadata(KEYS.apiKey, first, { seats: 3 });
    expect(replaced.status).toBe(201);
    expect(await f.nango.getMetadata(KEYS.apiKey, first)).toEqual({ seats: 3 });
  });

  it('updateMetadata merges the top-level keys (200) and replaces nested objects whole', async () => {
    await f.nango.setMetadata(KEYS.apiKey, first, { plan: 'free', nested: { a: 1, b: 2 } });
    const updated = await f.nango.updateMetadata(KEYS.apiKey, first, { nested: { c: 3 }, seats: 5 });
    expect(updated.status).toBe(200);
    expect(shapes.metadataChange.parse(updated.data).metadata).toEqual({ nested: { c: 3 }, seats: 5 });
    expect(await f.nango.getMetadata<Record<string, unknown>>(KEYS.apiKey, first)).toEqual({
      plan: 'free',
      nested: { c: 3 },
      seats: 5,
    });
  });

  it('takes several connection ids at once', async () => {
    const set = await f.nango.setMetadata(KEYS.apiKey, [first, second], { team: 'blue' });
    expect(set.status).toBe(201);
    expect(shapes.metadataChange.parse(set.data).connection_id).toEqual([first, second]);
    await f.nango.updateMetadata(KEYS.apiKey, [first, second], { region: 'eu' });
    expect(await f.nango.getMetadata(KEYS.apiKey, first)).toEqual({ team: 'blue', region: 'eu' });
    expect(await f.nango.getMetadata(KEYS.apiKey, second)).toEqual({ team: 'blue', region: 'eu' });
  });

  it('an unknown id among many is 404 unknown_connection and no connection changes', async () => {
    await f.nango.setMetadata(KEYS.apiKey, [first, second], { untouched: true });
    const refused = await sdkRejection(f.nango.setMetadata(KEYS.apiKey, [first, 'ghost'], { touched: true }));
    expect(refused.status).toBe(404);
    expect(refused.data.error.code).toBe('unknown_connection');
    expect(refused.data.error.message).toContain('ghost');
    expect(refused.data.error.message).toContain('No actions were taken');
    const merge = await sdkRejection(f.nango.updateMetadata(KEYS.apiKey, ['ghost'], { touched: true }));
    expect(merge.status).toBe(404);
    expect(await f.nango.getMetadata(KEYS.apiKey, first)).toEqual({ untouched: true });
    expect(await f.nango.getMetadata(KEYS.apiKey, second)).toEqual({ untouched: true });
  });

  it('metadata shows in getConnection and listConnections too', async () => {
    await f.nango.setMetadata(KEYS.apiKey, second, { shown: 'yes' });
    const connection = shapes.connectionFull.parse(await f.nango.getConnection(KEYS.apiKey, second));
    expect(connection.metadata).toEqual({ shown: 'yes' });
    const listed = shapes.connectionList.parse(await f.nango.listConnections({ connectionId: second }));
    expect(listed.connections[0]?.metadata).toEqual({ shown: 'yes' });
  });
});
