/**
 * Operator sign-in with OpenID Connect as two protocol steps over openid-client: `start` builds the authorization
 * request (code flow, PKCE S256, state, nonce), `complete` validates the callback and returns the verified identity.
 * No database, no cookies: what `start` returns must come back to `complete` through the caller's own storage.
 */
import { type ErrorCode, LatchkeyError } from '@latchkey/schema';
import * as client from 'openid-client';

export interface OidcRelyingPartySettings {
  /** The issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration` and checks its `issuer`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Registered at the identity provider; sent in the authorization and the token request alike. */
  redirectUri: string;
  /** Plain-http issuers (tests against a loopback provider only). */
  allowInsecureRequests: boolean;
}

/** What the browser must bring back to the callback, unchanged (the caller keeps it sealed). */
export interface PendingOidcSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** An identity the provider vouched for (ID token signature, issuer, audience, nonce all checked). */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** Lower-cased. */
  email: string;
  emailVerified: boolean;
  name: string | null;
}

export type OidcErrorCode = Extract<ErrorCode, `oidc_${string}`>;

export class OidcSignInError extends LatchkeyError {
  declare readonly code: OidcErrorCode;

  constructor(code: OidcErrorCode, internal?: unknown) {
    super(code, undefined, { internal });
  }
}

export interface OidcRelyingParty {
  start(returnTo: string): Promise<{ url: URL; pending: PendingOidcSignIn }>;
  /** `callbackUrl` is the redirect URI with the query the provider sent. */
  complete(callbackUrl: URL, pending: PendingOidcSignIn): Promise<OidcIdentity>;
}

/** Long enough to type a password and a second factor at the provider; short enough that a lost cookie dies soon. */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60 * 1000;
const DISCOVERY_TIMEOUT_SECONDS = 10;

export function createOidcRelyingParty(settings: OidcRelyingPartySettings): OidcRelyingParty {
  // Discovered on first use, not at boot: an unreachable provider must not stop the instance from starting. A failed
  // discovery is forgotten so the next sign-in tries again.
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () => {
    discovered ??= client
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        execute: settings.allowInsecureRequests ? [client.allowInsecureRequests] : [],
        timeout: DISCOVERY_TIMEOUT_SECONDS,
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw new OidcSignInError('oidc_failed', { step: 'discovery', error: describe(error) });
      });
    return discovered;
  };

  return {
    async start(returnTo) {
      const config = await configuration();
      const pending: PendingOidcSignIn = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
        returnTo,
        expiresAt: Date.now() + PENDING_SIGN_IN_TTL_MS,
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url, pending };
    },

    async complete(callbackUrl, pending) {
      // Checked before anything reaches the provider: a callback that is not the answer to this browser's own
      // request (forged, replayed into another browser, or stale) is refused without spending its code.
      if (pending.expiresAt <= Date.now() || callbackUrl.searchParams.get('state') !== pending.state) {
        throw new OidcSignInError('oidc_state_invalid');
      }
      const config = await configuration();
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims();
        if (idToken === undefined) throw new Error('no ID token');
        // Providers that follow OIDC Core 5.4 to the letter put scope claims (email) in userinfo only.
        const claims =
          typeof idToken.email === 'string'
            ? idToken
            : { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
        if (typeof claims.email !== 'string' || claims.email === '') {
          throw new OidcSignInError('oidc_email_unverified', 'the provider returned no email claim');
        }
        return {
          issuer: idToken.iss,
          subject: idToken.sub,
          email: claims.email.trim().toLowerCase(),
          // Some providers send the boolean as a string.
          emailVerified: claims.email_verified === true || claims.email_verified === 'true',
          name: typeof claims.name === 'string' && claims.name !== '' ? claims.name : null,
        };
      } catch (error) {
        if (error instanceof OidcSignInError) throw error;
        if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied') {
          throw new OidcSignInError('oidc_denied', describe(error));
        }
        throw new OidcSignInError('oidc_failed', { step: 'callback', error: describe(error) });
      }
    },
  };
}

/** Diagnostic detail for the server log: the library's error code and the provider's error, never a token. */
function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const detail: Record<string, unknown> = { name: error.name, message: error.message };
  if ('code' in error) detail.code = error.code;
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) {
    detail.error = error.error;
    detail.errorDescription = error.error_description;
  }
  return detail;
}
