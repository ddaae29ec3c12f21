/** Types for `oauth-sign` 0.9.0 (CommonJS, no bundled types), only as far as the OAuth 1.0a test provider uses it. */
declare module 'oauth-sign' {
  type OAuthSignParams = Record<string, string | string[]>;

  interface OAuthSign {
    /** Returns the base64 signature (or the PLAINTEXT key) for a request. */
    sign(
      signatureMethod: 'HMAC-SHA1' | 'HMAC-SHA256' | 'RSA-SHA1' | 'PLAINTEXT',
      httpMethod: string,
      baseUri: string,
      params: OAuthSignParams,
      consumerSecret: string,
      tokenSecret?: string,
    ): string;
    generateBase(httpMethod: string, baseUri: string, params: OAuthSignParams): string;
    rfc3986(value: string): string;
  }

  const oauthSign: OAuthSign;
  export default oauthSign;
}
