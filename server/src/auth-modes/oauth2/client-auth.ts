/**
 * Client authentication at the token endpoint, as each provider declares it (compat doc 4.6): by default the client
 * id and secret go in the form body; `authorization_method: header` moves them to an HTTP Basic header (RFC 6749
 * §2.3.1, form-encoded before base64); `token_request_auth_method: basic` *adds* the Basic header while the body keeps
 * them in the code exchange, which is what the providers declaring it expect.
 */
import type { Provider } from '@latchkey/providers';
import type { ClientAuth } from 'oauth4webapi';

export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export function providerClientAuth(
  provider: Provider,
  clientSecret: string,
  grant: 'authorization_code' | 'client_credentials' = 'authorization_code',
): ClientAuth {
  // For the client credentials grant, `basic` means the header alone (compat doc 4.9).
  const headerOnly =
    provider.authorization_method === 'header' ||
    (grant === 'client_credentials' && provider.token_request_auth_method === 'basic');
  const addBasic = headerOnly || provider.token_request_auth_method === 'basic';
  return (_as, client, body, headers) => {
    if (addBasic) headers.set('authorization', basicAuthorization(client.client_id, clientSecret));
    if (!headerOnly) {
      body.set('client_id', client.client_id);
      body.set('client_secret', clientSecret);
    }
  };
}
