/**
 * SIGNATURE (WSSE): the end user's name and password; every request to the provider carries a UsernameToken computed
 * from them. The stored `token` / `expires_at` (what `GET /connections/:id` returns, Nango's shape) are recomputed
 * when due, for callers that send requests themselves; the proxy computes a fresh header for each request, since a
 * WSSE nonce is meant to be used once and a provider may refuse a replayed one.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { z } from 'zod';
import type { AuthModeHandler, ObtainedCredentials } from '../auth-mode';
import { freshWsseHeader } from './wsse';

type SignatureCredentials = Extract<Credentials, { type: 'SIGNATURE' }>;

/** Nango's body (`{ type: 'SIGNATURE', username, password }`); the name goes into a quoted header parameter. */
export const signatureAuthInputSchema = z
  .object({
    type: z.literal('SIGNATURE').optional(),
    username: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[^"\r\n]*$/, 'must not contain quotes or line breaks'),
    password: z.string().min(1).max(4096),
  })
  .strict();

/** How long a computed header counts as valid: the entry's `token.expires_in_ms`. */
function headerLifetimeMs(provider: Provider): number {
  if (provider.signature?.protocol !== 'WSSE') {
    throw new LatchkeyError(
      'unsupported_auth_mode',
      `Provider ${provider.name} declares signature.protocol ${provider.signature?.protocol ?? '(none)'}; SIGNATURE runs WSSE only.`,
    );
  }
  const lifetime = provider.token?.expires_in_ms;
  if (lifetime === undefined || lifetime <= 0) {
    throw new LatchkeyError(
      'unsupported_auth_mode',
      `Provider ${provider.name} declares no token.expires_in_ms for its WSSE headers.`,
    );
  }
  return lifetime;
}

function computeCredentials(
  provider: Provider,
  username: string,
  password: string,
  now: Date = new Date(),
): ObtainedCredentials {
  const expiresAt = new Date(now.getTime() + headerLifetimeMs(provider));
  const token = freshWsseHeader(username, password, now);
  return {
    credentials: { type: 'SIGNATURE', username, password, token, expires_at: expiresAt.toISOString() },
    expiresAt,
  };
}

export const signatureMode: AuthModeHandler = {
  mode: 'SIGNATURE',
  flow: {
    kind: 'direct',
    paths: ['/auth/signature'],
    input: signatureAuthInputSchema,
    async connect({ provider, runtime, input }) {
      const obtained = computeCredentials(provider, input.username, input.password);
      await runtime.note('WSSE header computed', { expires_at: obtained.expiresAt?.toISOString() });
      return obtained;
    },
  },
  async renew({ provider, credentials, runtime }) {
    const { username, password } = credentials as SignatureCredentials;
    const obtained = computeCredentials(provider, username, password);
    await runtime.note('WSSE header recomputed', { expires_at: obtained.expiresAt?.toISOString() });
    return obtained;
  },
  canRenew: (credentials) => credentials.type === 'SIGNATURE',
  // Nango's default for SIGNATURE is a Bearer header; the entry's `proxy.headers` (`x-wsse: ${accessToken}`) add or
  // override the header the provider reads.
  authorize: ({ credentials }) => {
    const { username, password } = credentials as SignatureCredentials;
    return { headers: { authorization: `Bearer ${freshWsseHeader(username, password)}` } };
  },
  templateValues: (credentials) => {
    const { username, password } = credentials as SignatureCredentials;
    const token = freshWsseHeader(username, password);
    return { ...credentials, token, accessToken: token };
  },
  currentToken: (credentials) => (credentials as SignatureCredentials).token,
};
