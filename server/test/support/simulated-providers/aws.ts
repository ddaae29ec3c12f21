/**
 * A simulated AWS on loopback: an STS (AssumeRole and GetCallerIdentity on AWS's Query API, plus a custom STS
 * endpoint with Nango's JSON contract) and an AWS-like API. Every signed request is checked by a SigV4 verifier
 * written here from AWS's specification, with node:crypto only (not aws4, which Latchkey signs with): the canonical
 * request and signature are recomputed from what arrived, the date must be fresh, the scope must name the right
 * region and service, and temporary keys must come with their session token and be neither expired nor revoked.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { header, hex, json, listen, readRawBody, send } from './http';

export interface AwsKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface IssuedCredentials extends AwsKeyPair {
  sessionToken: string;
  expiresAt: Date;
  roleArn: string;
  externalId: string | undefined;
  revoked: boolean;
}

/** A request the API accepted, as it arrived. */
export interface ApiCall {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  accessKeyId: string;
  region: string;
  service: string;
}

export type AwsProblem =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch'
  | 'RequestExpired'
  | 'ExpiredToken'
  | 'AccessDenied'
  | 'InvalidParameterValue'
  | 'InvalidAction';

export interface AwsSimulator extends AsyncDisposable {
  /** AWS STS's Query API (`awsStsUrl`). */
  stsUrl: string;
  /** A custom STS endpoint (`stsEndpointUrl`): JSON in, JSON out, `x-api-key` required. */
  customStsUrl: string;
  customStsApiKey: string;
  /** The API: `<apiUrl>/<region>/<service>/…`; the signature's scope must name that region and service. */
  apiUrl: string;
  /** The long-lived key Latchkey's integration calls STS with. */
  latchkeyKey: AwsKeyPair;
  /** Roles that trust Latchkey; `externalId` is the trust policy's condition (any ExternalId when absent). */
  roles: Map<string, { externalId?: string }>;
  /** Long-lived IAM user keys the API accepts without a session token (BASIC entries). */
  users: AwsKeyPair[];
  issued: IssuedCredentials[];
  /** Lifetime of the credentials issued next. */
  sessionSeconds: number;
  counts: { assumeRole: number; callerIdentity: number; customSts: number; api: number };
  /** Every refusal, in order. */
  problems: AwsProblem[];
  apiCalls: ApiCall[];
  /** The body the API answers with (the proxy must pass it through unchanged). */
  apiAnswer: (call: ApiCall) => { status: number; contentType: string; body: string };
  addUser(): AwsKeyPair;
  /** The role's ExternalId from the last AssumeRole or custom STS request for it. */
  lastExternalId(roleArn: string): string | undefined;
  close(): Promise<void>;
}

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const CLOCK_SKEW_MS = 5 * 60_000;
const STATUS: Record<AwsProblem, number> = {
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  RequestExpired: 403,
  ExpiredToken: 403,
  AccessDenied: 403,
  InvalidParameterValue: 400,
  InvalidAction: 400,
};

class Refusal extends Error {
  constructor(
    readonly problem: AwsProblem,
    message: string,
  ) {
    super(message);
  }
}

export async function startAwsSimulator(): Promise<AwsSimulator> {
  const latchkeyKey = {
    accessKeyId: `AKIA${upperHex(8)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  const sim = {
    latchkeyKey,
    customStsApiKey: `sts-key-${hex(12)}`,
    roles: new Map<string, { externalId?: string }>(),
    users: [] as AwsKeyPair[],
    issued: [] as IssuedCredentials[],
    sessionSeconds: 3600,
    counts: { assumeRole: 0, callerIdentity: 0, customSts: 0, api: 0 },
    problems: [] as AwsProblem[],
    apiCalls: [] as ApiCall[],
    externalIds: new Map<string, string | undefined>(),
    apiAnswer: (call: ApiCall) => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ Buckets: [{ Name: 'reports-2026' }], caller: call.accessKeyId, path: call.url }),
    }),
  };

  /** The secret and, for a temporary key, the session token a signature must come with. */
  function keyOf(
    accessKeyId: string,
    allowLongLived: 'latchkey' | 'users',
  ): { secret: string; token?: string } {
    if (allowLongLived === 'latchkey' && accessKeyId === latchkeyKey.accessKeyId) {
      return { secret: latchkeyKey.secretAccessKey };
    }
    const user =
      allowLongLived === 'users' ? sim.users.find((u) => u.accessKeyId === accessKeyId) : undefined;
    if (user !== undefined) return { secret: user.secretAccessKey };
    const issued = sim.issued.find((c) => c.accessKeyId === accessKeyId);
    if (issued === undefined)
      throw new Refusal('InvalidClientTokenId', 'The security token included is invalid.');
    if (issued.revoked || issued.expiresAt.getTime() <= Date.now()) {
      throw new Refusal('ExpiredToken', 'The security token included in the request is expired');
    }
    return { secret: issued.secretAccessKey, token: issued.sessionToken };
  }

  function issue(roleArn: string, externalId: string | undefined): IssuedCredentials {
    const role = sim.roles.get(roleArn);
    sim.externalIds.set(roleArn, externalId);
    if (role === undefined)
      throw new Refusal('AccessDenied', `Not authorized to perform sts:AssumeRole on ${roleArn}`);
    if (role.externalId !== undefined && role.externalId !== externalId) {
      throw new Refusal('AccessDenied', `Not authorized to perform sts:AssumeRole on ${roleArn}`);
    }
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${upperHex(8)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 + sim.sessionSeconds * 1000),
      roleArn,
      externalId,
      revoked: false,
    };
    sim.issued.push(credentials);
    return credentials;
  }

  const sts = await listenWithBody(async (req, res, raw) => {
    const body = raw.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sts.local');
    if (url.pathname === '/custom-sts') return customSts(req, res, body);
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST') for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
    const action = params.get('Action');
    try {
      if (params.get('Version') !== '2011-06-15')
        throw new Refusal('InvalidAction', 'Version must be 2011-06-15');
      if (action === 'AssumeRole') {
        sim.counts.assumeRole++;
        verifySigV4(req, raw, { service: 'sts', keyOf: (id) => keyOf(id, 'latchkey') });
        const session = params.get('RoleSessionName') ?? '';
        const duration = Number(params.get('DurationSeconds') ?? '3600');
        if (!/^[\w+=,.@-]{2,64}$/.test(session))
          throw new Refusal('InvalidParameterValue', 'RoleSessionName');
        if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
          throw new Refusal('InvalidParameterValue', 'DurationSeconds');
        }
        const roleArn = params.get('RoleArn') ?? '';
        const issued = issue(roleArn, params.get('ExternalId') ?? undefined);
        return xml(res, 200, assumeRoleXml(issued, session));
      }
      if (action === 'GetCallerIdentity') {
        sim.counts.callerIdentity++;
        const { accessKeyId } = verifySigV4(req, raw, {
          service: 'sts',
          keyOf: (id) => keyOf(id, 'latchkey'),
        });
        const issued = sim.issued.find((c) => c.accessKeyId === accessKeyId);
        return xml(
          res,
          200,
          `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}"><GetCallerIdentityResult><Arn>${issued?.roleArn ?? 'arn:aws:iam::000000000000:user/latchkey'}</Arn><UserId>${accessKeyId}</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
        );
      }
      throw new Refusal('InvalidAction', `Could not find operation ${action}`);
    } catch (error) {
      return refuse(res, error);
    }
  });

  function customSts(req: IncomingMessage, res: ServerResponse, body: string): void {
    sim.counts.customSts++;
    try {
      if (req.headers['x-api-key'] !== sim.customStsApiKey) {
        throw new Refusal('MissingAuthenticationToken', 'x-api-key is missing or wrong');
      }
      const input = JSON.parse(body) as Record<string, unknown>;
      for (const field of ['role_arn', 'external_id', 'region', 'service']) {
        if (typeof input[field] !== 'string')
          throw new Refusal('InvalidParameterValue', `${field} is required`);
      }
      const issued = issue(input.role_arn as string, input.external_id as string);
      json(res, 200, {
        credentials: {
          accessKeyId: issued.accessKeyId,
          secretAccessKey: issued.secretAccessKey,
          sessionToken: issued.sessionToken,
          expiration: Math.floor(issued.expiresAt.getTime() / 1000),
        },
      });
    } catch (error) {
      refuse(res, error);
    }
  }

  const api = await listenWithBody((req, res, raw) => {
    sim.counts.api++;
    const url = new URL(req.url ?? '/', 'http://api.local');
    const [, region = '', service = ''] = url.pathname.split('/');
    try {
      const { accessKeyId } = verifySigV4(req, raw, {
        service,
        region,
        keyOf: (id) => keyOf(id, 'users'),
      });
      const call: ApiCall = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw.toString('utf8'),
        accessKeyId,
        region,
        service,
      };
      sim.apiCalls.push(call);
      const answer = sim.apiAnswer(call);
      send(res, answer.status, answer.body, answer.contentType);
    } catch (error) {
      refuse(res, error);
    }
  });

  function refuse(res: ServerResponse, error: unknown): void {
    if (!(error instanceof Refusal)) {
      res.writeHead(500).end(String(error));
      return;
    }
    sim.problems.push(error.problem);
    xml(
      res,
      STATUS[error.problem],
      `<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>Sender</Type><Code>${error.problem}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
  }

  const close = async () => {
    await Promise.all([sts.close(), api.close()]);
  };
  return Object.assign(sim, {
    stsUrl: `${sts.url}/`,
    customStsUrl: `${sts.url}/custom-sts`,
    apiUrl: api.url,
    addUser() {
      const user = { accessKeyId: `AKIA${upperHex(8)}`, secretAccessKey: randomBytes(30).toString('base64') };
      sim.users.push(user);
      return user;
    },
    lastExternalId: (roleArn: string) => sim.externalIds.get(roleArn),
    close,
    [Symbol.asyncDispose]: close,
  });
}

// --- SigV4 verification (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html)

interface VerifyOptions {
  service: string;
  /** The region the scope must name; any region when absent (STS answers for every region here). */
  region?: string;
  keyOf(accessKeyId: string): { secret: string; token?: string };
}

/** Checks the request's SigV4 signature; returns the key that signed it. @throws Refusal */
export function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  options: VerifyOptions,
): { accessKeyId: string } {
  const authorization = req.headers.authorization;
  if (authorization === undefined)
    throw new Refusal('MissingAuthenticationToken', 'Missing Authentication Token');
  const parsed =
    /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (parsed === null) throw new Refusal('IncompleteSignature', 'Authorization header is malformed');
  const [, accessKeyId = '', scopeDate, region = '', service, signedHeaderList = '', signature = ''] = parsed;
  const signedNames = signedHeaderList.split(';');
  const amzDate = header(req, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new Refusal('IncompleteSignature', 'x-amz-date is missing or malformed');
  }
  for (const required of ['host', 'x-amz-date']) {
    if (!signedNames.includes(required))
      throw new Refusal('IncompleteSignature', `${required} must be signed`);
  }
  if (
    [...signedNames].sort().join(';') !== signedHeaderList ||
    new Set(signedNames).size !== signedNames.length
  ) {
    throw new Refusal('IncompleteSignature', 'SignedHeaders must be sorted and unique');
  }
  const at = Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15)),
  );
  if (Math.abs(Date.now() - at) > CLOCK_SKEW_MS) throw new Refusal('RequestExpired', 'Signature expired');
  if (scopeDate !== amzDate.slice(0, 8))
    throw new Refusal('SignatureDoesNotMatch', 'Scope date is not the date');
  if (service !== options.service)
    throw new Refusal('SignatureDoesNotMatch', `Scope names service ${service}`);
  if (options.region !== undefined && region !== options.region) {
    throw new Refusal('SignatureDoesNotMatch', `Scope names region ${region}`);
  }
  const key = options.keyOf(accessKeyId);
  if (key.token !== undefined) {
    if (header(req, 'x-amz-security-token') !== key.token) {
      throw new Refusal('InvalidClientTokenId', 'The security token included in the request is invalid');
    }
    if (!signedNames.includes('x-amz-security-token')) {
      throw new Refusal('IncompleteSignature', 'x-amz-security-token must be signed');
    }
  }

  const bodyHash = sha256Hex(body);
  const announced = header(req, 'x-amz-content-sha256');
  if (announced !== undefined && announced !== bodyHash) {
    throw new Refusal('SignatureDoesNotMatch', 'x-amz-content-sha256 does not match the body');
  }
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
  const canonicalRequest = [
    req.method ?? 'GET',
    canonicalUri(rawPath),
    canonicalQuery(rawQuery),
    `${signedNames.map((name) => `${name}:${canonicalHeaderValue(req, name)}\n`).join('')}`,
    signedHeaderList,
    bodyHash,
  ].join('\n');
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let signingKey = hmac(`AWS4${key.secret}`, scopeDate ?? '');
  for (const part of [region, service ?? '', 'aws4_request']) signingKey = hmac(signingKey, part);
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Refusal('SignatureDoesNotMatch', 'The request signature we calculated does not match');
  }
  return { accessKeyId };
}

/** Non-S3 services: each segment of the path as received is URI-encoded once more (AWS encodes twice). */
function canonicalUri(rawPath: string): string {
  const normalized = rawPath === '' ? '/' : rawPath;
  return normalized
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

function canonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
      return at === -1 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
    })
    .map(([name = '', value = '']) => [uriEncode(name), uriEncode(value)] as const);
  pairs.sort(([an, av], [bn, bv]) => (an === bn ? compare(av, bv) : compare(an, bn)));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function canonicalHeaderValue(req: IncomingMessage, name: string): string {
  const value = header(req, name);
  if (value === undefined) throw new Refusal('SignatureDoesNotMatch', `Signed header ${name} is absent`);
  return value.trim().replace(/\s+/g, ' ');
}

/** AWS's UriEncode: everything but unreserved characters (A-Z a-z 0-9 - _ . ~) percent-encoded, upper-case hex. */
function uriEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

// --- plumbing ---------------------------------------------------------------------------------------------------

function assumeRoleXml(issued: IssuedCredentials, session: string): string {
  const role = issued.roleArn.split('/').at(-1) ?? 'role';
  return `<AssumeRoleResponse xmlns="${STS_NAMESPACE}">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/${escapeXml(role)}/${session}</Arn>
      <AssumedRoleId>AROA${upperHex(8)}:${session}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>
      <SessionToken>${issued.sessionToken}</SessionToken>
      <Expiration>${issued.expiresAt.toISOString()}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

function xml(res: ServerResponse, status: number, body: string): void {
  send(res, status, body, 'text/xml');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function upperHex(bytes: number): string {
  return hex(bytes).toUpperCase();
}

/** A loopback server whose handler gets the whole body, as the signature covers it; a crash answers 500 as text. */
function listenWithBody(handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => unknown) {
  return listen(
    async (req, res) => handle(req, res, await readRawBody(req)),
    (res, error) => res.writeHead(500).end(String(error)),
  );
}
