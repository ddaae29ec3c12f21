/**
 * Connect sessions made with `@nangohq/node` (`createConnectSession`, `createReconnectSession`) and spent by a real
 * OAuth flow: the session's end user lands on the connection; a reconnect session re-authorizes the same connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../server/test/support/test-database';
import { KEYS, type SdkFixture, sdkRejection, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

describe.each(databaseKinds())('@nangohq/node connect sessions (%s)', (kind) => {
  let f: SdkFixture;

  /** The user completes the OAuth flow in the popup with this session token; returns the connection id. */
  async function connectWith(token: string): Promise<{ status: number; connectionId?: string }> {
    const callback = await f.h.authorize(KEYS.oauth2, `connect_session_token=${token}`);
    const response = await f.h.complete(callback);
    return { status: response.status, ...((await response.json()) as { connectionId?: string }) };
  }

  beforeAll(async () => {
    f = await startSdkFixture(kind);
  });
  afterAll(() => f?.[Symbol.asyncDispose]());

  it('createConnectSession returns a token and link; a flow with it attaches the end user and organization', async () => {
    const created = shapes.connectSession.parse(
      await f.nango.createConnectSession({
        end_user: { id: 'cs-user', email: 'cs-user@example.com', display_name: 'CS User' },
        organization: { id: 'cs-org', display_name: 'CS Org' },
        allowed_integrations: [KEYS.oauth2],
        tags: { plan: 'enterprise' },
      }),
    );
    const { token, connect_link: link, expires_at: expiresAt } = created.data;
    expect(new URL(link).searchParams.get('session_token')).toBe(token);
    // Thirty minutes, as Nango's.
    expect(Math.abs(Date.parse(expiresAt) - Date.now() - 30 * 60_000)).toBeLessThan(60_000);

    const result = await connectWith(token);
    expect(result.status).toBe(200);
    const connection = shapes.connectionFull.parse(
      await f.nango.getConnection(KEYS.oauth2, result.connectionId ?? ''),
    );
    expect(connection.end_user).toMatchObject({
      id: 'cs-user',
      email: 'cs-user@example.com',
      organization: { id: 'cs-org', display_name: 'CS Org' },
    });
    expect(connection.tags).toMatchObject({
      plan: 'enterprise',
      end_user_id: 'cs-user',
      organization_id: 'cs-org',
    });
  });

  it('a session limited to other integrations cannot connect this one', async () => {
    const { data } = shapes.connectSession.parse(
      await f.nango.createConnectSession({
        end_user: { id: 'limited' },
        allowed_integrations: [KEYS.apiKey],
      }),
    );
    const response = await fetch(
      `${f.h.url}/api-auth/basic/${KEYS.basic}?connect_session_token=${data.token}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ada', password: 'x' }),
      },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'integration_not_allowed',
    );
  });

  it('createConnectSession refuses an unknown integration with 400 invalid_body', async () => {
    const refused = await sdkRejection(
      f.nango.createConnectSession({ end_user: { id: 'x' }, allowed_integrations: ['no-such-integration'] }),
    );
    expect(refused.status).toBe(400);
    expect(refused.data.error.code).toBe('invalid_body');
  });

  it('createReconnectSession re-authorizes the same connection with a new token', async () => {
    const connectionId = await f.connectOAuth2('reconnecting-user');
    const before = shapes.oauth2Credentials.parse(
      (await f.nango.getConnection(KEYS.oauth2, connectionId)).credentials,
    );
    const count = await f.h.countConnections();

    const { data } = shapes.reconnectSession.parse(
      await f.nango.createReconnectSession({ connection_id: connectionId, integration_id: KEYS.oauth2 }),
    );
    const result = await connectWith(data.token);
    expect(result).toEqual({ status: 200, connectionId, providerConfigKey: KEYS.oauth2 });
    expect(await f.h.countConnections()).toBe(count);
    const after = shapes.oauth2Credentials.parse(
      (await f.nango.getConnection(KEYS.oauth2, connectionId)).credentials,
    );
    expect(after.access_token).not.toBe(before.access_token);
  });

  it('createReconnectSession refuses a connection that does not exist', async () => {
    const refused = await sdkRejection(
      f.nango.createReconnectSession({ connection_id: 'ghost', integration_id: KEYS.oauth2 }),
    );
    expect(refused.status).toBe(400);
    expect(refused.data.error.code).toBe('invalid_body');
  });
});
