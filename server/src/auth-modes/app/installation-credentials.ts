/**
 * APP credentials for one installation: the app's JWT signed with the integration's private key, exchanged at the
 * entry's token URL (`token_url`, or its `APP` member) for an installation access token. APP and CUSTOM share it.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { tokenUrlTemplate } from '../../provider-requests/provider-templates';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import type { ModeIntegration, ModeRuntime } from '../auth-mode';
import { appPrivateKey, signAppJwt } from './app-jwt';
import { installationTokenRequest, processInstallationTokenResponse } from './installation-token';

export type AppCredentials = Extract<Credentials, { type: 'APP' }>;

/** The GitHub App an integration holds; a flow cannot start without it. */
export function requireApp(integration: ModeIntegration): {
  appId: string;
  appLink: string;
  privateKey: string;
} {
  const { appId, appLink, privateKey } = integration;
  if (!appId || !appLink || !privateKey) {
    throw new LatchkeyError(
      'integration_not_configured',
      `Integration ${integration.uniqueKey} has no GitHub App id, app link and private key.`,
    );
  }
  return { appId, appLink, privateKey };
}

export async function obtainInstallationToken(input: {
  provider: Provider;
  integration: ModeIntegration;
  /** Must hold `installation_id` (and whatever else the token URL uses). */
  connectionConfig: Record<string, string>;
  runtime: ModeRuntime;
}): Promise<{ credentials: AppCredentials; expiresAt: Date | null }> {
  const { provider, integration, connectionConfig, runtime } = input;
  const { appId, privateKey } = requireApp(integration);
  const tokenUrl = buildProviderUrl(tokenUrlTemplate(provider, 'APP'), connectionConfig, {
    allowHttp: runtime.allowPrivateUrls,
    fields: provider.connection_config,
  });
  const appJwt = await signAppJwt(appId, appPrivateKey(privateKey, integration.uniqueKey));
  const response = await installationTokenRequest(runtime.outbound, tokenUrl, appJwt);
  const token = processInstallationTokenResponse(response);
  await runtime.note('installation token obtained', {
    status: response.status,
    expires_at: token.expiresAt?.toISOString() ?? null,
  });
  return {
    credentials: {
      type: 'APP',
      access_token: token.token,
      ...(token.expiresAtText === undefined ? {} : { expires_at: token.expiresAtText }),
      raw: token.raw,
      jwtToken: appJwt,
    },
    expiresAt: token.expiresAt,
  };
}
