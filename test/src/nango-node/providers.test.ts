/** The provider catalog through `@nangohq/node`: `listProviders` with its search and `getProvider`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../server/test/support/test-database';
import { type SdkFixture, sdkRejection, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

describe.each(databaseKinds())('@nangohq/node providers (%s)', (kind) => {
  let f: SdkFixture;
  beforeAll(async () => {
    f = await startSdkFixture(kind);
  });
  afterAll(() => f?.[Symbol.asyncDispose]());

  it('listProviders lists the catalog, with a logo URL on this server', async () => {
    const { data } = shapes.providerList.parse(await f.nango.listProviders({}));
    expect(data.length).toBeGreaterThan(100);
    const github = data.find((p) => p.name === 'github');
    expect(github).toMatchObject({
      auth_mode: 'OAUTH2',
      display_name: 'GitHub (User OAuth)',
      logo_url: `${f.h.url}/images/template-logos/github.svg`,
    });
    // The environment's custom providers are listed as well.
    expect(data.map((p) => p.name)).toContain('local-oidc');
  });

  it('listProviders searches provider keys case-insensitively', async () => {
    const { data } = shapes.providerList.parse(await f.nango.listProviders({ search: 'GITLAB' }));
    expect(data.map((p) => p.name).toSorted()).toEqual(['gitlab', 'gitlab-pat']);
    const none = shapes.providerList.parse(
      await f.nango.listProviders({ search: 'no-such-provider-anywhere' }),
    );
    expect(none.data).toEqual([]);
  });

  it('getProvider returns one entry, and 404 not_found for an unknown one', async () => {
    const { data } = shapes.providerResult.parse(await f.nango.getProvider({ provider: 'slack' }));
    expect(data).toMatchObject({ name: 'slack', auth_mode: 'OAUTH2', docs: expect.any(String) });
    const logo = await fetch(data.logo_url);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toContain('image/svg+xml');
    await logo.arrayBuffer();

    const unknown = await sdkRejection(f.nango.getProvider({ provider: 'nope-nope' }));
    expect(unknown.status).toBe(404);
    expect(unknown.data.error.code).toBe('not_found');
  });
});
