/**
 * NetSuite token-based authentication: every request signed with OAuth 1.0a (RFC 5849) HMAC-SHA256 from the
 * integration's consumer and the connection's token, the account named in the `realm` (NetSuite's form of it).
 */
import { LatchkeyError } from '@latchkey/schema';
import { type OAuth1Parameter, signRequest } from '../oauth1/oauth1-signature';

/** NetSuite account ids: letters, digits, `-` and `_` (the pattern of Nango's `accountId` field). */
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * NetSuite's realm for an account id: upper case, `-` as `_` (sandbox `1234567-sb1` → `1234567_SB1`). Every dash is
 * replaced; Nango replaces the first only, which is the same for the account ids NetSuite issues (one dash at most).
 * @throws LatchkeyError `invalid_connection_config` naming `accountId` when it is missing or could break the header.
 */
export function tbaRealm(accountId: string | undefined): string {
  if (accountId === undefined || !ACCOUNT_ID.test(accountId)) {
    const missing = accountId === undefined || accountId === '';
    const problem = missing ? 'is missing' : 'is not a NetSuite account id';
    throw new LatchkeyError(
      'invalid_connection_config',
      `Invalid connection configuration: accountId: ${problem}`,
      {
        errors: [{ code: missing ? 'missing' : 'invalid', message: problem, path: ['params', 'accountId'] }],
      },
    );
  }
  return accountId.replaceAll('-', '_').toUpperCase();
}

export interface TbaSigningOptions {
  method: string;
  /** The full request URL; its query parameters are signed (RFC 5849 §3.4.1.3.1). */
  url: string | URL;
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
  accountId: string | undefined;
  /** Parameters of an `application/x-www-form-urlencoded` body, which are signed too. */
  formBody?: readonly OAuth1Parameter[];
  nonce?: string;
  timestamp?: number;
}

/**
 * The `Authorization` header of one request. The realm is not signed (RFC 5849 §3.4.1.3.1 leaves it out of the
 * base string) and leads the header, as NetSuite's examples show it.
 */
export function signTbaRequest(options: TbaSigningOptions): string {
  const header = signRequest({
    method: options.method,
    url: options.url,
    consumerKey: options.consumerKey,
    consumerSecret: options.consumerSecret,
    token: options.tokenId,
    tokenSecret: options.tokenSecret,
    signatureMethod: 'HMAC-SHA256',
    ...(options.formBody === undefined ? {} : { bodyParams: options.formBody }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
  return header.replace(/^OAuth /, `OAuth realm="${tbaRealm(options.accountId)}", `);
}
