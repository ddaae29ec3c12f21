/**
 * What a Connect UI (ours, or Nango's speaking to us) needs to render a session: the end user and, for every
 * integration the session allows, its provider's auth mode and the form fields to ask for — connection
 * configuration (subdomain, region) and, for API key and basic, the credential fields.
 */
import type { FieldDeclaration } from '@latchkey/providers';
import type { ConnectUiTheme } from '@latchkey/schema';
import type { IntegrationService } from '../integrations/integration.service';
import type { ProviderService } from '../providers/provider.service';
import type { ConnectSession } from './connect-session.service';
import { connectSessionAuth } from './session-auth';

export interface ConnectUiIntegration {
  unique_key: string;
  provider: string;
  display_name: string;
  logo: string;
  auth_mode: string;
  categories: string[];
  docs_connect: string | null;
  connection_config: Record<string, FieldDeclaration>;
  credentials: Record<string, FieldDeclaration>;
  /** TWO_STEP entries that sign an assertion: what the end user gives for it (sent as `assertionOption`). */
  assertion_option?: Record<string, FieldDeclaration>;
}

export interface ConnectUiService {
  describeSession(session: ConnectSession): Promise<{
    endUser: ConnectSession['endUser'];
    connectUISettings: { showWatermark: boolean };
    allowed_integrations: string[] | undefined;
    integrations_config_defaults: ConnectSession['integrationsConfigDefaults'];
    isReconnecting?: true;
    integrations: ConnectUiIntegration[];
    expires_at: string;
    /** The environment's theme: the Connect UI's defaults. */
    theme: ConnectUiTheme | null;
  }>;
}

export function createConnectUiService(deps: {
  integrations: IntegrationService;
  providers: ProviderService;
  connectUiTheme(environmentId: string): Promise<ConnectUiTheme | null>;
}): ConnectUiService {
  return {
    async describeSession(session) {
      const auth = connectSessionAuth(session);
      const integrations: ConnectUiIntegration[] = [];
      for (const integration of await deps.integrations.list(auth)) {
        const provider = await deps.providers.resolve(session.environment.id, integration.provider);
        if (provider === undefined) continue;
        integrations.push({
          unique_key: integration.unique_key,
          provider: integration.provider,
          display_name: integration.display_name,
          logo: integration.logo,
          auth_mode: provider.auth_mode,
          categories: provider.categories ?? [],
          docs_connect: provider.docs_connect ?? null,
          // Fields the server fills (Salesforce instance_url) are not asked of the user.
          connection_config: Object.fromEntries(
            Object.entries(provider.connection_config ?? {}).filter(
              ([, field]) => field.automated !== true && field.hidden !== true,
            ),
          ),
          credentials: provider.credentials ?? {},
          ...(provider.assertion_option ? { assertion_option: provider.assertion_option } : {}),
        });
      }
      return {
        endUser: session.endUser,
        connectUISettings: { showWatermark: false },
        allowed_integrations: session.allowedIntegrations ?? undefined,
        integrations_config_defaults: session.integrationsConfigDefaults,
        ...(session.reconnectConnectionRowId === null ? {} : { isReconnecting: true as const }),
        integrations,
        expires_at: session.expiresAt.toISOString(),
        theme: await deps.connectUiTheme(session.environment.id),
      };
    },
  };
}
