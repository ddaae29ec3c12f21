/**
 * API key scopes. A key holds a list of granted scopes; a granted scope ending in `*` covers every scope that starts
 * with what precedes the `*` (`environment:*` covers everything, `environment:connections:*` covers
 * `environment:connections:read`).
 */
export const SCOPES = [
  'environment:integrations:read',
  'environment:integrations:read_credentials',
  'environment:integrations:write',
  'environment:providers:read',
  'environment:providers:write',
  'environment:connections:read',
  'environment:connections:read_credentials',
  'environment:connections:write',
  'environment:connect_sessions:write',
  /** Calls through `/proxy` use a connection's credentials without revealing them, hence a scope of their own. */
  'environment:proxy:use',
  'environment:settings:read',
  'environment:settings:write',
  'environment:webhooks:read',
  'environment:webhooks:write',
  /** Creating and revoking secret keys: admins only among operators. */
  'environment:api_keys:write',
  'environment:audit:read',
  /** Operation logs; `environment:connections:read` still grants them too. */
  'environment:logs:read',
] as const;

export type Scope = (typeof SCOPES)[number];

export const GRANTABLE_SCOPE_PATTERN = /^environment(:[a-z_]+)*(:\*)?$/;

export function scopeCovers(granted: string, required: Scope): boolean {
  if (granted === required) return true;
  if (!granted.endsWith('*')) return false;
  return required.startsWith(granted.slice(0, -1));
}

export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.some((scope) => scopeCovers(scope, required));
}
