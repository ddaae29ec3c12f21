/** The service layer, assembled once per process. Transports receive this object and nothing else of the core. */
import type { Catalog } from '@latchkey/providers';
import { type ApiKeyService, createApiKeyService } from './api-keys/api-key.service';
import { createEnvironmentService, type EnvironmentService } from './environments/environment.service';
import { integrationUsesProvider } from './integrations/integration.repository';
import { createIntegrationService, type IntegrationService } from './integrations/integration.service';
import type { Vault } from './platform/crypto/vault';
import type { Db } from './platform/database/database';
import { createProviderService, type ProviderService } from './providers/provider.service';

export interface Services {
  apiKeys: ApiKeyService;
  environments: EnvironmentService;
  providers: ProviderService;
  integrations: IntegrationService;
}

export interface ServiceDeps {
  db: Db;
  vault: Vault;
  catalog: Catalog;
  publicUrl: string;
  allowPrivateUrls: boolean;
}

export function createServices(deps: ServiceDeps): Services {
  const { db, vault } = deps;
  const apiKeys = createApiKeyService({ db });
  const environments = createEnvironmentService({ db, vault, apiKeys });
  const providers = createProviderService({
    db,
    catalog: deps.catalog,
    publicUrl: deps.publicUrl,
    allowPrivateUrls: deps.allowPrivateUrls,
    isProviderInUse: (environmentId, name) => integrationUsesProvider(db, environmentId, name),
  });
  const integrations = createIntegrationService({ db, vault, providers, publicUrl: deps.publicUrl });
  return { apiKeys, environments, providers, integrations };
}
