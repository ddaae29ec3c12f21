/**
 * What a connection's credentials add to a request to its provider (compat doc 2.6): the mode's own Authorization,
 * then the provider's `proxy.headers` and `proxy.query` templates. Credential verification uses the same functions, so
 * credentials are sent exactly the way they were verified.
 */
import type { Provider } from '@latchkey/providers';
import type { Credentials } from '@latchkey/schema';
import { interpolateTemplate, type TemplateValues } from '../auth-flows/interpolation';
import { oauth1SignatureMethod, signProxyRequest } from '../auth-flows/oauth1';

type OAuth1Credentials = Extract<Credentials, { type: 'OAUTH1' }>;

/**
 * Values the provider's templates may use: `${connectionConfig.x}`, every credential field (`${apiKey}`,
 * `${credentials.username}`, `${credentials.raw.x}`), and `${accessToken}` for the OAuth 2.0 modes, as in Nango.
 */
export function credentialTemplateValues(
  credentials: Credentials,
  connectionConfig: Record<string, string>,
): TemplateValues {
  const values: Record<string, unknown> = { ...credentials };
  if (credentials.type === 'OAUTH2') values.accessToken = credentials.access_token;
  if (credentials.type === 'OAUTH2_CC') values.accessToken = credentials.token;
  return { connectionConfig, credentials: values };
}

/**
 * Headers carrying the credentials (names lower-cased): Bearer for OAUTH2 and OAUTH2_CC, Basic for BASIC, nothing of
 * its own for API_KEY and NONE; the provider's `proxy.headers` then override. OAUTH1 is signed per request instead
 * ({@link oauth1Authorization}). A template with an unfilled placeholder is left out rather than sent half-filled.
 */
export function credentialHeaders(
  provider: Provider,
  credentials: Credentials,
  connectionConfig: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const authorization = defaultAuthorization(credentials);
  if (authorization !== undefined) headers.authorization = authorization;
  const filled = filledTemplates(
    provider.proxy?.headers,
    credentialTemplateValues(credentials, connectionConfig),
  );
  for (const [name, value] of Object.entries(filled)) headers[name.toLowerCase()] = value;
  return headers;
}

/** Query parameters carrying the credentials: the provider's `proxy.query` templates (`api_key=${apiKey}`). */
export function credentialQuery(
  provider: Provider,
  credentials: Credentials,
  connectionConfig: Record<string, string>,
): Record<string, string> {
  return filledTemplates(provider.proxy?.query, credentialTemplateValues(credentials, connectionConfig));
}

export interface OAuth1Consumer {
  key: string;
  secret: string;
}

/**
 * The OAuth 1.0a `Authorization` header for one resource request (RFC 5849 §3.1): the integration's client id and
 * secret as consumer, the connection's token. Nonce and timestamp are new on every call, so every retry or redirect
 * is signed again. Only a form body is signed (§3.4.1.3.1); pass its parameters when the body is one.
 */
export function oauth1Authorization(options: {
  provider: Provider;
  credentials: OAuth1Credentials;
  consumer: OAuth1Consumer;
  method: string;
  url: URL;
  formBody?: Record<string, string>;
}): string {
  return signProxyRequest({
    method: options.method,
    url: options.url,
    consumerKey: options.consumer.key,
    consumerSecret: options.consumer.secret,
    accessToken: options.credentials.oauth_token,
    accessTokenSecret: options.credentials.oauth_token_secret,
    signatureMethod: oauth1SignatureMethod(options.provider),
    ...(options.formBody === undefined ? {} : { formBody: options.formBody }),
  });
}

function defaultAuthorization(credentials: Credentials): string | undefined {
  switch (credentials.type) {
    case 'OAUTH2':
      return `Bearer ${credentials.access_token}`;
    case 'OAUTH2_CC':
      return `Bearer ${credentials.token}`;
    case 'BASIC':
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    default:
      return undefined;
  }
}

function filledTemplates(
  templates: Record<string, string> | undefined,
  values: TemplateValues,
): Record<string, string> {
  const filled: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates ?? {})) {
    const result = interpolateTemplate(template, values);
    if (result.missing.length === 0) filled[name] = result.value;
  }
  return filled;
}
