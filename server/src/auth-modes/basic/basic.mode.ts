/** BASIC: a user name and password, sent as HTTP Basic (RFC 7617) unless the provider's headers say otherwise. */
import { basicAuthInputSchema, type Credentials } from '@latchkey/schema';
import type { AuthModeHandler } from '../auth-mode';
import { basicAuthorization } from '../mode-helpers';

type BasicCredentials = Extract<Credentials, { type: 'BASIC' }>;

export const basicMode: AuthModeHandler = {
  mode: 'BASIC',
  flow: {
    kind: 'direct',
    summary: 'Connect with basic credentials',
    paths: ['/api-auth/basic'],
    input: basicAuthInputSchema,
    connect: async ({ input }) => ({
      credentials: { type: 'BASIC', username: input.username, password: input.password },
      expiresAt: null,
    }),
  },
  canRenew: () => false,
  authorize: ({ credentials }) => {
    const { username, password } = credentials as BasicCredentials;
    return { headers: { authorization: basicAuthorization(username, password) } };
  },
  templateValues: (credentials) => ({ ...credentials }),
  currentToken: () => undefined,
};
