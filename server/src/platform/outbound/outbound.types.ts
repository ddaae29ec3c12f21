/**
 * The one way Latchkey makes requests to the outside (token, refresh, verification, proxy, webhooks). The policy
 * (no private or loopback addresses unless allowed, timeouts, redirect limits) lives behind this type, so protocol
 * code takes an `OutboundFetch` and stays free of it.
 */
export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Overrides the default timeout for this request. */
  timeoutMs?: number;
  /** Redirects followed (each target re-checked against the policy); 0 means a 3xx is returned as it is. */
  maxRedirects?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  /** The body as text (bodies of auth endpoints are small; the proxy streams through another path). */
  text: string;
  /** The URL that answered (after redirects). */
  url: string;
}

/** Throws a LatchkeyError: `url_not_allowed`, `upstream_unreachable` or `upstream_timeout`. */
export type OutboundFetch = (request: OutboundRequest) => Promise<OutboundResponse>;
