/**
 * The authorization request URL (RFC 6749 §4.1.1, with PKCE per RFC 7636 §4.3), built the way Nango builds it so
 * catalog entries behave the same (compat doc 4.4): the template's own query is dropped, parameters merge template →
 * PKCE → request (later wins; the literal string "undefined" removes a parameter), then the provider's
 * post-processing (skip-encoded scopes, fragment, replacements, empty values dropped).
 */
import type { Provider } from '@latchkey/providers';

export interface AuthorizationUrlInput {
  provider: Provider;
  /** The provider's authorization URL with placeholders already filled. */
  authorizationUrl: URL;
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string | undefined;
  /** Template parameters, already interpolated. */
  templateParams: Record<string, string>;
  /** The request's (or the connect session's) parameters. */
  requestParams: Record<string, string>;
}

export function buildAuthorizationUrl(input: AuthorizationUrlInput): URL {
  const { provider } = input;
  const merged: Record<string, string> = { ...input.templateParams };
  if (input.codeChallenge !== undefined) {
    merged.code_challenge = input.codeChallenge;
    merged.code_challenge_method = 'S256';
  }
  Object.assign(merged, input.requestParams);
  for (const [key, value] of Object.entries(merged)) if (value === 'undefined') delete merged[key];

  const separator = provider.scope_separator ?? ' ';
  const scope = input.scopes.join(separator);
  const skipEncodeScopes = provider.authorization_url_skip_encode?.includes('scopes') === true;
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
  });
  if (scope !== '' && !skipEncodeScopes) params.set('scope', scope);
  params.set('state', input.state);
  for (const [key, value] of Object.entries(merged)) params.set(key, value);
  if (provider.authorization_url_skip_empty === true) {
    for (const [key, value] of [...params.entries()]) if (value === '') params.delete(key);
  }

  let query = params.toString();
  if (scope !== '' && skipEncodeScopes) query += `&scope=${scope}`;
  for (const [from, to] of Object.entries(provider.authorization_url_replacements ?? {}))
    query = query.split(from).join(to);

  const base = `${input.authorizationUrl.origin}${input.authorizationUrl.pathname}`;
  const fragment = provider.authorization_url_fragment;
  return new URL(fragment === undefined ? `${base}?${query}` : `${base}#${fragment}?${query}`);
}
