/**
 * The authorization response at the redirect URI (RFC 6749 §4.1.2 and §4.1.2.1, RFC 9207 `iss`). `state` has been
 * matched by the caller (it is the key of the stored flow); this checks the rest.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';

const PROVIDER_ERROR_KEYS = [
  'error',
  'error_description',
  'error_reason',
  'error_uri',
  'status_code',
  'error_message',
];

export function processAuthorizationCallback(
  query: URLSearchParams,
  provider: Provider,
  expectedIssuer: string,
): { code: string; params: URLSearchParams } {
  const error = query.get('error');
  if (error !== null) {
    const detail = PROVIDER_ERROR_KEYS.map((key) => [key, query.get(key)] as const).filter(
      ([, v]) => v !== null,
    );
    const description = query.get('error_description') ?? query.get('error_message') ?? '';
    throw new LatchkeyError(
      error === 'access_denied' ? 'authorization_denied' : 'invalid_callback',
      `The provider returned an error (${clean(error)}${description === '' ? '' : `: ${clean(description)}`}).`,
      { payload: { provider_error: Object.fromEntries(detail.map(([k, v]) => [k, clean(v ?? '')])) } },
    );
  }
  const iss = query.get('iss');
  if (iss !== null && normaliseIssuer(iss) !== normaliseIssuer(expectedIssuer)) {
    throw new LatchkeyError('issuer_mismatch', undefined, {
      internal: { iss: clean(iss), expected: expectedIssuer },
    });
  }
  const code = query.get(provider.authorization_code_param_in_callback ?? 'code');
  if (code === null || code === '')
    throw new LatchkeyError('invalid_callback', 'The callback carries no authorization code.');
  return { code, params: query };
}

/** Without a declared issuer, the authorization endpoint's origin is the issuer (true of OIDC servers and Google). */
export function expectedIssuerOf(authorizationUrl: URL): string {
  return authorizationUrl.origin;
}

function normaliseIssuer(value: string): string {
  return value.replace(/\/+$/, '');
}

function clean(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, ' ').slice(0, 300);
}
