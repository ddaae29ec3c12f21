/**
 * A provider's parameter templates (`authorization_params`, `token_params`, `token_url` by mode) filled for one
 * connection, and how values the provider returned join the end user's connection config.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { interpolateTemplate, type TemplateValues } from './template-interpolation';

/**
 * A provider's parameter template (`authorization_params`, `token_params`, `token_headers`) with the connection
 * config filled in, and the end user's credentials for the modes whose token request uses them (`OAUTH2_CC`,
 * `TWO_STEP`: `${credentials.client_id}`).
 */
export function templateParams(
  template: Record<string, unknown> | undefined,
  config: Record<string, string>,
  credentials?: Record<string, unknown>,
): Record<string, string> {
  const result: Record<string, string> = {};
  const values: TemplateValues = { connectionConfig: config, ...(credentials ? { credentials } : {}) };
  for (const [key, value] of Object.entries(template ?? {})) {
    // A nested value (Nango's `token_params.request` object) travels as JSON.
    const text = value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
    const filled = interpolateTemplate(text, values);
    if (filled.missing.length > 0) {
      throw new LatchkeyError(
        'invalid_connection_config',
        `Missing connection configuration: ${filled.missing.join(', ')}.`,
        {
          errors: filled.missing.map((name) => ({
            code: 'missing',
            message: `${name} is required`,
            path: name.startsWith('connectionConfig.')
              ? ['params', name.slice('connectionConfig.'.length)]
              : ['credentials', name.replace(/^credentials\./, '')],
          })),
        },
      );
    }
    result[key] = filled.value;
  }
  return result;
}

/** `token_url` is a string, or a map by auth mode in a few Nango entries. */
export function tokenUrlTemplate(provider: Provider, mode: string): string {
  const url = provider.token_url;
  const template =
    typeof url === 'string' ? url : url === undefined ? undefined : (url[mode] ?? Object.values(url)[0]);
  if (template === undefined) {
    throw new LatchkeyError('integration_not_configured', `Provider ${provider.name} has no token URL.`);
  }
  return template;
}

/** Token and callback metadata first, the session's config over it — except that an empty session value is filled. */
export function mergeConfig(
  metadata: Record<string, string>,
  config: Record<string, string>,
): Record<string, string> {
  const merged = { ...metadata };
  for (const [key, value] of Object.entries(config)) {
    if (value !== '' || merged[key] === undefined) merged[key] = value;
  }
  return merged;
}
