/**
 * Auth events for webhook and event tests, made the way the product makes them: `connections.save` writes the
 * connection and its `creation` (first save) or `override` (later saves) event in one transaction, then publishes.
 */
import type { SavedConnection } from '../../src/connections/connection.service';
import type { Latchkey } from '../../src/latchkey';
import type { TestLatchkey } from './test-latchkey';

export interface EventIntegration {
  environmentId: string;
  integrationId: string;
  key: string;
}

/** A GitHub integration (`POST /integrations`), in dev unless another environment's secret key is given. */
export async function createEventIntegration(
  t: TestLatchkey,
  key = 'hooks',
  secretKey?: string,
): Promise<EventIntegration> {
  const response = await t.request('/integrations', {
    method: 'POST',
    json: { unique_key: key, provider: 'github' },
    ...(secretKey === undefined ? {} : { key: secretKey }),
  });
  if (response.status !== 200) throw new Error(`integration creation failed: ${await response.text()}`);
  const environment = (await (
    await t.request('/environment', secretKey ? { key: secretKey } : {})
  ).json()) as {
    data: { name: string };
  };
  const row = await t.database.db
    .selectFrom('integrations')
    .innerJoin('environments', 'environments.id', 'integrations.environment_id')
    .select(['integrations.id', 'integrations.environment_id'])
    .where('unique_key', '=', key)
    .where('environments.name', '=', environment.data.name)
    .executeTakeFirstOrThrow();
  return { environmentId: row.environment_id, integrationId: row.id, key };
}

export function saveConnection(
  latchkey: Latchkey,
  integration: EventIntegration,
  connectionId: string,
): Promise<SavedConnection> {
  return latchkey.services.connections.save({
    environmentId: integration.environmentId,
    providerConfigKey: integration.key,
    integrationId: integration.integrationId,
    connectionId,
    provider: 'github',
    credentials: { type: 'OAUTH2', access_token: `token-${connectionId}-${Date.now()}`, raw: {} },
    expiresAt: null,
    connectionConfig: {},
    scopes: [],
    endUser: { id: `user-${connectionId}`, email: `${connectionId}@example.com` },
    tags: { team: 'qa' },
  });
}
