/**
 * The AWS_SIGV4 mode's protocol steps, without a Latchkey: integration settings, region and ExternalId per
 * connection, STS answers, and signatures checked by the simulated AWS's own verifier (not aws4's).
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { awsSigV4Mode } from '../../src/auth-modes/aws-sigv4/aws-sigv4.mode';
import { sigV4Headers } from '../../src/auth-modes/aws-sigv4/request-signing';
import {
  type AwsSigV4Settings,
  awsSigV4Settings,
  connectionExternalId,
  connectionRegion,
} from '../../src/auth-modes/aws-sigv4/sigv4-settings';
import {
  assumeRoleRequest,
  customStsRequest,
  processStsResponse,
} from '../../src/auth-modes/aws-sigv4/sts-requests';
import type { OutboundResponse } from '../../src/platform/outbound/outbound.types';
import { verifySigV4 } from '../support/simulated-providers/aws';
import { latchkeyErrorOf, modeIntegration } from './auth-mode-fixtures';

function integration(settings: { custom?: Record<string, string>; config?: Record<string, string> }) {
  return modeIntegration({
    uniqueKey: 'aws',
    integrationConfig: settings.config ?? {},
    custom: settings.custom ?? {},
  });
}

const KEYS = { awsAccessKeyId: 'AKIAEXAMPLE0001', awsSecretAccessKey: 'long-lived-secret' };
const UUID = '6f1c2d4e-8a9b-4c0d-9e1f-2a3b4c5d6e7f';

/** The parts of an IncomingMessage the verifier reads. */
function received(method: string, url: URL, headers: Record<string, string>): IncomingMessage {
  return {
    method,
    url: `${url.pathname}${url.search}`,
    headers: { ...headers, host: url.host },
  } as IncomingMessage;
}

describe('awsSigV4Settings', () => {
  it('reads builtin mode from the sealed custom map and plain values from integration_config', () => {
    const settings = awsSigV4Settings(
      integration({
        custom: { ...KEYS, stsMode: 'builtin' },
        config: { service: 's3', defaultRegion: 'eu-west-1' },
      }),
      false,
    );
    expect(settings).toEqual({
      service: 's3',
      defaultRegion: 'eu-west-1',
      stsUrl: undefined,
      issuer: { mode: 'builtin', accessKeyId: KEYS.awsAccessKeyId, secretAccessKey: KEYS.awsSecretAccessKey },
    });
  });

  it('reads custom mode with its API key or basic credentials, and infers the mode from what is there', () => {
    const apiKey = awsSigV4Settings(
      integration({
        custom: { stsApiKey: 'k-1' },
        config: {
          service: 'execute-api',
          stsEndpointUrl: 'https://sts.example.com/assume',
          stsAuthType: 'api_key',
        },
      }),
      false,
    );
    expect(apiKey.issuer).toEqual({
      mode: 'custom',
      url: new URL('https://sts.example.com/assume'),
      auth: { type: 'api_key', header: 'x-api-key', value: 'k-1' },
    });
    const basic = awsSigV4Settings(
      integration({
        config: { service: 'execute-api', stsMode: 'custom', stsEndpointUrl: 'https://sts.example.com/' },
        custom: { stsAuthType: 'basic', stsAuthUsername: 'u', stsAuthPassword: 'p' },
      }),
      false,
    );
    expect(basic.issuer).toMatchObject({ auth: { type: 'basic', username: 'u', password: 'p' } });
  });

  it.each([
    [{ config: {} }, 'has no AWS service'],
    [{ config: { service: 'S3!' } }, 'has an AWS service that is not'],
    [{ config: { service: 's3' } }, 'has no AWS access key for STS'],
    [{ config: { service: 's3', stsMode: 'other' } }, 'unknown stsMode'],
    [{ config: { service: 's3', stsMode: 'custom' } }, 'has no STS endpoint'],
    [
      { config: { service: 's3', stsMode: 'custom', stsEndpointUrl: 'http://sts.example.com/' } },
      'invalid stsEndpointUrl',
    ],
    [
      {
        config: {
          service: 's3',
          stsMode: 'custom',
          stsEndpointUrl: 'https://sts.example.com/',
          stsAuthType: 'api_key',
        },
      },
      'no stsApiKey',
    ],
    [{ config: { service: 's3', defaultRegion: 'us_east' }, custom: KEYS }, 'invalid defaultRegion'],
    [
      { config: { service: 's3', awsStsUrl: 'https://u:p@sts.example.com/' }, custom: KEYS },
      'invalid awsStsUrl',
    ],
  ])('refuses %j: %s', (settings, message) => {
    const error = latchkeyErrorOf(() => awsSigV4Settings(integration(settings), false));
    expect(error.code).toBe('integration_not_configured');
    expect(error.message).toContain(message);
  });

  it('accepts an http STS only where private URLs are allowed', () => {
    const settings = { config: { service: 's3', awsStsUrl: 'http://127.0.0.1:1/' }, custom: KEYS };
    expect(latchkeyErrorOf(() => awsSigV4Settings(integration(settings), false)).code).toBe(
      'integration_not_configured',
    );
    expect(awsSigV4Settings(integration(settings), true).stsUrl?.href).toBe('http://127.0.0.1:1/');
  });
});

describe('region and ExternalId per connection', () => {
  const settings = { defaultRegion: 'eu-central-1' } as AwsSigV4Settings;

  it('takes the connection config, then the body, then the default', () => {
    expect(connectionRegion({ region: 'us-west-2' }, 'ap-south-1', settings)).toBe('us-west-2');
    expect(connectionRegion({}, 'ap-south-1', settings)).toBe('ap-south-1');
    expect(connectionRegion({}, undefined, settings)).toBe('eu-central-1');
  });

  it('refuses a region that could move a host name, or none at all', () => {
    const invalid = latchkeyErrorOf(() => connectionRegion({ region: 'evil.example#' }, undefined, settings));
    expect(invalid.code).toBe('invalid_connection_config');
    expect(invalid.errors?.[0]?.path).toEqual(['params', 'region']);
    const none = latchkeyErrorOf(() =>
      connectionRegion({}, undefined, { defaultRegion: undefined } as AwsSigV4Settings),
    );
    expect(none.errors?.[0]).toMatchObject({ code: 'missing', path: ['params', 'region'] });
  });

  it('keeps a UUID ExternalId, makes one when none is given, refuses anything else', () => {
    expect(connectionExternalId({ external_id: UUID }, () => 'new')).toBe(UUID);
    expect(connectionExternalId({}, () => 'new')).toBe('new');
    expect(latchkeyErrorOf(() => connectionExternalId({ external_id: 'guessable' }, () => 'new')).code).toBe(
      'invalid_connection_config',
    );
  });
});

describe('STS requests and answers', () => {
  const settings = awsSigV4Settings(
    integration({ custom: KEYS, config: { service: 'execute-api', awsStsUrl: 'https://sts.example.com/' } }),
    false,
  );
  const input = {
    roleArn: 'arn:aws:iam::123456789012:role/Reports',
    externalId: UUID,
    region: 'eu-west-1',
    service: 'execute-api',
  };

  it('builds AssumeRole as a signed form POST that an independent verifier accepts', () => {
    if (settings.issuer.mode !== 'builtin') throw new Error('builtin expected');
    const request = assumeRoleRequest(settings, settings.issuer, input, new Date());
    const form = new URLSearchParams(request.body);
    expect(Object.fromEntries(form)).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: input.roleArn,
      ExternalId: UUID,
      DurationSeconds: '3600',
      Version: '2011-06-15',
    });
    expect(form.get('RoleSessionName')).toMatch(/^latchkey-[0-9a-f]{16}$/);
    const req = received('POST', new URL(request.url), request.headers!);
    const verified = verifySigV4(req, Buffer.from(request.body!), {
      service: 'sts',
      region: 'eu-west-1',
      keyOf: () => ({ secret: KEYS.awsSecretAccessKey }),
    });
    expect(verified.accessKeyId).toBe(KEYS.awsAccessKeyId);
    // The AWS default endpoint for the region, when the operator names none.
    const regional = { ...settings, stsUrl: undefined };
    expect(assumeRoleRequest(regional, settings.issuer, input, new Date()).url).toBe(
      'https://sts.eu-west-1.amazonaws.com/',
    );
  });

  it("builds the custom endpoint's JSON request with its API key", () => {
    const request = customStsRequest(
      {
        mode: 'custom',
        url: new URL('https://sts.example.com/x'),
        auth: { type: 'api_key', header: 'x-key', value: 'v' },
      },
      input,
    );
    expect(request.headers).toMatchObject({ 'x-key': 'v', 'content-type': 'application/json' });
    expect(JSON.parse(request.body!)).toEqual({
      role_arn: input.roleArn,
      external_id: UUID,
      region: 'eu-west-1',
      service: 'execute-api',
    });
  });

  const response = (status: number, text: string): OutboundResponse => ({
    status,
    text,
    headers: new Headers(),
    url: 'https://sts.example.com/',
  });
  const now = new Date('2026-01-15T09:00:00Z');

  it("reads AssumeRole's XML and JSON answers and the custom endpoint's shapes", () => {
    const xml = `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s&amp;1</SecretAccessKey><SessionToken>t1</SessionToken><Expiration>2026-01-15T10:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
    expect(processStsResponse(response(200, xml), now)).toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 's&1',
      sessionToken: 't1',
      expiresAt: new Date('2026-01-15T10:00:00Z'),
    });
    const json = {
      AssumeRoleResponse: {
        AssumeRoleResult: {
          Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: 1768471200 },
        },
      },
    };
    expect(processStsResponse(response(200, JSON.stringify(json)), now).expiresAt).toEqual(
      new Date('2026-01-15T10:00:00Z'),
    );
    const snake = {
      access_key_id: 'A',
      secret_access_key: 'S',
      session_token: 'T',
      expires_at: 1768471200000,
    };
    expect(processStsResponse(response(200, JSON.stringify(snake)), now).expiresAt).toEqual(
      new Date('2026-01-15T10:00:00Z'),
    );
    const wrapped = { credentials: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' } };
    expect(processStsResponse(response(200, JSON.stringify(wrapped)), now).expiresAt).toEqual(
      new Date('2026-01-15T10:00:00Z'),
    );
  });

  it("turns STS's refusals into token_exchange_failed with its code, and empty answers into a parse error", () => {
    const denied = latchkeyErrorOf(() =>
      processStsResponse(
        response(
          403,
          '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>',
        ),
        now,
      ),
    );
    expect(denied.code).toBe('token_exchange_failed');
    expect(denied.payload).toEqual({ status: 403, provider_error: 'AccessDenied' });
    expect(latchkeyErrorOf(() => processStsResponse(response(200, '<ok/>'), now)).code).toBe(
      'unable_to_parse_token_response',
    );
  });
});

describe('authorize (every request signed with the temporary credentials)', () => {
  const credentials = {
    type: 'AWS_SIGV4' as const,
    role_arn: 'arn:aws:iam::123456789012:role/Reports',
    region: 'eu-west-1',
    service: 'execute-api',
    access_key_id: 'ASIATEMP0001',
    secret_access_key: 'temporary-secret',
    session_token: 'session-token-1',
    raw: {},
  };
  const sign = (method: string, url: URL, headers: Record<string, string>, body?: Buffer) =>
    awsSigV4Mode.authorize({
      provider: {} as never,
      integration: integration({}),
      credentials,
      connectionConfig: {},
      request: { method, url, headers, body },
    }).headers ?? {};

  it('signs method, path, query, every header and the body, with the session token', () => {
    const url = new URL('http://127.0.0.1:4000/eu-west-1/execute-api/items/a%20b?z=2&a=1&a=0');
    const headers = {
      'content-type': 'application/json',
      'x-amz-target': 'Reports.List',
      accept: 'application/json',
    };
    const body = Buffer.from('{"limit":10}');
    const added = sign('POST', url, headers, body);
    expect(Object.keys(added).sort()).toEqual([
      'authorization',
      'x-amz-content-sha256',
      'x-amz-date',
      'x-amz-security-token',
    ]);
    expect(added.authorization).toContain(
      'SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target',
    );
    const verify = (req: IncomingMessage, sentBody: Buffer) =>
      verifySigV4(req, sentBody, {
        service: 'execute-api',
        region: 'eu-west-1',
        keyOf: () => ({ secret: 'temporary-secret', token: 'session-token-1' }),
      });
    expect(verify(received('POST', url, { ...headers, ...added }), body).accessKeyId).toBe('ASIATEMP0001');
    expect(() =>
      verify(received('POST', url, { ...headers, ...added }), Buffer.from('{"limit":11}')),
    ).toThrow('x-amz-content-sha256');
    expect(() =>
      verify(received('POST', url, { ...headers, ...added, 'x-amz-target': 'Reports.Delete' }), body),
    ).toThrow('does not match');
    expect(() => verify(received('PUT', url, { ...headers, ...added }), body)).toThrow('does not match');
  });

  it('keeps a body hash the caller announced (S3 UNSIGNED-PAYLOAD)', () => {
    const added = sign('PUT', new URL('https://bucket.s3.amazonaws.com/k'), {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    });
    expect(added['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
  });

  it('is one SigV4 step: sigV4Headers without a session token adds none', () => {
    const added = sigV4Headers(
      { method: 'GET', url: new URL('https://iam.amazonaws.com/'), headers: {} },
      { accessKeyId: 'AKIA1', secretAccessKey: 's' },
      { region: 'us-east-1', service: 'iam' },
      new Date('2026-01-15T09:03:07Z'),
    );
    expect(added['x-amz-security-token']).toBeUndefined();
    expect(added['x-amz-date']).toBe('20260115T090307Z');
  });
});
