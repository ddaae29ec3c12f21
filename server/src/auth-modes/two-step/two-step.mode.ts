/**
 * TWO_STEP: the end user's credentials are exchanged for a token by a request the provider entry describes
 * (`token_url`, `token_params`, `token_headers`, `additional_steps`), the answer read with `token_response`. The
 * exchange is repeated when the token is due (with the refresh token, when the entry has a refresh recipe), and the
 * token is sent as a Bearer token unless the entry's `proxy.headers` place it themselves.
 */
import type { Provider } from '@latchkey/providers';
import type { AuthModeHandler } from '../auth-mode';
import { runTwoStepExchange, type TwoStepCredentials } from './two-step-exchange';
import { declaredCredentials, preconfiguredValues, twoStepInputSchema } from './two-step-input';

export const twoStepMode: AuthModeHandler = {
  mode: 'TWO_STEP',
  flow: {
    kind: 'direct',
    summary: 'Connect with credentials exchanged for a token',
    action: 'two_step',
    paths: ['/auth/two-step'],
    input: twoStepInputSchema,
    async connect({ provider, integration, connectionConfig, runtime, input }) {
      const declared = declaredCredentials(provider, input, integration);
      return runTwoStepExchange({
        provider,
        connectionConfig,
        credentials: declared.credentials,
        assertionOption: declared.assertionOption,
        preconfigured: declared.preconfigured,
        renewal: false,
        runtime,
      });
    },
  },
  async renew({ provider, integration, credentials, connectionConfig, runtime }) {
    const {
      type: _type,
      token: _token,
      expires_at: _expiresAt,
      raw: _raw,
      ...kept
    } = credentials as TwoStepCredentials;
    const preconfigured = preconfiguredValues(provider, integration);
    return runTwoStepExchange({
      provider,
      connectionConfig,
      credentials: { ...kept, ...preconfigured },
      preconfigured: new Set(Object.keys(preconfigured)),
      renewal: true,
      runtime,
    });
  },
  canRenew: (credentials) => credentials.type === 'TWO_STEP',
  authorize: ({ provider, credentials }) => {
    const { token } = credentials as TwoStepCredentials;
    if (token === undefined || placesTokenItself(provider)) return {};
    return { headers: { authorization: `Bearer ${token}` } };
  },
  templateValues: (credentials) => ({
    ...credentials,
    accessToken: (credentials as TwoStepCredentials).token,
  }),
  currentToken: (credentials) => (credentials as TwoStepCredentials).token,
};

/**
 * Nango sends no Bearer header when the entry's `proxy.headers` use `${accessToken}` somewhere or send the session
 * cookies (`cookie: ${credentials._cookies}`).
 */
export function placesTokenItself(provider: Provider): boolean {
  return Object.entries(provider.proxy?.headers ?? {}).some(
    ([name, value]) =>
      typeof value === 'string' &&
      (value.includes('${accessToken}') ||
        (name.toLowerCase() === 'cookie' && value.includes('${credentials._cookies}'))),
  );
}
