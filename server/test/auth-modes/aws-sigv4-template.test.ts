/**
 * A BASIC entry in Nango's AWS IAM style: the access key pair as username and password, each request signed by the
 * entry's `authorization: ${awsSigV4(${credentials.username}, ${credentials.password}, us-east-1, iam)}` beside
 * `x-amz-date: ${now:YYYYMMDDTHHmmss[Z]}`. The simulated AWS API verifies every signature, so the two headers must
 * name the same instant and the signature must cover what is sent (verification request and proxied calls).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authModeSteps } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { type AwsKeyPair, type AwsSimulator, startAwsSimulator } from '../support/simulated-providers/aws';
import { databaseKinds } from '../support/test-database';

describe.each(databaseKinds())('BASIC with ${awsSigV4(...)} proxy headers (%s)', (kind) => {
  let h: FlowHarness;
  let aws: AwsSimulator;
  let user: AwsKeyPair;

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    aws = await startAwsSimulator();
    user = aws.addUser();
    await h.registerIntegration('iam', {
      name: 'sim-aws-iam',
      display_name: 'Simulated AWS IAM',
      docs: 'https://example.com/docs',
      auth_mode: 'BASIC',
      proxy: {
        base_url: `${aws.apiUrl}/us-east-1/iam`,
        headers: {
          authorization: '${awsSigV4(${credentials.username}, ${credentials.password}, us-east-1, iam)}',
          'x-amz-date': '${now:YYYYMMDDTHHmmss[Z]}',
        },
        verification: { method: 'GET', endpoints: ['/?Action=GetUser&Version=2010-05-08'] },
      },
      credentials: {
        username: { type: 'string', title: 'AWS Access Key ID', description: 'Your Access Key ID' },
        password: { type: 'string', title: 'AWS Secret Access Key', description: 'Your Secret Access Key' },
      },
    });
  });
  afterAll(async () => {
    await aws?.close();
    await h?.[Symbol.asyncDispose]();
  });

  const steps = authModeSteps(() => h, '/api-auth/basic');
  const proxied = (id: string, path: string, init?: RequestInit) => steps.proxied('iam', id, path, init);

  it('verifies the key pair with a signed request, then signs every proxied call', async () => {
    const before = aws.apiCalls.length;
    const connectionId = await steps.connected('iam', {
      username: user.accessKeyId,
      password: user.secretAccessKey,
    });
    // The verification request, signed by the template.
    expect(aws.apiCalls.length).toBe(before + 1);
    expect(aws.apiCalls.at(-1)).toMatchObject({
      url: '/us-east-1/iam/?Action=GetUser&Version=2010-05-08',
      accessKeyId: user.accessKeyId,
      service: 'iam',
    });

    const text = await proxied(connectionId, '/?Action=ListUsers&Version=2010-05-08');
    const call = aws.apiCalls.at(-1)!;
    expect(call).toMatchObject({ method: 'GET', accessKeyId: user.accessKeyId, region: 'us-east-1' });
    expect(String(call.headers.authorization)).toContain('SignedHeaders=host;x-amz-date, Signature=');
    expect(call.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(text).toBe(
      JSON.stringify({ Buckets: [{ Name: 'reports-2026' }], caller: user.accessKeyId, path: call.url }),
    );

    // A form body: its content type and its hash are signed.
    const form = 'Action=CreateUser&UserName=ada&Version=2010-05-08';
    await proxied(connectionId, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: form,
    });
    expect(aws.apiCalls.at(-1)?.body).toBe(form);
    expect(String(aws.apiCalls.at(-1)?.headers.authorization)).toContain(
      'SignedHeaders=content-type;host;x-amz-date',
    );
  });

  it('answers 400 connection_test_failed when the secret is wrong, and stores nothing', async () => {
    const problems = aws.problems.length;
    const { error, text } = await steps.refused('iam', {
      username: user.accessKeyId,
      password: 'wrong-secret-key',
    });
    expect(error.code).toBe('connection_test_failed');
    expect(text).not.toContain('wrong-secret-key');
    expect(aws.problems.slice(problems)).toEqual(['SignatureDoesNotMatch']);
  });
});
