/** API_KEY: a key the end user pastes; it goes wherever the provider's `proxy.headers` / `proxy.query` put it. */
import { apiKeyAuthInputSchema, type Credentials } from '@latchkey/schema';
import type { AuthModeHandler } from '../auth-mode';

type ApiKeyCredentials = Extract<Credentials, { type: 'API_KEY' }>;

export const apiKeyMode: AuthModeHandler = {
  mode: 'API_KEY',
  flow: {
    kind: 'direct',
    summary: 'Connect with an API key',
    action: 'api_key',
    paths: ['/api-auth/api-key'],
    input: apiKeyAuthInputSchema,
    connect: async ({ input }) => ({
      credentials: { type: 'API_KEY', apiKey: input.apiKey },
      expiresAt: null,
    }),
  },
  canRenew: () => false,
  authorize: () => ({}),
  templateValues: (credentials) => ({ ...credentials }),
  currentToken: (credentials) => (credentials as ApiKeyCredentials).apiKey,
};
