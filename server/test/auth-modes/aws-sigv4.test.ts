/**
 * AWS_SIGV4 end to end against a simulated AWS (STS and an API, each checking SigV4 signatures with its own
 * verifier): the flow through a connect session (builtin STS and a custom STS endpoint), the connection read in
 * Nango's shape, re-assuming the role (forced, and when due on read), proxied calls signed with the temporary
 * credentials, and bad input.
 */
import { randomUUID } from 'node:crypto';
import Nango from '@nangohq/frontend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authModeSteps, type ConnectOptions } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { type AwsSimulator, startAwsSimulator } from '../support/simulated-providers/aws';
import { databaseKinds } from '../support/test-database';
import { DOCS } from './auth-mode-fixtures';

/** A role whose trust policy requires the ExternalId the app chose (a connect session default). */
const GUARDED_ROLE = 'arn:aws:iam::123456789012:role/LatchkeyReports';
/** A role without an ExternalId condition: Latchkey makes the ExternalId up. */
const OPEN_ROLE = 'arn:aws:iam::123456789012:role/LatchkeyOpen';

interface AwsRead {
  credentials: Record<string, unknown> & {
    access_key_id?: string;
    session_token?: string;
    expires_at?: string;
  };
  connection_config: Record<string, unknown>;
}

/** How a test connects: the connect session's connection config defaults, and `params[…]` in the query. */
interface AwsConnectOptions {
  connectionConfig?: Record<string, string>;
  params?: Record<string, string>;
}

function connectOptions(key: string, options: AwsConnectOptions): ConnectOptions {
  return {
    session: {
      end_user: { id: 'user-1', email: 'user@example.com' },
      ...(options.connectionConfig === undefined
        ? {}
        : { integrations_config_defaults: { [key]: { connection_config: options.connectionConfig } } }),
    },
    query: Object.entries(options.params ?? {})
      .map(([name, value]) => `&params[${name}]=${encodeURIComponent(value)}`)
      .join(''),
  };
}

describe.each(databaseKinds())('AWS_SIGV4 (%s)', (kind) => {
  let h: FlowHarness;
  let aws: AwsSimulator;
  const guardedExternalId = randomUUID();

  beforeAll(async () => {
    h = await startFlowHarness(kind, { env: { LATCHKEY_PROACTIVE_REFRESH: 'off' } });
    aws = await startAwsSimulator();
    aws.roles.set(GUARDED_ROLE, { externalId: guardedExternalId });
    aws.roles.set(OPEN_ROLE, {});
    const provider = {
      name: 'sim-aws-sigv4',
      display_name: 'Simulated AWS SigV4',
      docs: DOCS,
      auth_mode: 'AWS_SIGV4',
      // AWS's host names carry service and region; the simulated API reads them from the path instead.
      proxy: { base_url: `${aws.apiUrl}/\${connectionConfig.region}/\${connectionConfig.service}` },
      credentials: {
        role_arn: { type: 'string', title: 'IAM Role ARN', description: 'The role Latchkey assumes' },
      },
      connection_config: {
        region: { type: 'string', title: 'AWS Region', description: 'Region override', optional: true },
        service: { type: 'string', title: '', description: '', automated: true },
      },
      integration_config: {
        service: { type: 'string', title: 'AWS Service', description: 'Service signed for' },
        defaultRegion: { type: 'string', title: 'Default region', description: 'Region', optional: true },
        stsMode: { type: 'string', title: 'STS mode', description: 'builtin or custom', optional: true },
      },
    };
    await h.registerIntegration('aws', provider, {
      integration_config: {
        service: 'execute-api',
        defaultRegion: 'eu-west-1',
        stsMode: 'builtin',
        awsStsUrl: aws.stsUrl,
      },
      custom: {
        awsAccessKeyId: aws.latchkeyKey.accessKeyId,
        awsSecretAccessKey: aws.latchkeyKey.secretAccessKey,
      },
    });
    await h.createIntegration({
      unique_key: 'aws-custom-sts',
      provider: 'sim-aws-sigv4',
      integration_config: {
        service: 'execute-api',
        defaultRegion: 'us-east-2',
        stsMode: 'custom',
        stsEndpointUrl: aws.customStsUrl,
        stsAuthType: 'api_key',
        awsStsUrl: aws.stsUrl,
      },
      custom: { stsApiKey: aws.customStsApiKey },
    });
    await h.createIntegration({
      unique_key: 'aws-wrong-key',
      provider: 'sim-aws-sigv4',
      integration_config: { service: 'execute-api', defaultRegion: 'eu-west-1', awsStsUrl: aws.stsUrl },
      custom: { awsAccessKeyId: aws.latchkeyKey.accessKeyId, awsSecretAccessKey: 'not-the-secret-key' },
    });
    await h.createIntegration({
      unique_key: 'aws-unconfigured',
      provider: 'sim-aws-sigv4',
      integration_config: { service: 'execute-api', awsStsUrl: aws.stsUrl },
    });
  });
  afterAll(async () => {
    await aws?.close();
    await h?.[Symbol.asyncDispose]();
  });

  const steps = authModeSteps<AwsRead>(() => h, '/auth/aws-sigv4');
  const { read, proxied } = steps;

  const connected = (key: string, body: unknown, options: AwsConnectOptions = {}) =>
    steps.connected(key, body, connectOptions(key, options));
  const refused = (key: string, body: unknown, options: AwsConnectOptions = {}) =>
    steps.refused(key, body, connectOptions(key, options));

  const guarded = () =>
    connected('aws', { role_arn: GUARDED_ROLE }, { connectionConfig: { external_id: guardedExternalId } });

  it('assumes the role through a connect session, checks the credentials, and reads back in Nango’s shape', async () => {
    const before = { ...aws.counts, connections: await h.countConnections() };
    const id = await guarded();
    expect(aws.counts.assumeRole).toBe(before.assumeRole + 1);
    expect(aws.counts.callerIdentity).toBe(before.callerIdentity + 1);
    expect(aws.lastExternalId(GUARDED_ROLE)).toBe(guardedExternalId);
    expect(await h.countConnections()).toBe(before.connections + 1);

    const issued = aws.issued.at(-1)!;
    const { credentials, connection_config } = await read('aws', id);
    const expiresAt = issued.expiresAt.toISOString();
    expect(credentials).toEqual({
      type: 'AWS_SIGV4',
      role_arn: GUARDED_ROLE,
      region: 'eu-west-1',
      service: 'execute-api',
      access_key_id: issued.accessKeyId,
      secret_access_key: issued.secretAccessKey,
      session_token: issued.sessionToken,
      expires_at: expiresAt,
      external_id: guardedExternalId,
      raw: {
        access_key_id: issued.accessKeyId,
        secret_access_key: issued.secretAccessKey,
        session_token: issued.sessionToken,
        expires_at: expiresAt,
      },
    });
    expect(connection_config).toMatchObject({
      region: 'eu-west-1',
      service: 'execute-api',
      role_arn: GUARDED_ROLE,
      external_id: guardedExternalId,
    });
    // Fresh credentials are returned as they are.
    expect(aws.counts.assumeRole).toBe(before.assumeRole + 1);
  });

  it('signs proxied calls with the temporary credentials; the upstream body comes back unchanged', async () => {
    const id = await guarded();
    const issued = aws.issued.at(-1)!;
    const text = await proxied('aws', id, '/reports/2026%20Q1?limit=2&after=a+b');
    const call = aws.apiCalls.at(-1)!;
    expect(call).toMatchObject({
      method: 'GET',
      url: '/eu-west-1/execute-api/reports/2026%20Q1?limit=2&after=a+b',
      accessKeyId: issued.accessKeyId,
      region: 'eu-west-1',
      service: 'execute-api',
    });
    expect(call.headers['x-amz-security-token']).toBe(issued.sessionToken);
    expect(text).toBe(
      JSON.stringify({ Buckets: [{ Name: 'reports-2026' }], caller: issued.accessKeyId, path: call.url }),
    );

    // A body and the caller's own headers (DynamoDB's x-amz-target, passed as Nango-Proxy-*) are signed too.
    const body = JSON.stringify({ TableName: 'reports', Limit: 5 });
    await proxied('aws', id, '/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'nango-proxy-x-amz-target': 'DynamoDB_20120810.Scan',
      },
      body,
    });
    const signed = aws.apiCalls.at(-1)!;
    expect(signed.body).toBe(body);
    expect(signed.headers['x-amz-target']).toBe('DynamoDB_20120810.Scan');
    expect(String(signed.headers.authorization)).toMatch(/SignedHeaders=[^,]*content-type;[^,]*x-amz-target/);
  });

  it('assumes the role again on force_refresh, and the next proxied call carries the new credentials', async () => {
    const id = await guarded();
    const first = await read('aws', id);
    const assumed = aws.counts.assumeRole;
    const forced = await read('aws', id, '&force_refresh=true');
    expect(aws.counts.assumeRole).toBe(assumed + 1);
    expect(aws.lastExternalId(GUARDED_ROLE)).toBe(guardedExternalId);
    expect(forced.credentials.access_key_id).toBe(aws.issued.at(-1)!.accessKeyId);
    expect(forced.credentials.access_key_id).not.toBe(first.credentials.access_key_id);
    expect(forced.credentials.session_token).not.toBe(first.credentials.session_token);
    // The old credentials are gone: a call signed with them would be refused as an expired token.
    aws.issued.find((c) => c.accessKeyId === first.credentials.access_key_id)!.revoked = true;
    await proxied('aws', id, '/reports');
    expect(aws.apiCalls.at(-1)?.accessKeyId).toBe(forced.credentials.access_key_id);
  });

  it('assumes the role again on read when the credentials are due', async () => {
    aws.sessionSeconds = 10 * 60; // inside the 15-minute renewal buffer as soon as issued
    try {
      const id = await guarded();
      const assumed = aws.counts.assumeRole;
      const { credentials } = await read('aws', id);
      expect(aws.counts.assumeRole).toBe(assumed + 1);
      expect(credentials.access_key_id).toBe(aws.issued.at(-1)!.accessKeyId);
      await proxied('aws', id, '/reports');
      expect(aws.apiCalls.at(-1)?.accessKeyId).toBe(aws.issued.at(-1)!.accessKeyId);
    } finally {
      aws.sessionSeconds = 3600;
    }
  });

  it('makes up an ExternalId when none is given, and takes the region from the body or the params', async () => {
    const fromBody = await connected('aws', { role_arn: OPEN_ROLE, region: 'us-west-2' });
    const read1 = await read('aws', fromBody);
    const made = aws.lastExternalId(OPEN_ROLE);
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(read1.credentials).toMatchObject({ region: 'us-west-2', external_id: made });
    expect(read1.connection_config).toMatchObject({ region: 'us-west-2', external_id: made });
    await proxied('aws', fromBody, '/reports');
    expect(aws.apiCalls.at(-1)).toMatchObject({ region: 'us-west-2', url: '/us-west-2/execute-api/reports' });

    const fromParams = await connected('aws', { role_arn: OPEN_ROLE }, { params: { region: 'ap-south-1' } });
    expect((await read('aws', fromParams)).credentials.region).toBe('ap-south-1');
  });

  it('connects through the real @nangohq/frontend SDK (`auth` with AWS_SIGV4 credentials)', async () => {
    const nango = new Nango({ host: h.url, connectSessionToken: await h.createSession() });
    const assumed = aws.counts.assumeRole;
    const result = await nango.auth('aws', {
      credentials: { type: 'AWS_SIGV4', role_arn: OPEN_ROLE, region: 'eu-north-1' },
    });
    expect(result).toMatchObject({ providerConfigKey: 'aws', connectionId: expect.any(String) });
    expect(aws.counts.assumeRole).toBe(assumed + 1);
    const { credentials } = await read('aws', result.connectionId);
    expect(credentials).toMatchObject({
      region: 'eu-north-1',
      access_key_id: aws.issued.at(-1)!.accessKeyId,
    });
  });

  it('obtains credentials from a custom STS endpoint with its API key', async () => {
    const before = aws.counts.customSts;
    const id = await connected('aws-custom-sts', { role_arn: OPEN_ROLE });
    expect(aws.counts.customSts).toBe(before + 1);
    const { credentials } = await read('aws-custom-sts', id);
    expect(credentials).toMatchObject({ region: 'us-east-2', access_key_id: aws.issued.at(-1)!.accessKeyId });
    await proxied('aws-custom-sts', id, '/reports');
    expect(aws.apiCalls.at(-1)).toMatchObject({
      region: 'us-east-2',
      accessKeyId: credentials.access_key_id,
    });
    const forced = await read('aws-custom-sts', id, '&force_refresh=true');
    expect(aws.counts.customSts).toBe(before + 2);
    expect(forced.credentials.access_key_id).not.toBe(credentials.access_key_id);
  });

  it('answers 400 invalid_body naming the field for a wrong body, and stores nothing', async () => {
    const before = { assumed: aws.counts.assumeRole, connections: await h.countConnections() };
    const missing = await refused('aws', {});
    expect(missing.error.code).toBe('invalid_body');
    expect(missing.text).toContain('role_arn');
    const region = await refused('aws', { role_arn: OPEN_ROLE, region: 'evil.example#' });
    expect(region.error.code).toBe('invalid_body');
    expect(region.text).toContain('region');
    const extra = await refused('aws', { role_arn: OPEN_ROLE, secret: 'x' });
    expect(extra.error.code).toBe('invalid_body');
    expect(aws.counts.assumeRole).toBe(before.assumed);
    expect(await h.countConnections()).toBe(before.connections);
  });

  it('answers 400 when STS refuses (unknown role, wrong ExternalId, wrong Latchkey key), never a 500', async () => {
    const before = await h.countConnections();
    const unknown = await refused('aws', { role_arn: 'arn:aws:iam::123456789012:role/Nope' });
    expect(unknown.error).toMatchObject({
      code: 'token_exchange_failed',
      payload: { status: 403, provider_error: 'AccessDenied' },
    });
    const wrongId = await refused(
      'aws',
      { role_arn: GUARDED_ROLE },
      { connectionConfig: { external_id: randomUUID() } },
    );
    expect(wrongId.error.payload).toMatchObject({ provider_error: 'AccessDenied' });
    const wrongKey = await refused('aws-wrong-key', { role_arn: OPEN_ROLE });
    expect(wrongKey.error.payload).toMatchObject({ provider_error: 'SignatureDoesNotMatch' });
    expect(wrongKey.text).not.toContain('not-the-secret-key');
    expect(aws.problems.slice(-3)).toEqual(['AccessDenied', 'AccessDenied', 'SignatureDoesNotMatch']);
    expect(await h.countConnections()).toBe(before);
  });

  it('refuses a guessable ExternalId and an integration without STS credentials before calling STS', async () => {
    const before = { assumed: aws.counts.assumeRole, connections: await h.countConnections() };
    const guessable = await refused(
      'aws',
      { role_arn: OPEN_ROLE },
      { connectionConfig: { external_id: 'tenant-42' } },
    );
    expect(guessable.error.code).toBe('invalid_connection_config');
    expect(guessable.text).toContain('external_id');
    const unconfigured = await refused('aws-unconfigured', { role_arn: OPEN_ROLE, region: 'eu-west-1' });
    expect(unconfigured.error.code).toBe('integration_not_configured');
    expect(unconfigured.text).toContain('awsAccessKeyId');
    expect(aws.counts.assumeRole).toBe(before.assumed);
    expect(await h.countConnections()).toBe(before.connections);
  });
});
