/**
 * The AWS SigV4 settings an operator gives the integration, under Nango's names: `service`, `defaultRegion`, and how
 * temporary credentials are issued (`stsMode`): `builtin` calls AWS STS AssumeRole signed with Latchkey's own
 * long-lived keys (`awsAccessKeyId`, `awsSecretAccessKey`); `custom` posts to the operator's endpoint
 * (`stsEndpointUrl`, with `stsAuthType` `api_key` or `basic`). Secrets belong in the integration's sealed `custom`
 * map, as in Nango; plain values may also sit in `integration_config`. `awsStsUrl` is Latchkey's own addition: the
 * AWS STS endpoint to use instead of `https://sts.<region>.amazonaws.com/` (an AWS-compatible STS, a test's).
 */
import { LatchkeyError } from '@latchkey/schema';
import type { ModeIntegration } from '../auth-mode';

export type StsAuth =
  | { type: 'api_key'; header: string; value: string }
  | { type: 'basic'; username: string; password: string };

export type StsIssuer =
  | { mode: 'builtin'; accessKeyId: string; secretAccessKey: string }
  | { mode: 'custom'; url: URL; auth: StsAuth | undefined };

export interface AwsSigV4Settings {
  service: string;
  defaultRegion: string | undefined;
  issuer: StsIssuer;
  /** Set when the operator points Latchkey at another STS than AWS's regional one. */
  stsUrl: URL | undefined;
}

/** AWS's shape of a region (`us-east-1`, `us-gov-west-1`): it is placed in host names, so nothing else passes. */
const REGION = /^[a-z0-9-]{1,64}$/;
const SERVICE = /^[a-z0-9-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isAwsRegion(value: string): boolean {
  return REGION.test(value);
}

/** @throws LatchkeyError `integration_not_configured` naming the setting that is missing or wrong (never a secret). */
export function awsSigV4Settings(integration: ModeIntegration, allowHttp: boolean): AwsSigV4Settings {
  const setting = (name: string): string | undefined => {
    const value = integration.custom[name] || integration.integrationConfig[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const refuse = (what: string) =>
    new LatchkeyError('integration_not_configured', `Integration ${integration.uniqueKey} ${what}.`);

  const service = setting('service');
  if (service === undefined) throw refuse('has no AWS service (integration_config.service)');
  if (!SERVICE.test(service))
    throw refuse('has an AWS service that is not lower-case letters, digits and dashes');
  const defaultRegion = setting('defaultRegion');
  if (defaultRegion !== undefined && !isAwsRegion(defaultRegion))
    throw refuse('has an invalid defaultRegion');
  const stsUrlSetting = setting('awsStsUrl');
  const stsUrl =
    stsUrlSetting === undefined
      ? undefined
      : endpointUrl(stsUrlSetting, allowHttp, () => refuse('has an invalid awsStsUrl'));

  // Nango's form defaults to builtin; an integration made through the API without stsMode is read by what it holds.
  const mode =
    setting('stsMode') ??
    (setting('awsAccessKeyId') === undefined && setting('stsEndpointUrl') !== undefined
      ? 'custom'
      : 'builtin');
  if (mode === 'builtin') {
    const accessKeyId = setting('awsAccessKeyId');
    const secretAccessKey = setting('awsSecretAccessKey');
    if (accessKeyId === undefined || secretAccessKey === undefined) {
      throw refuse('has no AWS access key for STS (awsAccessKeyId and awsSecretAccessKey)');
    }
    return { service, defaultRegion, stsUrl, issuer: { mode, accessKeyId, secretAccessKey } };
  }
  if (mode !== 'custom') throw refuse(`has an unknown stsMode (builtin or custom)`);
  const urlSetting = setting('stsEndpointUrl');
  if (urlSetting === undefined) throw refuse('has no STS endpoint (stsEndpointUrl)');
  const url = endpointUrl(urlSetting, allowHttp, () => refuse('has an invalid stsEndpointUrl'));
  return { service, defaultRegion, stsUrl, issuer: { mode, url, auth: stsAuth(setting, refuse) } };
}

function stsAuth(
  setting: (name: string) => string | undefined,
  refuse: (what: string) => LatchkeyError,
): StsAuth | undefined {
  const type = setting('stsAuthType') ?? 'none';
  if (type === 'none') return undefined;
  if (type === 'api_key') {
    const value = setting('stsApiKey');
    if (value === undefined) throw refuse('has stsAuthType api_key but no stsApiKey');
    return { type, header: (setting('stsAuthHeader') ?? 'x-api-key').toLowerCase(), value };
  }
  if (type === 'basic') {
    const password = setting('stsAuthPassword');
    if (password === undefined) throw refuse('has stsAuthType basic but no stsAuthPassword');
    return { type, username: setting('stsAuthUsername') ?? '', password };
  }
  throw refuse('has an unknown stsAuthType (none, api_key or basic)');
}

/** An https URL (http too when private URLs are allowed), without credentials in it. */
function endpointUrl(value: string, allowHttp: boolean, refuse: () => LatchkeyError): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse();
  }
  const schemeAllowed = url.protocol === 'https:' || (allowHttp && url.protocol === 'http:');
  if (!schemeAllowed || url.username !== '' || url.password !== '') throw refuse();
  return url;
}

/**
 * The region a connection signs for: the connection config's (the end user's, or the one a reconnect keeps), else
 * the body's, else the integration's default. The connection config comes first because it is what the connection
 * stores, and the proxy's base URL is built from it: credentials and URL must name the same region.
 */
export function connectionRegion(
  connectionConfig: Record<string, string>,
  bodyRegion: string | undefined,
  settings: AwsSigV4Settings,
): string {
  const configured = connectionConfig.region;
  if (configured !== undefined && configured !== '') {
    if (!isAwsRegion(configured))
      throw invalidConfig(
        'region',
        'is not an AWS region (lower-case letters, digits and dashes)',
        'invalid_format',
      );
    return configured;
  }
  const region = bodyRegion || settings.defaultRegion;
  if (region === undefined)
    throw invalidConfig(
      'region',
      'is missing: no region given and the integration has no defaultRegion',
      'missing',
    );
  return region;
}

/**
 * The ExternalId the customer's role trust policy names: kept per connection. One chosen by the app (a connect
 * session's default, as Nango's Connect UI sends it) must be a UUID; otherwise Latchkey makes one.
 */
export function connectionExternalId(connectionConfig: Record<string, string>, newId: () => string): string {
  const given = connectionConfig.external_id;
  if (given === undefined || given === '') return newId();
  if (!UUID.test(given)) throw invalidConfig('external_id', 'is not a UUID', 'invalid_format');
  return given;
}

function invalidConfig(field: string, reason: string, code: string): LatchkeyError {
  return new LatchkeyError(
    'invalid_connection_config',
    `Invalid connection configuration: ${field}: ${reason}`,
    {
      errors: [{ code, message: reason, path: ['params', field] }],
    },
  );
}
