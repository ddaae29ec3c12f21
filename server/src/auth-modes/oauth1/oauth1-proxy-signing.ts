/** Signing of resource requests made with an OAuth 1.0a connection's token credentials (used by the proxy). */
import { type OAuth1Parameter, type OAuth1SignatureMethod, signRequest } from './oauth1-signature';

export interface ProxyRequestSigningOptions {
  method: string;
  /** The full upstream URL; its query parameters are signed. */
  url: string | URL;
  consumerKey: string;
  consumerSecret: string;
  /** The connection's `oauth_token` and `oauth_token_secret`. */
  accessToken: string;
  accessTokenSecret: string;
  signatureMethod: OAuth1SignatureMethod;
  /** Only for `application/x-www-form-urlencoded` bodies; other bodies are not signed (RFC 5849 §3.4.1.3.1). */
  formBody?: readonly OAuth1Parameter[];
}

/** The `Authorization` header for a request to a protected resource (RFC 5849 §3.1). */
export function signProxyRequest(options: ProxyRequestSigningOptions): string {
  return signRequest({
    method: options.method,
    url: options.url,
    consumerKey: options.consumerKey,
    consumerSecret: options.consumerSecret,
    token: options.accessToken,
    tokenSecret: options.accessTokenSecret,
    signatureMethod: options.signatureMethod,
    bodyParams: options.formBody,
  });
}
