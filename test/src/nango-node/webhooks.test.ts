/**
 * Latchkey's auth webhooks checked by the real SDK: `verifyIncomingWebhookRequest` (HMAC-SHA256 over the raw body with
 * the environment's signing key) and the deprecated `verifyWebhookSignature`, on webhooks a real OAuth flow and a real
 * failed refresh produced; the bodies match the SDK's `NangoAuthWebhookBody` type.
 */
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { patchEnvironment } from '../../../server/test/support/public-key-flows';
import { databaseKinds } from '../../../server/test/support/test-database';
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../server/test/support/webhook-receiver';
import { tracked } from './coverage';
import { KEYS, type SdkFixture, sdkRejection, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

const WAIT = { timeout: 20_000, interval: 50 };

describe.each(databaseKinds())('@nangohq/node webhook verification (%s)', (kind) => {
  let f: SdkFixture;
  let receiver: WebhookReceiver;
  let signingKey = '';
  let verifier: Nango;

  const webhookFor = async (connectionId: string, operation: string): Promise<ReceivedWebhook> => {
    let found: ReceivedWebhook | undefined;
    await vi.waitFor(() => {
      found = receiver.requests.find((request) => {
        const body = JSON.parse(request.body) as { connectionId?: string; operation?: string };
        return body.connectionId === connectionId && body.operation === operation;
      });
      expect(found).toBeDefined();
    }, WAIT);
    return found as ReceivedWebhook;
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    f = await startSdkFixture(kind, { env: { LATCHKEY_PROACTIVE_REFRESH: 'off' } });
    const settings = await f.h.api('/environment/webhook', {
      method: 'PATCH',
      json: { primary_url: `${receiver.url}/hooks`, on_auth_creation: true, on_auth_refresh_error: true },
    });
    expect(settings.status, await settings.clone().text()).toBe(200);
    const environment = await f.h.api('/environment?include=webhook_signing_key');
    signingKey = ((await environment.json()) as { data: { webhook_signing_key: string } }).data
      .webhook_signing_key;
    verifier = tracked(new Nango({ host: f.h.url, apiKey: f.h.t.secretKey, webhookSigningKey: signingKey }));
  });
  afterAll(async () => {
    await f?.[Symbol.asyncDispose]();
    await receiver?.close();
  });

  it('verifies the creation webhook of a real OAuth connection', async () => {
    const connectionId = await f.connectOAuth2('hooked-user');
    const webhook = await webhookFor(connectionId, 'creation');
    expect(verifier.verifyIncomingWebhookRequest(webhook.body, webhook.headers)).toBe(true);
    const body = shapes.authWebhook.parse(JSON.parse(webhook.body));
    expect(body).toMatchObject({
      from: 'nango',
      type: 'auth',
      connectionId,
      providerConfigKey: KEYS.oauth2,
      provider: 'local-oidc',
      authMode: 'OAUTH2',
      environment: 'dev',
      operation: 'creation',
      success: true,
      endUser: { endUserId: 'hooked-user' },
    });
    // No secret travels in a webhook.
    const token = await f.nango.getToken(KEYS.oauth2, connectionId);
    expect(webhook.body).not.toContain(String(token));
    expect(webhook.body).not.toContain(signingKey);
  });

  it('rejects a tampered body, a wrong key, a missing header, and a client without a signing key', async () => {
    const connectionId = await f.connectApiKey('hooked-api');
    const webhook = await webhookFor(connectionId, 'creation');
    expect(
      verifier.verifyIncomingWebhookRequest(
        webhook.body.replace('hooked-api', 'hooked-apx'),
        webhook.headers,
      ),
    ).toBe(false);
    const wrongKey = tracked(
      new Nango({ host: f.h.url, apiKey: f.h.t.secretKey, webhookSigningKey: 'not-the-key' }),
    );
    expect(wrongKey.verifyIncomingWebhookRequest(webhook.body, webhook.headers)).toBe(false);
    const { 'x-nango-hmac-sha256': _removed, ...unsigned } = webhook.headers;
    expect(verifier.verifyIncomingWebhookRequest(webhook.body, unsigned)).toBe(false);
    // The SDK never signs with the API key: without webhookSigningKey it cannot verify.
    expect(f.nango.verifyIncomingWebhookRequest(webhook.body, webhook.headers)).toBe(false);
  });

  it('sends the legacy X-Nango-Signature that the deprecated verifyWebhookSignature checks, when opted in', async () => {
    const unsigned = await webhookFor(await f.connectApiKey('hooked-default'), 'creation');
    expect(unsigned.headers).not.toHaveProperty('x-nango-signature');

    await patchEnvironment(f.h.api, { legacy_webhook_signature: true });
    const silenced = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const connectionId = await f.connectBasic('hooked-basic');
      const webhook = await webhookFor(connectionId, 'creation');
      const signature = webhook.headers['x-nango-signature'] ?? '';
      const payload: unknown = JSON.parse(webhook.body);
      expect(verifier.verifyWebhookSignature(signature, payload)).toBe(true);
      expect(verifier.verifyWebhookSignature(signature, { ...(payload as object), success: false })).toBe(
        false,
      );
    } finally {
      silenced.mockRestore();
      await patchEnvironment(f.h.api, { legacy_webhook_signature: false });
    }
  });

  it('verifies the failure webhook of a refresh the authorization server refuses', async () => {
    const connectionId = await f.connectOAuth2('revoked-user');
    await f.h.oidc.revokeAll();
    const refused = await sdkRejection(f.nango.getConnection(KEYS.oauth2, connectionId, true));
    expect(refused.status).toBe(400);
    expect(refused.data.error.code).toBe('invalid_credentials');
    const webhook = await webhookFor(connectionId, 'refresh');
    expect(verifier.verifyIncomingWebhookRequest(webhook.body, webhook.headers)).toBe(true);
    const body = shapes.authWebhook.parse(JSON.parse(webhook.body));
    expect(body).toMatchObject({ operation: 'refresh', success: false, error: { type: expect.any(String) } });
  });
});
