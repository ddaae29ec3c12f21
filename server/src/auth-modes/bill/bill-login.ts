/**
 * BILL's session login (Connect API v3 `POST /v3/login`): the user's name and password, the organization and the
 * developer key in, a session id out. BILL has no refresh: a session is renewed by logging in again.
 */
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import type { OutboundFetch, OutboundResponse } from '../../platform/outbound/outbound.types';
import { parseJsonObject } from '../mode-helpers';

export type BillCredentials = Extract<Credentials, { type: 'BILL' }>;

/** What a login needs: the end user's four values. */
export interface BillLogin {
  username: string;
  password: string;
  organizationId: string;
  devKey: string;
}

/**
 * BILL ends a session after 35 idle minutes and the login answer says nothing about it; Nango assumes the same
 * lifetime, so the session is renewed before then (minus the refresher's margin).
 */
export const BILL_SESSION_LIFETIME_MS = 35 * 60 * 1000;

/** Sends the login as JSON, with the field names BILL's API (and Nango) use. */
export function billLoginRequest(
  outbound: OutboundFetch,
  loginUrl: URL,
  login: BillLogin,
): Promise<OutboundResponse> {
  return outbound({
    method: 'POST',
    url: loginUrl.href,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      username: login.username,
      password: login.password,
      organizationId: login.organizationId,
      devKey: login.devKey,
    }),
    maxRedirects: 0,
  });
}

/**
 * The stored credentials from a login answer: the inputs (needed to log in again), the session and its assumed end.
 * @throws LatchkeyError `token_exchange_failed` (payload: the provider's status) when BILL refuses the login,
 * `unable_to_parse_token_response` when a 2xx answer carries no session id.
 */
export function processBillLoginResponse(
  response: OutboundResponse,
  login: BillLogin,
  now: Date = new Date(),
): { credentials: BillCredentials; expiresAt: Date } {
  if (response.status < 200 || response.status >= 300) {
    throw new LatchkeyError(
      'token_exchange_failed',
      `The provider refused the login (HTTP ${response.status}).`,
      {
        payload: { status: response.status },
      },
    );
  }
  const raw = parseJsonObject(response.text);
  const sessionId = raw?.sessionId;
  if (raw === undefined || typeof sessionId !== 'string' || sessionId === '') {
    throw new LatchkeyError('unable_to_parse_token_response', 'The login answer carries no sessionId.', {
      payload: { status: response.status },
    });
  }
  const expiresAt = new Date(now.getTime() + BILL_SESSION_LIFETIME_MS);
  const userId = raw.userId;
  return {
    credentials: {
      type: 'BILL',
      username: login.username,
      password: login.password,
      organization_id: login.organizationId,
      dev_key: login.devKey,
      session_id: sessionId,
      ...(typeof userId === 'string' || typeof userId === 'number' ? { user_id: String(userId) } : {}),
      expires_at: expiresAt.toISOString(),
      raw,
    },
    expiresAt,
  };
}

/** The login inputs kept in stored credentials, for a new login. */
export function loginOf(credentials: BillCredentials): BillLogin {
  return {
    username: credentials.username,
    password: credentials.password,
    organizationId: credentials.organization_id,
    devKey: credentials.dev_key,
  };
}
