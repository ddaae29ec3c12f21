/**
 * NetSuite TBA signing as pure functions. The expected signature below was computed outside Latchkey (Python's
 * hmac/hashlib/urllib, following RFC 5849 §3.4 step by step), so it checks our base string, key and encoding.
 */
import { describe, expect, it } from 'vitest';
import { signTbaRequest, tbaRealm } from '../../src/auth-modes/tba/tba-signing';

const URL_WITH_QUERY =
  'https://4815162-sb2.suitetalk.api.netsuite.com/services/rest/record/v1/customer?limit=5&q=companyName%20START_WITH%20%22A%26B%22';

describe('tbaRealm', () => {
  it('upper-cases the account id and turns every dash into an underscore', () => {
    expect(tbaRealm('4815162-sb2')).toBe('4815162_SB2');
    expect(tbaRealm('tstdrv231585')).toBe('TSTDRV231585');
    expect(tbaRealm('123-sb-1')).toBe('123_SB_1');
  });

  it('refuses a missing account id, or one that could break the header, naming accountId', () => {
    for (const value of [undefined, '', 'a"b', 'a, oauth_token="x"', 'acme.example']) {
      expect(() => tbaRealm(value)).toThrow(
        expect.objectContaining({
          code: 'invalid_connection_config',
          message: expect.stringContaining('accountId'),
          errors: [expect.objectContaining({ path: ['params', 'accountId'] })],
        }),
      );
    }
  });
});

describe('signTbaRequest', () => {
  const options = {
    method: 'get',
    url: URL_WITH_QUERY,
    consumerKey: 'ck-1',
    consumerSecret: 'cs&1',
    tokenId: 'tid-1',
    tokenSecret: 'ts/1',
    accountId: '4815162-sb2',
    nonce: 'n0nce',
    timestamp: 1700000000,
  };

  it('signs HMAC-SHA256 over the query parameters, the realm first and unsigned', () => {
    expect(signTbaRequest(options)).toBe(
      'OAuth realm="4815162_SB2", oauth_consumer_key="ck-1", oauth_nonce="n0nce", ' +
        'oauth_signature="1phzphDcGw7Da9bYg85%2BAjB%2BH19To9bqAsu%2FP%2F9DW3I%3D", ' +
        'oauth_signature_method="HMAC-SHA256", oauth_timestamp="1700000000", oauth_token="tid-1", ' +
        'oauth_version="1.0"',
    );
  });

  it('changes the signature when a query parameter changes, and not when only the realm does', () => {
    const signatureOf = (header: string) => /oauth_signature="([^"]+)"/.exec(header)?.[1];
    const base = signatureOf(signTbaRequest(options));
    expect(
      signatureOf(signTbaRequest({ ...options, url: URL_WITH_QUERY.replace('limit=5', 'limit=6') })),
    ).not.toBe(base);
    expect(signatureOf(signTbaRequest({ ...options, accountId: 'other-account' }))).toBe(base);
  });

  it('signs a fresh nonce and timestamp when none is given', () => {
    const { nonce: _n, timestamp: _t, ...fresh } = options;
    const first = signTbaRequest(fresh);
    const second = signTbaRequest(fresh);
    expect(first).not.toBe(second);
    const timestamp = Number(/oauth_timestamp="(\d+)"/.exec(first)?.[1]);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
  });
});
