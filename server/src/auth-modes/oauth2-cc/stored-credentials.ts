/**
 * The stored OAUTH2_CC credentials (compat doc 2.3): Nango's `{type, token, expires_at, client_id, client_secret,
 * client_private_key?, raw}`, with the entry's other declared credentials beside them at the top level, where Nango
 * keeps a TWO_STEP connection's declared credentials, so a re-request finds them and templates read them as
 * `${credentials.audience}`.
 */
import type { Credentials } from '@latchkey/schema';
import type { TokenSet } from '../oauth2/token-response';
import type { ClientCredentialsClient } from './client-credentials-input';

type ClientCredentials = Extract<Credentials, { type: 'OAUTH2_CC' }>;

/** Keys of the stored shape itself; every other string field is a declared credential. */
const OWN_KEYS = new Set([
  'type',
  'token',
  'expires_at',
  'client_id',
  'client_secret',
  'client_certificate',
  'client_private_key',
  'raw',
]);

export function storedCredentials(
  client: ClientCredentialsClient,
  tokens: TokenSet & { expiresAt: Date },
): ClientCredentials {
  return {
    ...client.extras,
    type: 'OAUTH2_CC',
    token: tokens.accessToken,
    expires_at: tokens.expiresAt.toISOString(),
    client_id: client.clientId,
    // Nango stores an empty secret for a client that authenticates with its key.
    client_secret: client.clientSecret ?? '',
    ...(client.clientPrivateKey === undefined ? {} : { client_private_key: client.clientPrivateKey }),
    raw: tokens.raw,
  };
}

/** The client a re-request uses: the stored one, imported connections included. */
export function clientFromStored(credentials: ClientCredentials): ClientCredentialsClient {
  const extras: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(credentials)) {
    if (!OWN_KEYS.has(name) && typeof value === 'string') extras.push([name, value]);
  }
  const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
  return {
    clientId: credentials.client_id,
    clientSecret: nonEmpty(credentials.client_secret),
    clientPrivateKey: nonEmpty(credentials.client_private_key),
    extras: Object.fromEntries(extras),
  };
}
