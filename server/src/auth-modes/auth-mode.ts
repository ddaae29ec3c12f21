/**
 * The one interface every auth mode implements. A mode is everything Latchkey knows about one kind of credential:
 * how an end user obtains it (one request, or a redirect and a callback), how it is renewed, and what it adds to a
 * request sent to the provider. The flows, the refresher, the proxy and credential verification hold no mode-specific
 * code: they look the mode up in the registry (registry.ts) and call these functions.
 *
 * Layering: modes sit below the services (auth-flows, credentials, proxy, connections) and above provider-requests
 * (templates, provider URLs, connection config) and platform. A mode never imports a service.
 */
import type { AuthMode, Provider } from '@latchkey/providers';
import type { Credentials } from '@latchkey/schema';
import type { z } from 'zod';
import type { OutboundFetch } from '../platform/outbound/outbound.types';

/** The integration an operator configured (the app's own client), as modes see it. Secrets are opened. */
export interface ModeIntegration {
  id: string;
  uniqueKey: string;
  clientId: string | null;
  clientSecret: string | null;
  scopes: string[];
  /** GitHub App (APP, CUSTOM): the app's id, public link and PEM private key. */
  appId: string | null;
  appLink: string | null;
  privateKey: string | null;
  /** Nango's `integration_config` (e.g. AWS SigV4 `service`, `defaultRegion`), plain values. */
  integrationConfig: Record<string, string>;
  /** Nango's free-form `custom` map (sealed at rest; INSTALL_PLUGIN keeps its username and password here). */
  custom: Record<string, string>;
}

/** What every step may use besides its own inputs. */
export interface ModeRuntime {
  outbound: OutboundFetch;
  /** LATCHKEY_ALLOW_PRIVATE_URLS: http and loopback provider URLs accepted (local test providers). */
  allowPrivateUrls: boolean;
  /** Latchkey's public URL, without a trailing slash. */
  publicUrl: string;
  /** The operation log of the flow or refresh, for steps worth reading about later. Never give it a secret. */
  note(message: string, detail?: Record<string, unknown>): Promise<void>;
}

/** What a flow or a renewal produced. */
export interface ObtainedCredentials {
  credentials: Credentials;
  /** When the credentials stop working and must be renewed first; null when they do not expire. */
  expiresAt: Date | null;
  /**
   * Values the provider returned that join the connection config (token_response_metadata, `installation_id`, an
   * AWS region). The end user's own values are kept where both exist (see mergeConfig).
   */
  connectionConfig?: Record<string, string>;
  /** Scopes granted, when the provider says; otherwise those requested are kept. */
  scopes?: string[];
}

/** The parts of a flow every step gets. */
export interface ModeFlowInput {
  provider: Provider;
  integration: ModeIntegration;
  /** The end user's validated connection config (session defaults applied). */
  connectionConfig: Record<string, string>;
  /** Scopes to request: integration scopes, or an override. */
  scopes: string[];
  runtime: ModeRuntime;
}

/** A mode the end user completes in one request (`POST /auth/<mode>/:integration` and friends). */
export interface DirectFlow<Input = unknown> {
  kind: 'direct';
  /**
   * Nango's endpoint paths for this mode, without the integration (`/auth/two-step`); `POST <path>/:integration`
   * is routed here. The first one is what Latchkey's own clients use.
   */
  paths: readonly string[];
  /** One line for the API reference (`Connect with an API key`). */
  summary?: string;
  /** The operation log's action name (default: the mode in lower case). */
  action?: string;
  /** The body, validated before anything runs (400 `invalid_body` naming the path on failure). */
  input: z.ZodType<Input>;
  /** Obtains the credentials; verification with the provider (proxy.verification) runs after, in the flow. */
  connect(request: ModeFlowInput & { input: Input }): Promise<ObtainedCredentials>;
  /** Skip the generic `proxy.verification` call after connect (the mode verified already, or has nothing to check). */
  skipVerification?: boolean;
}

/** A mode that sends the end user's browser to the provider and back (`/oauth/connect`, then a callback). */
export interface RedirectFlow {
  kind: 'redirect';
  /** The integration must hold a client id and secret before the flow starts (not the GitHub App modes). */
  needsClient: boolean;
  /**
   * Check what complete() obtained with the provider's `proxy.verification` before storing it (INSTALL_PLUGIN: the
   * credentials come from the integration, not from the provider's answer, so nothing else proves they work).
   */
  verifiesCredentials?: boolean;
  start(request: RedirectStart): Promise<{ target: URL; secrets: Record<string, string> }>;
  complete(request: RedirectCompletion): Promise<ObtainedCredentials>;
}

/** What a redirect flow's start() gets: where to send the end user, and how the provider finds its way back. */
export interface RedirectStart extends ModeFlowInput {
  /** 256 random bits in hex; the provider must send it back (state, or in the callback URL). */
  state: string;
  /** Latchkey's callback (`/oauth/callback`, or the environment's custom callback URL). */
  redirectUri: string;
  authorizationParams: Record<string, string>;
  userScopes: string[] | undefined;
}

/** What a redirect flow's complete() gets: the callback, and what start() kept. */
export interface RedirectCompletion extends ModeFlowInput {
  state: string;
  redirectUri: string;
  /** The callback's query (`code`, `installation_id`, `oauth_verifier`, …). */
  query: URLSearchParams;
  /** What start() kept, opened. */
  secrets: Record<string, string>;
}

/** One request to the provider, as a mode sees it when adding its credentials. */
export interface OutboundRequestShape {
  method: string;
  url: URL;
  /** Headers already set (lower-case names), for signatures that cover some of them. */
  headers: Record<string, string>;
  /**
   * The body, when the proxy holds it (see `signsBody`); undefined for a streamed body or none. Form bodies are
   * also given parsed for OAuth 1.0a (RFC 5849 §3.4.1.3.1).
   */
  body?: Buffer | undefined;
  formBody?: ReadonlyArray<[name: string, value: string]> | undefined;
}

export interface AuthorizeInput {
  provider: Provider;
  integration: ModeIntegration;
  credentials: Credentials;
  connectionConfig: Record<string, string>;
  request: OutboundRequestShape;
}

export interface RenewInput {
  provider: Provider;
  integration: ModeIntegration;
  credentials: Credentials;
  connectionConfig: Record<string, string>;
  scopes: string[];
  runtime: ModeRuntime;
}

export interface AuthModeHandler {
  mode: AuthMode;
  // biome-ignore lint/suspicious/noExplicitAny: each mode's input differs; the transport parses the body with the mode's own schema before connect() sees it.
  flow: DirectFlow<any> | RedirectFlow | undefined;
  /**
   * Refresh or re-request. Absent for credentials that never change (API key, basic). Throw a LatchkeyError; a
   * `payload.provider_error` of `invalid_grant` tells the refresher the grant is gone.
   */
  renew?(input: RenewInput): Promise<ObtainedCredentials>;
  /** Whether these credentials can be renewed now (OAuth 2.0 needs a refresh token). */
  canRenew(credentials: Credentials): boolean;
  /**
   * The headers this mode adds to a request to the provider, before the provider's `proxy.headers` templates
   * (which may override): Bearer, Basic, a signature computed over the request (whose URL already carries the
   * provider's `proxy.query` credentials). Called for every request
   * and every redirect hop, so per-request signatures are fresh each time.
   */
  authorize(input: AuthorizeInput): { headers?: Record<string, string> };
  /**
   * authorize() needs the integration's secrets (OAuth 1.0a and TBA consumers): the proxy then loads them per call.
   * Otherwise it receives the integration's id and key only.
   */
  authorizeUsesIntegration?: boolean;
  /**
   * The proxy must hold the request body so authorize() can sign it: `form` for form bodies only (OAuth 1.0a),
   * `always` for any body (AWS SigV4). Bodies beyond the proxy's buffer limit are then refused.
   */
  signsBody?: 'form' | 'always';
  /** Values the provider's templates may use: every credential field, plus Nango's names (`${accessToken}`). */
  templateValues(credentials: Credentials): Record<string, unknown>;
  /** The token a forced refresh replaces, to tell whether the refresh brought a new one. */
  currentToken(credentials: Credentials): string | undefined;
}
