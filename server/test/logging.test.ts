import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

describe('logs', () => {
  let t: TestLatchkey;
  beforeAll(async () => {
    t = await createTestLatchkey('pglite');
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('never contain a secret key, client secret or query token, even on failures', async () => {
    const canaries = ['client-secret-canary-31f', 'webhook-canary-8aa', 'query-token-canary-77b'];
    await t.request('/integrations', {
      method: 'POST',
      json: {
        unique_key: 'gh',
        provider: 'github',
        credentials: {
          type: 'OAUTH2',
          client_id: 'i',
          client_secret: canaries[0],
          webhook_secret: canaries[1],
        },
      },
    });
    await t.request(`/integrations/gh?include=credentials&token=${canaries[2]}`);
    await t.request(`/integrations?connect_session_token=${canaries[2]}`);
    await t.request('/integrations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"client_secret":"${canaries[0]}"`,
    });
    await t.request('/integrations', { key: `${t.secretKey}x` });
    t.latchkey.app.request('/integrations', {
      headers: { authorization: `Bearer ${t.secretKey}`, cookie: `s=${canaries[2]}` },
    });

    const logs = t.logs.join('');
    expect(logs).toContain('"path":"/integrations/gh"');
    expect(logs).toContain('"status":400');
    for (const secret of [...canaries, t.secretKey]) expect(logs).not.toContain(secret);
  });
});
