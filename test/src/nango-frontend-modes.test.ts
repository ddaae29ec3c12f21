/**
 * The real `@nangohq/frontend` in Node against Latchkey's one-request auth modes: `auth(key, {credentials})` posts to
 * the mode's endpoint over fetch (no popup, no socket), each against its simulated provider.
 */
import { createHmac } from 'node:crypto';
import Nango, { AuthError } from '@nangohq/frontend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowHarness, startFlowHarness } from '../../server/test/support/flow-harness';
import { enablePublicKeyFlows } from '../../server/test/support/public-key-flows';
import {
  type SimulatedClientCredentials,
  startSimulatedClientCredentials,
} from '../../server/test/support/simulated-providers/oauth2-cc';
import { databaseKinds } from '../../server/test/support/test-database';

const DOCS = 'https://example.com/docs';

describe.each(databaseKinds())('@nangohq/frontend direct auth modes against Latchkey (%s)', (kind) => {
  let h: FlowHarness;
  let sim: SimulatedClientCredentials;

  beforeAll(async () => {
    h = await startFlowHarness(kind, { env: { LATCHKEY_PROACTIVE_REFRESH: 'off' } });
    sim = await startSimulatedClientCredentials();
    const entry = (name: string, tokenUrl: string, method: string) => ({
      name,
      display_name: name,
      docs: DOCS,
      auth_mode: 'OAUTH2_CC',
      token_url: tokenUrl,
      token_request_auth_method: method,
      token_params: { grant_type: 'client_credentials' },
      proxy: { base_url: sim.url },
    });
    await h.registerProvider(entry('sdk-cc-basic', sim.tokenUrl('basic', 'form'), 'basic'));
    await h.registerProvider(entry('sdk-cc-jwt', sim.tokenUrl('jwt', 'form'), 'private_key_jwt'));
    await h.createIntegration({ unique_key: 'cc', provider: 'sdk-cc-basic' });
    await h.createIntegration({ unique_key: 'cc-jwt', provider: 'sdk-cc-jwt' });
  });
  afterAll(async () => {
    await sim?.close();
    await h?.[Symbol.asyncDispose]();
  });

  async function stored(key: string, connectionId: string): Promise<Record<string, unknown>> {
    const response = await h.api(
      `/connections/${encodeURIComponent(connectionId)}?provider_config_key=${key}`,
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { credentials: Record<string, unknown> }).credentials;
  }

  describe('OAUTH2_CC', () => {
    it('auth() with client_id and client_secret posts to /oauth2/auth, and the connection holds the token', async () => {
      const nango = new Nango({ host: h.url, connectSessionToken: await h.createSession() });
      const issued = sim.issued;
      const result = await nango.auth('cc', {
        credentials: { client_id: sim.client.clientId, client_secret: sim.client.clientSecret },
      });
      expect(result).toEqual({ providerConfigKey: 'cc', connectionId: expect.any(String) });
      expect(sim.issued).toBe(issued + 1);
      expect(sim.tokenRequests.at(-1)).toMatchObject({ path: '/tokens/basic-form', status: 200 });
      expect(await stored('cc', result.connectionId)).toMatchObject({
        type: 'OAUTH2_CC',
        token: sim.currentToken,
        client_id: sim.client.clientId,
        client_secret: sim.client.clientSecret,
      });
    });

    it('auth() with a public key, a connection id and its HMAC, and with a private JWK for private_key_jwt', async () => {
      await using flows = await enablePublicKeyFlows(h.api, { hmac: true });
      const nango = new Nango({ host: h.url, publicKey: flows.publicKey });
      const result = await nango.auth('cc-jwt', 'sdk-cc-conn-1', {
        credentials: { client_id: sim.client.clientId, client_private_key: sim.client.privateJwk },
        hmac: createHmac('sha256', flows.hmacKey).update('cc-jwt:sdk-cc-conn-1').digest('hex'),
      });
      expect(result).toEqual({ providerConfigKey: 'cc-jwt', connectionId: 'sdk-cc-conn-1' });
      expect(sim.tokenRequests.at(-1)).toMatchObject({
        path: '/tokens/jwt-form',
        status: 200,
        problem: undefined,
      });
      expect(await stored('cc-jwt', 'sdk-cc-conn-1')).toMatchObject({
        token: sim.currentToken,
        client_secret: '',
        client_private_key: sim.client.privateJwk,
      });
    });

    it('rejects auth() with the server error code when the provider refuses the client', async () => {
      const nango = new Nango({ host: h.url, connectSessionToken: await h.createSession() });
      const error = await nango
        .auth('cc', { credentials: { client_id: sim.client.clientId, client_secret: 'wrong' } })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).type).toBe('token_exchange_failed');
    });
  });
});
