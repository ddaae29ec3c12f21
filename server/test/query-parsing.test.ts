import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../src/transports/rest/middleware/request-context';

const QS_OPTIONS = { arrayLimit: 100, depth: 5, parameterLimit: 1000 };

describe('query parsing', () => {
  // The fast path must read every bracket-free query exactly as qs does.
  it.each([
    'provider_config_key=github&force_refresh=false&refresh_token=false&refresh_github_app_jwt_token=false',
    'a=1&a=2&a=3',
    'a=&b&c=%20x+y',
    'name=%E2%9C%93&emoji=%F0%9F%94%91',
    'toString=1&hasOwnProperty=2&__proto__=3&ok=4',
    'bad=%zz&also=%&x=100%25',
    '=nokey&k=v',
    'a=1&&b=2&',
    'limit=10&cursor=abc%3D%3D',
    'a==b&c=d=e&a&k=v&k=',
    'plus=a+b&pct=a%2Bb',
  ])('reads %s as qs does', (search) => {
    expect(parseQuery(search)).toEqual(qs.parse(search, QS_OPTIONS));
  });

  it('hands bracket notation to qs', () => {
    expect(parseQuery('params[subdomain]=acme&tags[team]=a&tags[env]=b&ids=1&ids=2')).toEqual({
      params: { subdomain: 'acme' },
      tags: { team: 'a', env: 'b' },
      ids: ['1', '2'],
    });
    expect(parseQuery('params%5Bsubdomain%5D=acme')).toEqual({ params: { subdomain: 'acme' } });
  });

  it('stops at the parameter limit like qs', () => {
    const search = Array.from({ length: 1200 }, (_, i) => `k${i}=${i}`).join('&');
    expect(Object.keys(parseQuery(search))).toHaveLength(1000);
    expect(parseQuery(search)).toEqual(qs.parse(search, QS_OPTIONS));
  });
});
