/** NONE: APIs that need no credentials; the connection only records the end user and their config. */
import { z } from 'zod';
import type { AuthModeHandler } from '../auth-mode';

export const noneMode: AuthModeHandler = {
  mode: 'NONE',
  flow: {
    kind: 'direct',
    summary: 'Connect without credentials',
    action: 'unauthenticated',
    paths: ['/auth/unauthenticated'],
    input: z.unknown(),
    connect: async () => ({ credentials: { type: 'NONE' }, expiresAt: null }),
    skipVerification: true,
  },
  canRenew: () => false,
  authorize: () => ({}),
  templateValues: () => ({}),
  currentToken: () => undefined,
};
