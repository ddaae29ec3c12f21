/**
 * An installation access token (GitHub REST `POST /app/installations/{installation_id}/access_tokens`): asked for
 * with the app's JWT as a Bearer token, answered `201 {token, expires_at, permissions, …}`. The token acts as the
 * installation and lasts an hour.
 */
import { LatchkeyError } from '@latchkey/schema';
import type { OutboundFetch, OutboundResponse } from '../../platform/outbound/outbound.types';
import { parseJsonObject } from '../mode-helpers';

export interface InstallationToken {
  token: string;
  /** The provider's own `expires_at` string, kept as given (compat: Nango stores it unchanged). */
  expiresAtText: string | undefined;
  /** When it stops working; null when the provider did not say. */
  expiresAt: Date | null;
  raw: Record<string, unknown>;
}

export function installationTokenRequest(
  outbound: OutboundFetch,
  tokenUrl: URL,
  appJwt: string,
): Promise<OutboundResponse> {
  return outbound({
    method: 'POST',
    url: tokenUrl.href,
    headers: {
      authorization: `Bearer ${appJwt}`,
      accept: 'application/vnd.github+json',
      'content-type': 'application/json',
    },
    body: '{}',
  });
}

/**
 * Success is any 2xx (GitHub answers 201 Created); anything else is refused with the provider's status and its
 * `message` (GitHub's error bodies carry no secret), never the body as a whole.
 */
export function processInstallationTokenResponse(response: OutboundResponse): InstallationToken {
  const body = parseJsonObject(response.text);
  if (response.status < 200 || response.status >= 300) {
    const message = typeof body?.message === 'string' ? `: ${printable(body.message)}` : '';
    throw new LatchkeyError(
      'token_exchange_failed',
      `The provider refused the installation token request (HTTP ${response.status}${message}).`,
      { payload: { provider_status: response.status, provider_error: `http_${response.status}` } },
    );
  }
  const token = body?.token;
  if (body === undefined || typeof token !== 'string' || token === '') {
    throw new LatchkeyError(
      'unable_to_parse_token_response',
      'The installation token response has no token.',
      { internal: { status: response.status, keys: body === undefined ? [] : Object.keys(body) } },
    );
  }
  const given = body.expires_at;
  const parsed = typeof given === 'string' ? Date.parse(given) : Number.NaN;
  return {
    token,
    expiresAtText: Number.isNaN(parsed) ? undefined : (given as string),
    expiresAt: Number.isNaN(parsed) ? null : new Date(parsed),
    raw: body,
  };
}

function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200);
}
