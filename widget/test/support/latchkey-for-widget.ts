/**
 * A real Latchkey for the component tests, on a loopback port: the harness's local OAuth server and integration
 * (`local`), API-key and basic integrations verified against a real local API, SIGNATURE (WSSE) and JWT (Ghost-like)
 * integrations verified by simulated APIs that check every digest and token, and an OAuth integration that asks for
 * a subdomain first. Started by `global-setup.ts`; tests reach it with `latchkey-client.ts`.
 */
import { type FlowHarness, startFlowHarness } from '../../../server/test/support/flow-harness';
import {
  type SimulatedJwtApis,
  startSimulatedJwtApis,
} from '../../../server/test/support/simulated-providers/jwt';
import {
  type SimulatedWsseApi,
  startSimulatedWsseApi,
} from '../../../server/test/support/simulated-providers/signature';
import {
  startVerificationServer,
  type VerificationServer,
} from '../../../server/test/support/verification-server';

import { BASIC_USER, CMS_KEY, GOOD_API_KEY, SUBDOMAIN_PATTERN, WSSE_USER } from './fixtures';

export interface WidgetLatchkey extends AsyncDisposable {
  h: FlowHarness;
  url: string;
}

/** Runs in the global setup (Node). */
export async function startWidgetLatchkey(): Promise<WidgetLatchkey> {
  const h = await startFlowHarness('pglite');
  let verifier: VerificationServer | undefined;
  let wsse: SimulatedWsseApi | undefined;
  let jwt: SimulatedJwtApis | undefined;
  const close = async () => {
    await verifier?.close();
    await wsse?.close();
    await jwt?.close();
    await h[Symbol.asyncDispose]();
  };
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
    // Listed before the OAuth one below (by creation, then key): the keyboard test expects Tenant OAuth last.
    wsse = await startSimulatedWsseApi({ users: [WSSE_USER] });
    await h.registerProvider({ ...wsse.entry('sim-wsse'), display_name: 'WSSE Marketing' });
    await h.createIntegration({ unique_key: 'mkt-wsse', provider: 'sim-wsse' });
    jwt = await startSimulatedJwtApis({ cmsKeys: [CMS_KEY], storeKeys: [] });
    await h.registerProvider({ ...jwt.cmsEntry('sim-cms'), display_name: 'CMS Admin' });
    await h.createIntegration({ unique_key: 'cms', provider: 'sim-cms' });
    await h.createIntegration({ unique_key: 'acme', provider: 'acme-api' });
    await h.createIntegration({ unique_key: 'crm-basic', provider: 'basic-crm' });
    await h.createIntegration({
      unique_key: 'tenant',
      provider: 'tenant-oauth',
      credentials: { type: 'OAUTH2', client_id: 'tenant-client', client_secret: 'tenant-secret' },
    });
  } catch (error) {
    await close();
    throw error;
  }

  return {
    h,
    url: h.url,
    [Symbol.asyncDispose]: close,
  };
}
