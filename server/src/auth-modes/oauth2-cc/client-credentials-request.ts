/**
 * The client credentials token request (RFC 6749 §4.4.2) with Nango's semantics for OAUTH2_CC (compat doc 4.9),
 * built as a plain request: the parameters are exactly the entry's `token_params` (Nango adds no `grant_type` of its
 * own: entries send `client_credentials`, `password`, `account_credentials` or none), the client authenticates as the
 * entry says, and the body is a form, JSON or the query string. `token_params` and `token_headers` may use the end
 * user's credentials (`${credentials.audience}`) as well as the connection config.
 */
import type { Provider } from '@latchkey/providers';
import { type FieldError, LatchkeyError } from '@latchkey/schema';
import type { OutboundRequest } from '../../platform/outbound/outbound.types';
import { interpolateTemplate, type TemplateValues } from '../../provider-requests/template-interpolation';
import { basicAuthorization } from '../mode-helpers';
import { CLIENT_ASSERTION_TYPE } from './client-assertion';
import type { ClientCredentialsClient } from './client-credentials-input';

export interface ClientCredentialsRequestInput {
  provider: Provider;
  /** The interpolated token URL. */
  tokenUrl: URL;
  client: ClientCredentialsClient;
  connectionConfig: Record<string, string>;
  /** Sent as `scope`, joined with the entry's separator, when there are any. */
  scopes: string[];
  /** The signed assertion, for `private_key_jwt` (see client-assertion.ts). */
  clientAssertion?: string;
}

/** Token endpoints may move; each hop is checked by the outbound policy again (compat doc 4.8). */
const MAX_REDIRECTS = 5;

/** The request to send; pure, so what the provider receives can be read in one place. */
export function buildClientCredentialsRequest(input: ClientCredentialsRequestInput): OutboundRequest {
  const { provider, client } = input;
  const values: TemplateValues = {
    connectionConfig: input.connectionConfig,
    credentials: templateCredentials(client),
  };
  const params = new Map<string, string>(clientAuthParams(input));
  for (const [name, value] of Object.entries(filledTemplates(provider, 'token_params', values)))
    params.set(name, value);
  if (input.scopes.length > 0) params.set('scope', input.scopes.join(provider.scope_separator ?? ' '));

  const format =
    provider.body_format === 'json' || provider.body_format === 'query' ? provider.body_format : 'form';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (format !== 'query') {
    headers['content-type'] = format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  }
  if (sendsBasicHeader(provider)) {
    headers.authorization = basicAuthorization(client.clientId, requireSecret(client));
  }
  // The entry's headers come last: they are what the provider was documented to want.
  for (const [name, value] of Object.entries(filledTemplates(provider, 'token_headers', values))) {
    headers[name.toLowerCase()] = value;
  }

  const url = new URL(input.tokenUrl);
  let body: string | undefined;
  if (format === 'query') for (const [name, value] of params) url.searchParams.append(name, value);
  else if (format === 'json') body = JSON.stringify(Object.fromEntries(params));
  else body = new URLSearchParams([...params]).toString();
  return {
    method: 'POST',
    url: url.href,
    headers,
    ...(body === undefined ? {} : { body }),
    maxRedirects: MAX_REDIRECTS,
  };
}

/**
 * `token_request_auth_method: basic` (or `authorization_method: header`) sends the client in a Basic header only,
 * with the id and secret as they are (Nango does not form-encode them: `user@company` ids stay as typed).
 */
export function sendsBasicHeader(provider: Provider): boolean {
  return provider.token_request_auth_method === 'basic' || provider.authorization_method === 'header';
}

function clientAuthParams(input: ClientCredentialsRequestInput): Array<[string, string]> {
  const { provider, client } = input;
  if (provider.token_request_auth_method === 'private_key_jwt') {
    if (input.clientAssertion === undefined)
      throw new Error('private_key_jwt needs a signed client assertion');
    return [
      ['client_id', client.clientId],
      ['client_assertion_type', CLIENT_ASSERTION_TYPE],
      ['client_assertion', input.clientAssertion],
    ];
  }
  if (sendsBasicHeader(provider)) return [];
  if (provider.token_request_auth_method === 'custom') {
    return [
      ['username', client.clientId],
      ['password', requireSecret(client)],
    ];
  }
  return [
    ['client_id', client.clientId],
    ['client_secret', requireSecret(client)],
  ];
}

function requireSecret(client: ClientCredentialsClient): string {
  if (client.clientSecret === undefined) throw new LatchkeyError('missing_client_secret');
  return client.clientSecret;
}

/** What `${credentials.…}` reaches: the client and the declared credentials (never the private key). */
function templateCredentials(client: ClientCredentialsClient): Record<string, string> {
  return {
    ...client.extras,
    client_id: client.clientId,
    ...(client.clientSecret === undefined ? {} : { client_secret: client.clientSecret }),
  };
}

/**
 * `token_params` or `token_headers` filled. A template whose only unfilled placeholders are fields the entry declares
 * optional is left out (auth0's `organization`, greenhouse's `sub`) rather than sent literally as Nango would.
 * @throws LatchkeyError `invalid_connection_config` naming every other unfilled placeholder.
 */
function filledTemplates(
  provider: Provider,
  field: 'token_params' | 'token_headers',
  values: TemplateValues,
): Record<string, string> {
  const filled: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [name, template] of Object.entries(provider[field] ?? {})) {
    if (typeof template === 'object') {
      throw new LatchkeyError(
        'unsupported_auth_mode',
        `${field}.${name} of provider ${provider.name} is an object; a client credentials request sends flat parameters.`,
      );
    }
    const result = interpolateTemplate(String(template), values);
    if (result.missing.length === 0) filled[name] = result.value;
    else if (!result.missing.every((placeholder) => isOptionalField(provider, placeholder))) {
      errors.push(...result.missing.map(missingError));
    }
  }
  if (errors.length > 0) {
    const names = errors.map((error) => error.path.join('.')).join(', ');
    throw new LatchkeyError('invalid_connection_config', `Missing connection configuration: ${names}.`, {
      errors,
    });
  }
  return filled;
}

function isOptionalField(provider: Provider, placeholder: string): boolean {
  const [scope, name] = splitPlaceholder(placeholder);
  const declarations = scope === 'params' ? provider.connection_config : provider.credentials;
  return declarations?.[name]?.optional === true;
}

function missingError(placeholder: string): FieldError {
  const [scope, name] = splitPlaceholder(placeholder);
  return { code: 'missing', message: `${name} is required`, path: [scope, name] };
}

function splitPlaceholder(placeholder: string): ['params' | 'credentials', string] {
  if (placeholder.startsWith('connectionConfig.'))
    return ['params', placeholder.slice('connectionConfig.'.length)];
  return ['credentials', placeholder.replace(/^credentials\./, '')];
}
