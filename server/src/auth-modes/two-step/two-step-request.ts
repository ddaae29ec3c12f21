/**
 * The requests of a TWO_STEP token exchange as the entry describes them: the token request (or, holding a refresh
 * token and a refresh recipe, the refresh request), then each of `additional_steps` in order, each built into one
 * outbound request from its templates.
 */
import type { Provider, TokenParams, TokenParamValue } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import type { OutboundRequest } from '../../platform/outbound/outbound.types';
import { tokenUrlTemplate } from '../../provider-requests/provider-templates';
import { fillTokenHeaders, fillTokenParams, fillTokenUrl, type TemplateScope } from './two-step-templates';

export type BodyFormat = 'json' | 'form' | 'query';

/** One request of the exchange, still as templates. */
export interface StepTemplate {
  url: string;
  /** Nango sends GET when the entry says so, POST otherwise. */
  method: 'GET' | 'POST';
  params: TokenParams | undefined;
  headers: Record<string, string> | undefined;
  bodyFormat: BodyFormat;
}

/**
 * Entry features Latchkey does not run for TWO_STEP, by name; a connection to such an entry is refused with
 * `unsupported_auth_mode` rather than sent a request the provider would not understand.
 */
export function unsupportedFeatures(provider: Provider): string[] {
  const unsupported: string[] = [];
  if (provider.body_format === 'xml') unsupported.push('body_format: xml');
  (provider.additional_steps ?? []).forEach((step, index) => {
    if (step.body_format === 'xml') unsupported.push(`additional_steps[${index}].body_format: xml`);
  });
  if (provider.assertion !== undefined && provider.assertion.type !== 'jwt')
    unsupported.push('assertion.type: saml');
  return unsupported;
}

/** @throws LatchkeyError `unsupported_auth_mode` naming each feature of the entry Latchkey does not run. */
export function assertSupported(provider: Provider): void {
  const unsupported = unsupportedFeatures(provider);
  if (unsupported.length > 0) {
    throw new LatchkeyError(
      'unsupported_auth_mode',
      `Latchkey does not run TWO_STEP entries with ${unsupported.join(', ')} yet (provider ${provider.name}).`,
    );
  }
}

/**
 * The exchange's requests in order. With `refresh`, the first one is the entry's refresh recipe (`refresh_url`,
 * `refresh_token_params`, `refresh_token_headers`), which Nango uses only when the entry has one.
 */
export function exchangeSteps(provider: Provider, refresh: boolean): StepTemplate[] {
  const format = bodyFormatOf(provider.body_format);
  const first: StepTemplate = {
    url: refresh
      ? (provider.refresh_url ?? tokenUrlTemplate(provider, 'TWO_STEP'))
      : tokenUrlTemplate(provider, 'TWO_STEP'),
    method: methodOf(provider.token_request_method),
    params: refresh ? provider.refresh_token_params : provider.token_params,
    headers: refresh ? (provider.refresh_token_headers ?? provider.token_headers) : provider.token_headers,
    bodyFormat: format,
  };
  const more = (provider.additional_steps ?? []).map(
    (step): StepTemplate => ({
      url: step.token_url,
      method: methodOf(step.token_request_method),
      params: step.token_params,
      headers: step.token_headers,
      bodyFormat: step.body_format === undefined ? format : bodyFormatOf(step.body_format),
    }),
  );
  return [first, ...more];
}

/** Whether the entry refreshes with a refresh token rather than asking again (Nango's condition). */
export function hasRefreshRecipe(provider: Provider): boolean {
  return provider.refresh_token_params !== undefined || provider.refresh_token_headers !== undefined;
}

/** One step's templates filled into a request. A GET carries no body (Nango sends its params nowhere). */
export function buildStepRequest(
  step: StepTemplate,
  scope: TemplateScope,
  options: { allowHttp: boolean; provider: Provider },
): OutboundRequest {
  const url = fillTokenUrl(step.url, scope, {
    allowHttp: options.allowHttp,
    fields: options.provider.connection_config,
  });
  const headers: Record<string, string> = {
    accept: 'application/json, text/plain, */*',
    ...fillTokenHeaders(step.headers, scope),
  };
  if (step.method === 'GET') return { method: 'GET', url: url.href, headers };
  const params = fillTokenParams(step.params, scope);
  if (step.bodyFormat === 'query') {
    for (const [name, value] of Object.entries(flatParams(params))) url.searchParams.set(name, value);
    return { method: 'POST', url: url.href, headers };
  }
  headers['content-type'] ??=
    step.bodyFormat === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  return { method: 'POST', url: url.href, headers, body: encodeBody(params, step.bodyFormat) };
}

/** JSON keeps nested objects and types; a form body takes each value as text (nested objects as JSON). */
export function encodeBody(params: Record<string, TokenParamValue>, format: 'json' | 'form'): string {
  return format === 'json' ? JSON.stringify(params) : new URLSearchParams(flatParams(params)).toString();
}

function flatParams(params: Record<string, TokenParamValue>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [
      name,
      typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  );
}

function methodOf(method: string | undefined): 'GET' | 'POST' {
  return method?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

function bodyFormatOf(format: string | undefined): BodyFormat {
  return format === 'form' || format === 'query' ? format : 'json';
}
