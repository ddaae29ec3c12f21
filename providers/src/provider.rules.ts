/**
 * Checks a schema-valid provider beyond its shape: Nango's catalog rules (compat doc 8.4, never stricter, so every
 * entry Nango accepts passes) plus a few of ours that every Nango entry also passes: URLs Latchkey calls are https,
 * template functions are ones Latchkey knows, the auth mode's essential fields are there.
 * The catalog's conformance test, the custom-provider API and the providers-file import all run these.
 */
import { collectStrings, findPlaceholders } from './placeholders';
import type { Provider } from './provider.schema';

export interface RuleOptions {
  /** Allow plain http:// URLs to loopback hosts (LATCHKEY_ALLOW_PRIVATE_URLS, for local test servers). */
  allowHttpLoopback?: boolean;
}

/** The helpers Nango's templates call; `now` also stands for `${now:FORMAT}` and `${now+7:days:FORMAT}`. */
const TEMPLATE_FUNCTIONS = new Set([
  'now',
  'base64',
  'awsSigV4',
  'sha256Hex',
  'sha256Base64',
  'hmacSha1Hex',
  'ed25519Sign',
  'fingerprint',
]);
/** Form declarations: their descriptions and examples are text for people, not templates. */
const DECLARATION_FIELDS = new Set([
  'connection_config',
  'credentials',
  'integration_config',
  'assertion_option',
]);
/** Modes whose connections carry no user-entered credentials (Nango's "credentials is defined but not required"). */
const MODES_WITHOUT_CREDENTIALS = new Set([
  'OAUTH2',
  'OAUTH1',
  'NONE',
  'APP',
  'CUSTOM',
  'TBA',
  'BILL',
  'INSTALL_PLUGIN',
  'TABLEAU',
  'MCP_OAUTH2',
  'MCP_OAUTH2_GENERIC',
]);
const REQUIRED_CREDENTIALS: Partial<Record<Provider['auth_mode'], string[]>> = {
  API_KEY: ['apiKey'],
  AWS_SIGV4: ['role_arn'],
  APP_STORE: ['issuerId', 'privateKeyId', 'privateKey'],
};
const LOOPBACK_HOST = /^http:\/\/(127(?:\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?(\/|$)/;

/** The problems found, as `path: message` strings; empty when the provider passes. */
export function checkProviderRules(provider: Provider, options: RuleOptions = {}): string[] {
  return [
    ...checkPlaceholders(provider),
    ...checkUrls(provider, options),
    ...checkModeRequirements(provider),
    ...(provider.proxy?.verification !== undefined && provider.credentials_verification_script !== undefined
      ? ['proxy.verification and credentials_verification_script are mutually exclusive']
      : []),
  ];
}

/**
 * Every `${connectionConfig.x}` is declared (in `connection_config` or one of the metadata lists that fill it), a
 * declared connection config is used somewhere (Nango's rule: unless the entry is an alias or a mode that reads it
 * itself), and every template function is known.
 */
function checkPlaceholders(provider: Provider): string[] {
  const problems: string[] = [];
  const declaredConfig = new Set([
    ...Object.keys(provider.connection_config ?? {}),
    ...(provider.token_response_metadata ?? []),
    ...(provider.redirect_uri_metadata ?? []),
    ...(provider.webhook_response_metadata ?? []),
    ...(provider.refresh_token_response_metadata ?? []),
  ]);
  let configReferences = 0;
  for (const [field, value] of Object.entries(provider)) {
    if (DECLARATION_FIELDS.has(field)) continue;
    for (const text of collectStrings(value)) {
      for (const placeholder of findPlaceholders(text)) {
        if (placeholder.kind === 'connectionConfig') {
          configReferences++;
          if (!declaredConfig.has(placeholder.name)) {
            problems.push(
              `${field}: \${connectionConfig.${placeholder.name}} is not declared in connection_config`,
            );
          }
        } else if (placeholder.kind === 'function' && !TEMPLATE_FUNCTIONS.has(placeholder.name)) {
          problems.push(`${field}: unknown template function ${placeholder.name}()`);
        }
      }
    }
  }

  const declared = Object.entries(provider.connection_config ?? {}).filter(
    ([, field]) => field.automated !== true,
  );
  if (
    configReferences === 0 &&
    declared.length > 0 &&
    provider.alias === undefined &&
    provider.auth_mode !== 'MCP_OAUTH2_GENERIC' &&
    provider.auth_mode !== 'AWS_SIGV4'
  ) {
    problems.push('connection_config: declared but used by no URL, parameter or proxy setting');
  }
  return problems;
}

/** URLs Latchkey calls are https (or start with a placeholder, checked once resolved); both sides of a `||`. */
function checkUrls(provider: Provider, options: RuleOptions): string[] {
  const urls: Array<[string, string | undefined]> = [
    ['authorization_url', provider.authorization_url],
    ['refresh_url', provider.refresh_url],
    ['revocation_url', provider.revocation_url],
    ['request_url', provider.request_url],
    ['registration_url', provider.registration_url],
    ['proxy.base_url', provider.proxy?.base_url],
    ['proxy.verification.base_url_override', provider.proxy?.verification?.base_url_override],
    ...tokenUrls(provider.token_url),
    ...(provider.additional_steps ?? []).map((step, index): [string, string] => [
      `additional_steps.${index}.token_url`,
      step.token_url,
    ]),
  ];
  const problems: string[] = [];
  for (const [field, url] of urls) {
    if (url === undefined) continue;
    for (const alternative of url.split('||').map((part) => part.trim())) {
      if (!isAllowedUrl(alternative, options)) problems.push(`${field}: ${alternative} is not an https URL`);
    }
  }
  return problems;
}

/** Nango's credential declaration rules by mode, and the fields without which a mode cannot run. */
function checkModeRequirements(provider: Provider): string[] {
  const problems: string[] = [];
  const mode = provider.auth_mode;
  const require = (field: keyof Provider) => {
    if (provider[field] === undefined) problems.push(`${field}: required for auth_mode ${mode}`);
  };
  if (mode === 'OAUTH2') {
    // An outbound installation (Sentry's) starts at the provider: the code arrives by webhook, no authorization URL.
    if (provider.installation !== 'outbound') require('authorization_url');
    require('token_url');
  } else if (mode === 'OAUTH1') {
    require('request_url');
    require('authorization_url');
    require('token_url');
  } else if (mode === 'TWO_STEP') {
    require('token_url');
  }

  for (const name of REQUIRED_CREDENTIALS[mode] ?? []) {
    if (provider.credentials?.[name] === undefined)
      problems.push(`credentials.${name}: required for auth_mode ${mode}`);
  }
  if (MODES_WITHOUT_CREDENTIALS.has(mode) && provider.credentials !== undefined) {
    problems.push(`credentials: auth_mode ${mode} takes no credential declarations`);
  }
  return problems;
}

function tokenUrls(tokenUrl: Provider['token_url']): Array<[string, string]> {
  if (tokenUrl === undefined) return [];
  if (typeof tokenUrl === 'string') return [['token_url', tokenUrl]];
  return Object.entries(tokenUrl).map(([mode, url]) => [`token_url.${mode}`, url]);
}

function isAllowedUrl(url: string, options: RuleOptions): boolean {
  // A URL that starts with a placeholder (Salesforce's `${connectionConfig.instance_url}`) is checked once resolved.
  if (/^\$\{[^}]+\}/.test(url)) return true;
  if (url.startsWith('https://')) return true;
  return options.allowHttpLoopback === true && LOOPBACK_HOST.test(url);
}
