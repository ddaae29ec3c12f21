/**
 * AWS_SIGV4: the end user names an IAM role of theirs (`role_arn`) that trusts Latchkey's AWS principal under a
 * per-connection ExternalId; Latchkey assumes it through STS for temporary credentials, re-assumes it when they are
 * due, and signs every request to the provider with them (AWS Signature Version 4, `aws4`).
 */
import { randomUUID } from 'node:crypto';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { z } from 'zod';
import type { AuthModeHandler, ModeIntegration, ModeRuntime, ObtainedCredentials } from '../auth-mode';
import { sigV4Headers, type TemporaryCredentials } from './request-signing';
import {
  type AwsSigV4Settings,
  awsSigV4Settings,
  connectionExternalId,
  connectionRegion,
  isAwsRegion,
} from './sigv4-settings';
import { checkCallerIdentity, requestTemporaryCredentials } from './sts-requests';

type AwsSigV4Credentials = Extract<Credentials, { type: 'AWS_SIGV4' }>;

/** Nango's body of `POST /auth/aws-sigv4/:integration`. */
const awsSigV4InputSchema = z
  .object({
    role_arn: z.string().min(1).max(2048),
    region: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/, 'AWS region must contain only lowercase letters, digits, and hyphens')
      .optional(),
  })
  .strict();

interface Assumption {
  roleArn: string;
  externalId: string;
  region: string;
}

async function assumeRole(
  settings: AwsSigV4Settings,
  assumption: Assumption,
  runtime: ModeRuntime,
): Promise<{ obtained: ObtainedCredentials; temporary: TemporaryCredentials }> {
  const temporary = await requestTemporaryCredentials(runtime.outbound, settings, {
    ...assumption,
    service: settings.service,
  });
  await runtime.note('temporary AWS credentials obtained', {
    sts: settings.issuer.mode,
    region: assumption.region,
    service: settings.service,
    expires_at: temporary.expiresAt.toISOString(),
  });
  const expiresAt = temporary.expiresAt.toISOString();
  const credentials: AwsSigV4Credentials = {
    type: 'AWS_SIGV4',
    role_arn: assumption.roleArn,
    region: assumption.region,
    service: settings.service,
    access_key_id: temporary.accessKeyId,
    secret_access_key: temporary.secretAccessKey,
    session_token: temporary.sessionToken,
    expires_at: expiresAt,
    external_id: assumption.externalId,
    // Nango's raw: what STS issued, before Latchkey named it.
    raw: {
      access_key_id: temporary.accessKeyId,
      secret_access_key: temporary.secretAccessKey,
      session_token: temporary.sessionToken,
      expires_at: expiresAt,
    },
  };
  return { obtained: { credentials, expiresAt: temporary.expiresAt }, temporary };
}

function settingsOf(integration: ModeIntegration, runtime: ModeRuntime): AwsSigV4Settings {
  return awsSigV4Settings(integration, runtime.allowPrivateUrls);
}

export const awsSigV4Mode: AuthModeHandler = {
  mode: 'AWS_SIGV4',
  flow: {
    kind: 'direct',
    paths: ['/auth/aws-sigv4'],
    action: 'aws_sigv4',
    input: awsSigV4InputSchema,
    async connect({ integration, connectionConfig, runtime, input }) {
      const settings = settingsOf(integration, runtime);
      const assumption = {
        roleArn: input.role_arn,
        externalId: connectionExternalId(connectionConfig, randomUUID),
        region: connectionRegion(connectionConfig, input.region, settings),
      };
      const { obtained, temporary } = await assumeRole(settings, assumption, runtime);
      await checkCallerIdentity(runtime.outbound, settings, assumption.region, temporary);
      await runtime.note('temporary AWS credentials accepted by STS (GetCallerIdentity)');
      return {
        ...obtained,
        connectionConfig: {
          region: assumption.region,
          service: settings.service,
          role_arn: assumption.roleArn,
          external_id: assumption.externalId,
        },
      };
    },
  },
  /** Assumes the same role again, with the ExternalId and region the connection was made with. */
  async renew({ integration, credentials, connectionConfig, runtime }) {
    const current = credentials as AwsSigV4Credentials;
    const assumption = {
      roleArn: current.role_arn || connectionConfig.role_arn || '',
      externalId: current.external_id || connectionConfig.external_id || '',
      region: current.region || connectionConfig.region || '',
    };
    if (assumption.roleArn === '' || assumption.externalId === '' || !isAwsRegion(assumption.region)) {
      throw new LatchkeyError(
        'invalid_credentials',
        'The connection lacks the role ARN, ExternalId or region to assume its role again.',
      );
    }
    return (await assumeRole(settingsOf(integration, runtime), assumption, runtime)).obtained;
  },
  canRenew: (credentials) => credentials.type === 'AWS_SIGV4',
  authorize({ credentials, request }) {
    const current = credentials as AwsSigV4Credentials;
    return {
      headers: sigV4Headers(
        { method: request.method, url: request.url, headers: request.headers, body: request.body },
        {
          accessKeyId: current.access_key_id,
          secretAccessKey: current.secret_access_key,
          sessionToken: current.session_token,
        },
        { region: current.region, service: current.service },
        new Date(),
      ),
    };
  },
  authorizeUsesIntegration: false,
  signsBody: 'always',
  templateValues: (credentials) => ({ ...credentials }),
  currentToken: (credentials) => (credentials as AwsSigV4Credentials).session_token,
};
