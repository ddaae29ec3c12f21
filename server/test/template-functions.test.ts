/**
 * Nango's computed template values: the clock in Day.js's format tokens against fixed dates, the functions, the
 * request's own values, and `${awsSigV4(...)}` against AWS's documented signing example.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  clockValue,
  formatDate,
  splitArguments,
  templatesReadBody,
} from '../src/provider-requests/template-functions';
import { interpolateTemplate, type TemplateValues } from '../src/provider-requests/template-interpolation';

/** A Thursday morning, with every field distinct. */
const THURSDAY = new Date('2026-01-15T09:03:07.045Z');

describe('formatDate (Day.js tokens, UTC)', () => {
  it.each([
    ['YYYYMMDDTHHmmss[Z]', '20260115T090307Z'],
    ['YYYY-MM-DDTHH:mm:ss', '2026-01-15T09:03:07'],
    ['ddd, DD MMM YYYY HH:mm:ss ZZ', 'Thu, 15 Jan 2026 09:03:07 +0000'],
    ['dddd MMMM D, YY', 'Thursday January 15, 26'],
    ['M/D/YYYY h:m:s a', '1/15/2026 9:3:7 am'],
    ['hh:mm A Z', '09:03 AM +00:00'],
    ['HH:mm:ss.SSS', '09:03:07.045'],
    ['d dd', '4 Th'],
    ['[YYYY] YYYY [at] HH', 'YYYY 2026 at 09'],
    ['X', '1768467787'],
    ['x', '1768467787045'],
  ])('%s → %s', (format, expected) => {
    expect(formatDate(THURSDAY, format)).toBe(expected);
  });

  it('writes the afternoon on the 12-hour clock, and midnight as 12', () => {
    expect(formatDate(new Date('2026-01-15T21:05:00Z'), 'h A')).toBe('9 PM');
    expect(formatDate(new Date('2026-01-15T00:05:00Z'), 'hh a')).toBe('12 am');
  });

  it('pads a year below 1000 to four digits', () => {
    expect(formatDate(new Date('0999-03-04T00:00:00Z'), 'YYYY-MM-DD')).toBe('0999-03-04');
  });
});

describe('clockValue', () => {
  it('gives ISO 8601 for ${now} and the format for ${now:FORMAT}', () => {
    expect(clockValue('now', THURSDAY)).toBe('2026-01-15T09:03:07.045Z');
    expect(clockValue('now:YYYYMMDD', THURSDAY)).toBe('20260115');
  });

  it('moves the instant for ${now+N:unit:FORMAT} and ${now-N:unit:FORMAT}', () => {
    expect(clockValue('now+1:minutes:X', THURSDAY)).toBe('1768467847');
    expect(clockValue('now+90:s:HH:mm:ss', THURSDAY)).toBe('09:04:37');
    expect(clockValue('now-2:days:YYYY-MM-DD', THURSDAY)).toBe('2026-01-13');
    expect(clockValue('now+3:hour:HH', THURSDAY)).toBe('12');
    expect(clockValue('now+1:week:YYYY-MM-DD', THURSDAY)).toBe('2026-01-22');
    expect(clockValue('now+7:days:YYYY-MM-DD', THURSDAY)).toBe('2026-01-22');
  });

  it('clamps months and years to the last day of the month, as Day.js does', () => {
    expect(clockValue('now+1:month:YYYY-MM-DD', new Date('2026-01-31T10:00:00Z'))).toBe('2026-02-28');
    expect(clockValue('now+1:M:YYYY-MM-DD', new Date('2026-03-31T10:00:00Z'))).toBe('2026-04-30');
    expect(clockValue('now-1:months:YYYY-MM-DD', new Date('2026-03-31T10:00:00Z'))).toBe('2026-02-28');
    expect(clockValue('now+1:year:YYYY-MM-DD', new Date('2024-02-29T10:00:00Z'))).toBe('2025-02-28');
    expect(clockValue('now+13:months:YYYY-MM', THURSDAY)).toBe('2027-02');
  });

  it('is not a clock value otherwise', () => {
    expect(clockValue('nowhere', THURSDAY)).toBeUndefined();
    expect(clockValue('now:', THURSDAY)).toBeUndefined();
    expect(clockValue('now+1:fortnight:X', THURSDAY)).toBeUndefined();
    expect(clockValue('credentials.now', THURSDAY)).toBeUndefined();
  });
});

describe('template functions in interpolateTemplate', () => {
  const values: TemplateValues = {
    credentials: { username: 'ada', password: 's3cret', appId: 'app-1' },
    connectionConfig: { region: 'eu-west-1' },
    now: THURSDAY,
  };

  it('fills ${now:FORMAT} from the instant given, one instant for the whole template', () => {
    expect(interpolateTemplate('${now:YYYYMMDDTHHmmss[Z]}', values).value).toBe('20260115T090307Z');
    const unpinned = interpolateTemplate('${now:x}|${now:x}', {}).value.split('|');
    expect(unpinned[0]).toBe(unpinned[1]);
  });

  it('computes sha256Hex, sha256Base64 and hmacSha1Hex over filled arguments', () => {
    const sha = createHash('sha256').update('ada:app-1').digest();
    expect(interpolateTemplate('${sha256Hex(${username}:${credentials.appId})}', values).value).toBe(
      sha.toString('hex'),
    );
    expect(interpolateTemplate('${sha256Base64(${username}:${credentials.appId})}', values).value).toBe(
      sha.toString('base64'),
    );
    // The message may hold commas (a date); the key is after the last one.
    const message = 'Thu, 15 Jan 2026 09:03:07 +0000\nGET';
    expect(
      interpolateTemplate('${hmacSha1Hex(${now:ddd, DD MMM YYYY HH:mm:ss ZZ}\nGET, ${password})}', values),
    ).toEqual({
      value: createHmac('sha1', 's3cret').update(message).digest('hex'),
      missing: [],
    });
  });

  it('nests functions: Basic base64 of user and an HMAC, as Cisco Duo signs', () => {
    const request = {
      method: 'get',
      url: new URL('https://api-1.duo.example/admin/v1/users?limit=5&a=b c'),
      headers: {},
    };
    const result = interpolateTemplate(
      'Basic ${base64(${credentials.username}:${hmacSha1Hex(${now:ddd, DD MMM YYYY HH:mm:ss ZZ}\n${method}\n${host}\n${path}\n${params}, ${credentials.password})})}',
      { ...values, request },
    );
    const signed =
      'Thu, 15 Jan 2026 09:03:07 +0000\nGET\napi-1.duo.example\n/admin/v1/users\na=b%20c&limit=5';
    const hmac = createHmac('sha1', 's3cret').update(signed).digest('hex');
    expect(result).toEqual({ value: `Basic ${Buffer.from(`ada:${hmac}`).toString('base64')}`, missing: [] });
  });

  it('takes ${params} from a form body for POST', () => {
    const request = {
      method: 'POST',
      url: new URL('https://x.example/p?ignored=1'),
      headers: {},
      body: Buffer.from('z=1&a=x%2Fy'),
    };
    expect(interpolateTemplate('${params}', { request }).value).toBe('a=x%2Fy&z=1');
  });

  it('leaves request values to the credentials when there is no request', () => {
    expect(interpolateTemplate('${method}', { credentials: { method: 'cred' } }).value).toBe('cred');
    expect(interpolateTemplate('${host}', {}).missing).toEqual(['host']);
  });

  it('leaves unknown functions, wrong argument counts and missing arguments unresolved', () => {
    expect(interpolateTemplate('${unknownFn(a)}', values)).toEqual({
      value: '${unknownFn(a)}',
      missing: ['unknownFn(a)'],
    });
    expect(interpolateTemplate('${awsSigV4(a, b, c)}', values).missing).toEqual(['awsSigV4(a, b, c)']);
    expect(
      interpolateTemplate('${awsSigV4(${credentials.nope}, b, us-east-1, iam)}', values).missing,
    ).toEqual(['credentials.nope']);
    expect(interpolateTemplate('${hmacSha1Hex(no comma)}', values).missing).toEqual([
      'hmacSha1Hex(no comma)',
    ]);
  });

  it('tells the proxy which header templates read the body', () => {
    expect(
      templatesReadBody({ authorization: '${awsSigV4(${username}, ${password}, us-east-1, iam)}' }),
    ).toBe(true);
    expect(
      templatesReadBody({ a: 'Basic ${base64(${hmacSha1Hex(${method}\n${params}, ${password})})}' }),
    ).toBe(true);
    expect(
      templatesReadBody({ 'x-amz-date': '${now:YYYYMMDD}', authorization: 'Bearer ${accessToken}' }),
    ).toBe(false);
    expect(templatesReadBody(undefined)).toBe(false);
  });

  it('splits arguments outside placeholders and parentheses only', () => {
    expect(splitArguments('${a}, ${f(b, c)}, us-east-1 , ${d.e}', 'each')).toEqual([
      '${a}',
      '${f(b, c)}',
      'us-east-1',
      '${d.e}',
    ]);
    expect(splitArguments('x, y, ${z}', 'last')).toEqual(['x, y', '${z}']);
    expect(splitArguments('x, y', 'none')).toEqual(['x, y']);
  });
});

describe('${awsSigV4(accessKeyId, secretKey, region, service[, host])}', () => {
  // AWS's worked example of a SigV4 request: IAM ListUsers, signed content-type;host;x-amz-date.
  const example: TemplateValues = {
    credentials: { username: 'AKIDEXAMPLE', password: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    now: new Date('2015-08-30T12:36:00Z'),
    request: {
      method: 'GET',
      url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    },
  };
  const expected =
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
    'SignedHeaders=content-type;host;x-amz-date, ' +
    'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';

  it("gives AWS's documented signature for its example request", () => {
    const result = interpolateTemplate(
      '${awsSigV4(${credentials.username}, ${credentials.password}, us-east-1, iam)}',
      example,
    );
    expect(result).toEqual({ value: expected, missing: [] });
    // The sibling header names the same instant.
    expect(interpolateTemplate('${now:YYYYMMDDTHHmmss[Z]}', example).value).toBe('20150830T123600Z');
  });

  it('signs the host given as fifth argument instead of the request one', () => {
    const withHost = interpolateTemplate(
      '${awsSigV4(${username}, ${password}, us-east-1, iam, iam.amazonaws.com)}',
      {
        ...example,
        request: {
          ...example.request!,
          url: new URL('https://127.0.0.1:9/?Action=ListUsers&Version=2010-05-08'),
        },
      },
    );
    expect(withHost.value).toBe(expected);
  });

  it('signs host and x-amz-date only when the request has no content type, and the body hash', () => {
    const values = (body: string) => ({
      ...example,
      request: {
        method: 'POST',
        url: new URL('https://iam.amazonaws.com/'),
        headers: {},
        body: Buffer.from(body),
      },
    });
    const template = '${awsSigV4(${username}, ${password}, us-east-1, iam)}';
    const one = interpolateTemplate(template, values('Action=ListUsers')).value;
    const two = interpolateTemplate(template, values('Action=ListRoles')).value;
    expect(one).toContain('SignedHeaders=host;x-amz-date, Signature=');
    expect(one).not.toBe(two);
  });
});
