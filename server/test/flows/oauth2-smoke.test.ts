import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';

describe('oauth2 smoke', () => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await startFlowHarness('pglite');
  });
  afterAll(() => h[Symbol.asyncDispose]());

  it('connects through the local authorization server', async () => {
    const token = await h.createSession();
    const callback = await h.authorize('local', `connect_session_token=${token}`);
    expect(callback.pathname).toBe('/oauth/callback');
    const response = await h.complete(callback);
    const body = (await response.json()) as { connectionId: string; providerConfigKey: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    const connection = await h.api(`/connections/${body.connectionId}?provider_config_key=local`);
    const data = (await connection.json()) as { credentials: Record<string, unknown> };
    expect(data.credentials.type).toBe('OAUTH2');
    expect(typeof data.credentials.access_token).toBe('string');
    expect(data.credentials).not.toHaveProperty('refresh_token');
  });
});
