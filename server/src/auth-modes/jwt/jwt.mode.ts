/**
 * JWT: a token Latchkey signs from the end user's key material, per the entry's `token` recipe and `signature`
 * settings (Ghost Admin, App Store Connect, Snowflake key pairs). Nango keeps the signed token until it is due and
 * then signs a new one; so does Latchkey: `GET /connections/:id` returns a token that works, and a forced refresh
 * signs anew. No Nango JWT entry exchanges the token at a `token_url`, so renewing never calls the provider.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import type { AuthModeHandler, ModeRuntime, ObtainedCredentials } from '../auth-mode';
import { jwtAuthInputSchema, type KeyMaterial, keyMaterialOf } from './jwt-key-material';
import { KeyMaterialError } from './jwt-signing-key';
import { signingRecipeOf, signRecipeToken } from './jwt-token';

type JwtCredentials = Extract<Credentials, { type: 'JWT' }>;

async function signFor(
  provider: Provider,
  material: KeyMaterial,
  connectionConfig: Record<string, string>,
  runtime: ModeRuntime,
): Promise<ObtainedCredentials> {
  const recipe = signingRecipeOf(provider.name, provider.token, provider.signature);
  const signed = await signRecipeToken(recipe, { credentials: material, connectionConfig });
  const expiresAt = signed.expiresAt.toISOString();
  await runtime.note('token signed', { alg: signed.alg, expires_at: expiresAt });
  return {
    credentials: { ...material, type: 'JWT', token: signed.token, expires_at: expiresAt },
    expiresAt: signed.expiresAt,
  };
}

export const jwtMode: AuthModeHandler = {
  mode: 'JWT',
  flow: {
    kind: 'direct',
    paths: ['/auth/jwt'],
    input: jwtAuthInputSchema,
    async connect({ provider, connectionConfig, runtime, input }) {
      try {
        return await signFor(provider, keyMaterialOf(input, provider), connectionConfig, runtime);
      } catch (error) {
        if (!(error instanceof KeyMaterialError)) throw error;
        const field = error.path.length > 0 ? `${error.path.join('.')}: ` : '';
        throw new LatchkeyError('invalid_body', `The request body is invalid. ${field}${error.message}`, {
          errors: [{ code: 'invalid_key', message: error.message, path: error.path }],
        });
      }
    },
  },
  async renew({ provider, credentials, connectionConfig, runtime }) {
    const { type: _type, token: _token, expires_at: _expiresAt, ...material } = credentials as JwtCredentials;
    try {
      return await signFor(provider, material, connectionConfig, runtime);
    } catch (error) {
      if (!(error instanceof KeyMaterialError)) throw error;
      throw new LatchkeyError(
        'invalid_credentials',
        `The stored key cannot sign a new token: ${error.message}`,
      );
    }
  },
  canRenew: (credentials) => credentials.type === 'JWT',
  // Nango's default for JWT; the entry's `proxy.headers` may override it (Ghost: `authorization: Ghost ${accessToken}`).
  authorize: ({ credentials }) => {
    const { token } = credentials as JwtCredentials;
    return token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } };
  },
  templateValues: (credentials) => ({ ...credentials, accessToken: (credentials as JwtCredentials).token }),
  currentToken: (credentials) => (credentials as JwtCredentials).token,
};
