/**
 * Temporary AWS credentials for a customer's role: STS AssumeRole (AWS's Query API, signed with Latchkey's own keys)
 * or the operator's custom STS endpoint (Nango's JSON contract), and the GetCallerIdentity check of what came back.
 * Requests are built and responses read by pure functions; the two `request…` functions make the calls.
 */
import { randomBytes } from 'node:crypto';
import { LatchkeyError } from '@latchkey/schema';
import type {
  OutboundFetch,
  OutboundRequest,
  OutboundResponse,
} from '../../platform/outbound/outbound.types';
import { basicAuthorization } from '../mode-helpers';
import { sigV4Headers, type TemporaryCredentials } from './request-signing';
import type { AwsSigV4Settings, StsIssuer } from './sigv4-settings';

export interface AssumeRoleInput {
  roleArn: string;
  externalId: string;
  region: string;
  service: string;
}

const STS_VERSION = '2011-06-15';
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
/** What STS grants by default and Nango asks for; renewal comes before the end (the refresher's buffer). */
const SESSION_SECONDS = 3600;

/** AWS STS for a region: the operator's `awsStsUrl`, else AWS's regional endpoint. */
export function stsEndpoint(settings: AwsSigV4Settings, region: string): URL {
  return new URL(settings.stsUrl ?? `https://sts.${region}.amazonaws.com/`);
}

/** The AssumeRole call of builtin mode (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
export function assumeRoleRequest(
  settings: AwsSigV4Settings,
  issuer: Extract<StsIssuer, { mode: 'builtin' }>,
  input: AssumeRoleInput,
  instant: Date,
): OutboundRequest {
  const url = stsEndpoint(settings, input.region);
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    RoleArn: input.roleArn,
    ExternalId: input.externalId,
    RoleSessionName: `latchkey-${randomBytes(8).toString('hex')}`,
    DurationSeconds: String(SESSION_SECONDS),
    Version: STS_VERSION,
  }).toString();
  const base = { 'content-type': FORM };
  const headers = {
    ...base,
    ...sigV4Headers(
      { method: 'POST', url, headers: base, body },
      { accessKeyId: issuer.accessKeyId, secretAccessKey: issuer.secretAccessKey },
      { region: input.region, service: 'sts' },
      instant,
    ),
  };
  return { method: 'POST', url: url.href, headers, body, maxRedirects: 0 };
}

/** The custom mode's call: Nango's JSON body, the operator's API key or basic credentials. */
export function customStsRequest(
  issuer: Extract<StsIssuer, { mode: 'custom' }>,
  input: AssumeRoleInput,
): OutboundRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (issuer.auth?.type === 'api_key') headers[issuer.auth.header] = issuer.auth.value;
  if (issuer.auth?.type === 'basic')
    headers.authorization = basicAuthorization(issuer.auth.username, issuer.auth.password);
  const body = JSON.stringify({
    role_arn: input.roleArn,
    external_id: input.externalId,
    region: input.region,
    service: input.service,
  });
  return { method: 'POST', url: issuer.url.href, headers, body, maxRedirects: 0 };
}

/**
 * The credentials in an answer: AssumeRole's XML (or its JSON form), or a custom endpoint's JSON (`credentials`
 * wrapper optional, camelCase or snake_case, expiry in ISO, Unix seconds or milliseconds). Without an expiry, an hour.
 * @throws LatchkeyError `token_exchange_failed` (a refusal, with STS's error code) or `unable_to_parse_token_response`.
 */
export function processStsResponse(response: OutboundResponse, now: Date): TemporaryCredentials {
  if (response.status < 200 || response.status >= 300) {
    const code = stsErrorCode(response.text);
    throw new LatchkeyError(
      'token_exchange_failed',
      `AWS STS refused to issue temporary credentials (HTTP ${response.status}${code === undefined ? '' : `, ${code}`}).`,
      { payload: { status: response.status, ...(code === undefined ? {} : { provider_error: code }) } },
    );
  }
  const found = fromJson(response.text) ?? fromXml(response.text);
  if (found === undefined) {
    throw new LatchkeyError(
      'unable_to_parse_token_response',
      'The STS answer holds no temporary credentials.',
      {
        internal: { status: response.status },
      },
    );
  }
  const expiresAt = expiryOf(found.expiration) ?? new Date(now.getTime() + SESSION_SECONDS * 1000);
  return {
    accessKeyId: found.accessKeyId,
    secretAccessKey: found.secretAccessKey,
    sessionToken: found.sessionToken,
    expiresAt,
  };
}

/** Obtains temporary credentials for the role, by the integration's STS mode. */
export async function requestTemporaryCredentials(
  outbound: OutboundFetch,
  settings: AwsSigV4Settings,
  input: AssumeRoleInput,
): Promise<TemporaryCredentials> {
  const { issuer } = settings;
  const request =
    issuer.mode === 'builtin'
      ? assumeRoleRequest(settings, issuer, input, new Date())
      : customStsRequest(issuer, input);
  return processStsResponse(await outbound(request), new Date());
}

/**
 * GetCallerIdentity with the temporary credentials, as Nango checks a new connection: STS answers 2xx to any valid
 * signature, whatever the role may do.
 * @throws LatchkeyError `connection_test_failed` with STS's status.
 */
export async function checkCallerIdentity(
  outbound: OutboundFetch,
  settings: AwsSigV4Settings,
  region: string,
  credentials: TemporaryCredentials,
): Promise<void> {
  const url = stsEndpoint(settings, region);
  url.searchParams.set('Action', 'GetCallerIdentity');
  url.searchParams.set('Version', STS_VERSION);
  const headers = sigV4Headers(
    { method: 'GET', url, headers: {} },
    credentials,
    { region, service: 'sts' },
    new Date(),
  );
  const response = await outbound({ method: 'GET', url: url.href, headers, maxRedirects: 0 });
  if (response.status >= 200 && response.status < 300) return;
  const code = stsErrorCode(response.text);
  throw new LatchkeyError(
    'connection_test_failed',
    `AWS STS refused the temporary credentials (HTTP ${response.status}${code === undefined ? '' : `, ${code}`}).`,
    { payload: { status: response.status, ...(code === undefined ? {} : { provider_error: code }) } },
  );
}

// --- reading answers --------------------------------------------------------------------------------------------

interface FoundCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: unknown;
}

function fromJson(text: string): FoundCredentials | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const assumed = at(body, 'AssumeRoleResponse', 'AssumeRoleResult', 'Credentials');
  if (assumed !== undefined) {
    return found(assumed.AccessKeyId, assumed.SecretAccessKey, assumed.SessionToken, assumed.Expiration);
  }
  const root = at(body);
  const payload = at(root?.credentials) ?? root;
  if (payload === undefined) return undefined;
  return found(
    payload.accessKeyId ?? payload.access_key_id,
    payload.secretAccessKey ?? payload.secret_access_key,
    payload.sessionToken ?? payload.session_token,
    payload.expiresAt ?? payload.expires_at ?? payload.expiration,
  );
}

function fromXml(text: string): FoundCredentials | undefined {
  const credentials = xmlTag(text, 'Credentials') ?? '';
  return found(
    xmlTag(credentials, 'AccessKeyId'),
    xmlTag(credentials, 'SecretAccessKey'),
    xmlTag(credentials, 'SessionToken'),
    xmlTag(credentials, 'Expiration'),
  );
}

function found(accessKeyId: unknown, secretAccessKey: unknown, sessionToken: unknown, expiration: unknown) {
  const texts = [accessKeyId, secretAccessKey, sessionToken];
  if (!texts.every((value) => typeof value === 'string' && value !== '')) return undefined;
  return {
    accessKeyId: accessKeyId as string,
    secretAccessKey: secretAccessKey as string,
    sessionToken: sessionToken as string,
    expiration,
  };
}

/** ISO text, or a number: Unix seconds below 10^12 (September 2001 in milliseconds), milliseconds above. */
function expiryOf(value: unknown): Date | undefined {
  const date =
    typeof value === 'number'
      ? new Date(value < 1e12 ? value * 1000 : value)
      : typeof value === 'string' && value !== ''
        ? new Date(value)
        : undefined;
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date;
}

/** STS's error code (`AccessDenied`, `InvalidClientTokenId`) from its XML or JSON error body. */
function stsErrorCode(text: string): string | undefined {
  const code = xmlTag(xmlTag(text, 'Error') ?? '', 'Code');
  if (code !== undefined) return code.slice(0, 100);
  try {
    const body = at(JSON.parse(text));
    const error = at(body?.Error) ?? body;
    return typeof error?.Code === 'string' ? error.Code.slice(0, 100) : undefined;
  } catch {
    return undefined;
  }
}

function xmlTag(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1]?.trim().replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => XML_ENTITIES[name]!);
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** The object at a path of keys, if every step is one. */
function at(value: unknown, ...keys: string[]): Record<string, unknown> | undefined {
  let node = value;
  for (const key of keys) node = isRecord(node) ? node[key] : undefined;
  return isRecord(node) ? node : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
