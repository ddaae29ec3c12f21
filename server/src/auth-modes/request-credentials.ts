/**
 * What a connection's credentials add to one request to its provider (compat doc 2.6): the mode's own part (Bearer,
 * Basic, a per-request signature), then the provider's `proxy.headers` and `proxy.query` templates, which may
 * override it. The proxy and credential verification both call this, so credentials are sent exactly the way they
 * were verified.
 */
import type { Provider } from '@latchkey/providers';
import type { Credentials } from '@latchkey/schema';
import { interpolateTemplate, type TemplateValues } from '../provider-requests/template-interpolation';
import type { AuthModeHandler, ModeIntegration, OutboundRequestShape } from './auth-mode';

export interface RequestCredentialsInput {
  mode: AuthModeHandler;
  provider: Provider;
  integration: ModeIntegration;
  credentials: Credentials;
  connectionConfig: Record<string, string>;
  request: OutboundRequestShape;
  /** Extra header templates on top of `proxy.headers` (a verification request's own headers). */
  extraHeaderTemplates?: Record<string, string> | undefined;
}

/** Values the provider's templates may use: `${connectionConfig.x}`, every credential field, the mode's names. */
export function credentialTemplateValues(
  mode: AuthModeHandler,
  credentials: Credentials,
  connectionConfig: Record<string, string>,
): TemplateValues {
  return { connectionConfig, credentials: mode.templateValues(credentials) };
}

/** Query parameters carrying the credentials: the provider's `proxy.query` templates (`api_key=${apiKey}`). */
export function credentialQuery(
  input: Pick<RequestCredentialsInput, 'mode' | 'provider' | 'credentials' | 'connectionConfig'>,
): Record<string, string> {
  const values = credentialTemplateValues(input.mode, input.credentials, input.connectionConfig);
  return filledTemplates(input.provider.proxy?.query, values);
}

/**
 * Headers (lower-case names) and query parameters for the request. A template with an unfilled placeholder is left
 * out rather than sent half-filled.
 */
export function requestCredentials(input: RequestCredentialsInput): {
  headers: Record<string, string>;
  query: Record<string, string>;
} {
  const values = credentialTemplateValues(input.mode, input.credentials, input.connectionConfig);
  const templateQuery = credentialQuery(input);
  // A signing mode signs the URL as it will be sent, template query included.
  const url = new URL(input.request.url);
  for (const [name, value] of Object.entries(templateQuery)) {
    if (url.searchParams.get(name) !== value) url.searchParams.set(name, value);
  }
  const own = input.mode.authorize({ ...input, request: { ...input.request, url } });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(own.headers ?? {})) headers[name.toLowerCase()] = value;
  const templates = { ...input.provider.proxy?.headers, ...input.extraHeaderTemplates };
  // One instant for all of them: `x-amz-date: ${now:…}` and `${awsSigV4(…)}` must name the same second.
  const { method, headers: sent, body } = input.request;
  const requestValues = { ...values, now: new Date(), request: { method, url, headers: sent, body } };
  for (const [name, value] of Object.entries(filledTemplates(templates, requestValues))) {
    headers[name.toLowerCase()] = value;
  }
  return { headers, query: templateQuery };
}

function filledTemplates(
  templates: Record<string, unknown> | undefined,
  values: TemplateValues,
): Record<string, string> {
  const filled: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates ?? {})) {
    if (typeof template !== 'string') continue;
    const result = interpolateTemplate(template, values);
    if (result.missing.length === 0) filled[name] = result.value;
  }
  return filled;
}
