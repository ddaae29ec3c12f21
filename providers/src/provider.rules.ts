/**
 * Checks a schema-valid provider beyond its shape (Nango's catalog rules, compat doc 8.4): placeholders are declared,
 * declared connection-config fields are used, URLs are https, credential declarations suit the auth mode.
 * The catalog's conformance test and the custom-provider API both run these.
 */
import { collectStrings, findPlaceholders } from './placeholders';
import type { Provider } from './provider.schema';

export interface RuleOptions {
  /** Allow plain http:// URLs to loopback hosts (LATCHKEY_ALLOW_PRIVATE_URLS, for local test servers). */
  allowHttpLoopback?: boolean;
}

/** Credential values the proxy and auth flows provide whatever the provider declares. */
const BUILTIN_VALUES = new Set([
  'accessToken',
  'access_token',
  'apiKey',
  'username',
  'password',
  'token',
  'oauth_token',
  'oauth_token_secret',
  'client_id',
  'client_secret',
  'now',
]);
const HELPER_FUNCTIONS = new Set(['base64']);
const LOOPBACK_HOST = /^http:\/\/(127(?:\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?(\/|$)/;

/** The problems found, as `path: message` strings; empty when the provider passes. */
export function checkProviderRules(provider: Provider, options: RuleOptions = {}): string[] {
  const problems: string[] = [];
  const declaredConfig = new Set([
    ...Object.keys(provider.connection_config ?? {}),
    ...(provider.token_response_metadata ?? []),
    ...(provider.redirect_uri_metadata ?? []),
    ...(provider.webhook_response_metadata ?? []),
    ...(provider.refresh_token_response_metadata ?? []),
  ]);
  const declaredCredentials = new Set(Object.keys(provider.credentials ?? {}));

  const templated = {
    authorization_url: provider.authorization_url,
    authorization_params: provider.authorization_params,
    token_url: provider.token_url,
    token_params: provider.token_params,
    refresh_url: provider.refresh_url,
    refresh_params: provider.refresh_params,
    revocation_url: provider.revocation_url,
    request_url: provider.request_url,
    request_params: provider.request_params,
    proxy: provider.proxy,
  };
  const usedConfig = new Set<string>();
  for (const [field, value] of Object.entries(templated)) {
    for (const text of collectStrings(value)) {
      for (const placeholder of findPlaceholders(text)) {
        if (placeholder.kind === 'connectionConfig') {
          usedConfig.add(placeholder.name);
          if (!declaredConfig.has(placeholder.name)) {
            problems.push(
              `${field}: \${connectionConfig.${placeholder.name}} is not declared in connection_config`,
            );
          }
        } else if (placeholder.kind === 'credentials' || placeholder.kind === 'bare') {
          if (field !== 'proxy' && placeholder.kind === 'credentials') {
            problems.push(`${field}: credential placeholders may only be used in proxy settings`);
          } else if (!declaredCredentials.has(placeholder.name) && !BUILTIN_VALUES.has(placeholder.name)) {
            problems.push(`${field}: \${${placeholder.expression}} names no declared credential`);
          }
        } else if (!HELPER_FUNCTIONS.has(placeholder.name)) {
          problems.push(`${field}: unknown template function ${placeholder.name}()`);
        }
      }
    }
  }

  if (provider.alias === undefined) {
    for (const name of Object.keys(provider.connection_config ?? {})) {
      if (!usedConfig.has(name) && provider.connection_config?.[name]?.automated !== true) {
        problems.push(`connection_config.${name}: declared but used by no URL, parameter or proxy setting`);
      }
    }
  }

  const urls: Array<[string, string | undefined]> = [
    ['docs', provider.docs],
    ['docs_connect', provider.docs_connect],
    ['authorization_url', provider.authorization_url],
    ['refresh_url', provider.refresh_url],
    ['revocation_url', provider.revocation_url],
    ['request_url', provider.request_url],
    ['proxy.base_url', provider.proxy?.base_url],
    ['proxy.verification.base_url_override', provider.proxy?.verification?.base_url_override],
    ...tokenUrls(provider.token_url),
  ];
  for (const [field, url] of urls) {
    if (url === undefined) continue;
    for (const alternative of url.split('||').map((part) => part.trim())) {
      if (!isAllowedUrl(alternative, options)) problems.push(`${field}: ${alternative} is not an https URL`);
    }
  }

  problems.push(...checkModeRequirements(provider));
  if (provider.proxy?.verification !== undefined && provider.credentials_verification_script !== undefined) {
    problems.push('proxy.verification and credentials_verification_script are mutually exclusive');
  }
  return problems;
}

function checkModeRequirements(provider: Provider): string[] {
  const problems: string[] = [];
  const credentials = provider.credentials ?? {};
  const require = (field: keyof Provider, value: unknown) => {
    if (value === undefined) problems.push(`${field}: required for auth_mode ${provider.auth_mode}`);
  };
  switch (provider.auth_mode) {
    case 'OAUTH2':
      require('authorization_url', provider.authorization_url);
      require('token_url', provider.token_url);
      break;
    case 'OAUTH1':
      require('request_url', provider.request_url);
      require('authorization_url', provider.authorization_url);
      require('token_url', provider.token_url);
      break;
    case 'OAUTH2_CC':
      require('token_url', provider.token_url);
      break;
    case 'API_KEY':
      if (credentials.apiKey === undefined)
        problems.push('credentials.apiKey: required for auth_mode API_KEY');
      break;
    case 'BASIC':
      if (credentials.username === undefined && credentials.password === undefined) {
        problems.push('credentials: auth_mode BASIC declares username and/or password');
      }
      break;
    default:
      break;
  }
  if (
    ['OAUTH2', 'OAUTH1', 'OAUTH2_CC', 'NONE'].includes(provider.auth_mode) &&
    provider.credentials !== undefined
  ) {
    problems.push(`credentials: auth_mode ${provider.auth_mode} takes no credential declarations`);
  }
  return problems;
}

function tokenUrls(tokenUrl: Provider['token_url']): Array<[string, string]> {
  if (tokenUrl === undefined) return [];
  if (typeof tokenUrl === 'string') return [['token_url', tokenUrl]];
  return Object.entries(tokenUrl).map(([mode, url]) => [`token_url.${mode}`, url]);
}

function isAllowedUrl(url: string, options: RuleOptions): boolean {
  // A URL that is one placeholder (Salesforce's `${connectionConfig.instance_url}`) is checked when it is resolved.
  if (/^\$\{[^}]+\}/.test(url)) return true;
  if (url.startsWith('https://')) return true;
  return options.allowHttpLoopback === true && LOOPBACK_HOST.test(url);
}
