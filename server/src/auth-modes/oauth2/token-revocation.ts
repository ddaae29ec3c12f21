/**
 * Token revocation (RFC 7009) through oauth4webapi, sent by the outbound policy and authenticated as the provider
 * authenticates its token endpoint (client-auth.ts). A protocol step: one request, an outcome, no other I/O.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import * as oauth from 'oauth4webapi';
import type { OutboundFetch } from '../../platform/outbound/outbound.types';
import { toOAuthCustomFetch } from '../../platform/outbound/outbound-fetch';
import { providerClientAuth } from './client-auth';

export interface RevocationEndpoint {
  provider: Provider;
  /** The provider's `revocation_url`, interpolated. */
  url: URL;
  clientId: string;
  clientSecret: string;
  allowInsecure: boolean;
}

/** Which token is sent (RFC 7009 §2.1 `token_type_hint`). */
export type TokenTypeHint = 'refresh_token' | 'access_token';

export type RevocationOutcome =
  | { revoked: true; status: number }
  | { revoked: false; status: number | null; error: string };

/**
 * Asks the provider to revoke `token`. Resolves with the outcome whatever the provider answers (RFC 7009 §2.2: 200
 * means revoked or already invalid); `error` names what went wrong without the token.
 */
export async function revokeToken(
  outbound: OutboundFetch,
  endpoint: RevocationEndpoint,
  token: string,
  hint: TokenTypeHint,
): Promise<RevocationOutcome> {
  let status: number | null = null;
  const customFetch = toOAuthCustomFetch(async (request) => {
    const response = await outbound(request);
    status = response.status;
    return response;
  });
  try {
    const response = await oauth.revocationRequest(
      { issuer: endpoint.url.origin, revocation_endpoint: endpoint.url.href },
      { client_id: endpoint.clientId },
      providerClientAuth(endpoint.provider, endpoint.clientSecret),
      token,
      {
        additionalParameters: { token_type_hint: hint },
        [oauth.customFetch]: customFetch,
        [oauth.allowInsecureRequests]: endpoint.allowInsecure,
      },
    );
    await oauth.processRevocationResponse(response);
    return { revoked: true, status: response.status };
  } catch (error) {
    return { revoked: false, status, error: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) {
    return error.error_description ? `${error.error}: ${error.error_description}` : error.error;
  }
  if (error instanceof LatchkeyError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
