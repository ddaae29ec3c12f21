/**
 * A real Latchkey for the component tests, on a loopback port: the harness's local OAuth server and integration
 * (`local`), API-key and basic integrations verified against a real local API, and an OAuth integration that asks
 * for a subdomain first. Started by `global-setup.ts`; tests reach it with `latchkey-client.ts`.
 */
import { type FlowHarness, startFlowHarness } from '../../../server/test/support/flow-harness';
import {
  startVerificationServer,
  type VerificationServer,
} from '../../../server/test/support/verification-server';

import { BASIC_USER, GOOD_API_KEY, SUBDOMAIN_PATTERN } from './fixtures';

export interface WidgetLatchkey extends AsyncDisposable {
  h: FlowHarness;
  url: string;
}

/** Runs in the global setup (Node). */
export async function startWidgetLatchkey(): Promise<WidgetLatchkey> {
  const h = await startFlowHarness('pglite');
  let verifier: VerificationServer | undefined;
  try {
    verifier = await startVerificationServer({ apiKeys: [GOOD_API_KEY], basic: [BASIC_USER] });
    await h.registerProvider({
      ...verifier.apiKeyProvider('acme-api'),
      display_name: 'Acme API',
      categories: ['dev-tools'],
      docs_connect: 'https://example.com/docs/acme/connect',
    });
    await h.registerProvider({
      ...verifier.basicProvider('basic-crm'),
      display_name: 'Basic CRM',
      categories: ['crm'],
    });
    await h.registerProvider({
      name: 'tenant-oauth',
      display_name: 'Tenant OAuth',
      auth_mode: 'OAUTH2',
      docs: 'https://example.com/docs',
      categories: ['crm'],
      authorization_url: 'https://${connectionConfig.subdomain}.example.com/oauth/authorize',
      token_url: 'https://${connectionConfig.subdomain}.example.com/oauth/token',
      connection_config: {
        subdomain: {
          type: 'string',
          title: 'Subdomain',
          description: 'The first part of your workspace address',
          pattern: SUBDOMAIN_PATTERN,
          example: 'acme',
        },
      },
    });
    await h.createIntegration({ unique_key: 'acme', provider: 'acme-api' });
    await h.createIntegration({ unique_key: 'crm-basic', provider: 'basic-crm' });
    await h.createIntegration({
      unique_key: 'tenant',
      provider: 'tenant-oauth',
      credentials: { type: 'OAUTH2', client_id: 'tenant-client', client_secret: 'tenant-secret' },
    });
  } catch (error) {
    await verifier?.close();
    await h[Symbol.asyncDispose]();
    throw error;
  }

  return {
    h,
    url: h.url,
    async [Symbol.asyncDispose]() {
      await verifier?.close();
      await h[Symbol.asyncDispose]();
    },
  };
}
