/**
 * JWTs some TWO_STEP entries sign before their token request (RFC 7523): the `token` recipe of entries with a
 * `signature` (Google service accounts: `assertion: ${token}`), and a JWT `assertion` (`client_assertion:
 * ${credentials.assertion}`), signed with the end user's key.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { decodeJwt, SignJWT } from 'jose';
import { interpolateTemplate, type TemplateValues } from '../../provider-requests/template-interpolation';

/** Nango's margin: an assertion this close to its `exp` is signed anew. */
const ASSERTION_MARGIN_MS = 60_000;
const DEFAULT_LIFETIME_MS = 3_600_000;

export interface SigningInput {
  provider: Provider;
  credentials: Record<string, unknown>;
  connectionConfig: Record<string, string>;
  assertionOption?: Record<string, string> | undefined;
  now: Date;
  random: string;
}

/**
 * The JWT of the entry's `token` recipe, signed per `signature.protocol` (RSA, EC, or HMAC with a hex or UTF-8
 * secret). Claims whose template cannot be filled are left out, as Nango does (an optional `sub`).
 */
export async function signTokenRecipe(input: SigningInput): Promise<string> {
  const recipe = input.provider.token ?? {};
  const values = signingValues(input);
  const header = filledClaims(recipe.header ?? {}, values);
  const payload = filledClaims(recipe.payload ?? {}, values);
  const issuedAt = Math.floor(input.now.getTime() / 1000);
  payload.iat = issuedAt;
  payload.exp = issuedAt + Math.floor((recipe.expires_in_ms ?? DEFAULT_LIFETIME_MS) / 1000);
  const protocol = input.provider.signature?.protocol ?? 'RSA';
  const keyText = filled(recipe.signing_key ?? '', values);
  const key =
    protocol === 'HMAC'
      ? Buffer.from(keyText ?? '', input.provider.signature?.hmac_secret_encoding === 'utf8' ? 'utf8' : 'hex')
      : privateKeyOf(keyText);
  const alg =
    typeof header.alg === 'string'
      ? header.alg
      : protocol === 'EC'
        ? 'ES256'
        : protocol === 'HMAC'
          ? 'HS256'
          : 'RS256';
  return sign(payload, { ...header, alg }, key);
}

/** The entry's JWT `assertion`: its header and claims filled, `iat` now, `exp` after `lifetimeInSeconds`. */
export async function signAssertion(input: SigningInput): Promise<string> {
  const assertion = input.provider.assertion ?? {};
  const values = signingValues(input);
  const header = filledClaims(assertion.header ?? {}, values);
  const issuedAt = Math.floor(input.now.getTime() / 1000);
  const lifetime = Number(assertion.lifetimeInSeconds ?? DEFAULT_LIFETIME_MS / 1000);
  const payload = {
    ...filledClaims(assertion.payload ?? {}, values),
    iat: issuedAt,
    exp: issuedAt + lifetime,
  };
  const key = privateKeyOf(filled(assertion.key ?? '', values));
  const alg = typeof header.alg === 'string' ? header.alg : 'RS256';
  return sign(payload, { ...header, alg }, key);
}

/** Whether a stored assertion must be signed anew: unreadable, without `exp`, or within a minute of it. */
export function assertionExpired(assertion: unknown, now: Date): boolean {
  if (typeof assertion !== 'string' || assertion === '') return true;
  try {
    const { exp } = decodeJwt(assertion);
    return typeof exp !== 'number' || exp * 1000 - ASSERTION_MARGIN_MS <= now.getTime();
  } catch {
    return true;
  }
}

function signingValues(input: SigningInput): TemplateValues {
  return {
    now: input.now,
    connectionConfig: input.connectionConfig,
    credentials: { random: input.random, ...input.credentials, assertionOption: input.assertionOption ?? {} },
  };
}

function filled(template: string, values: TemplateValues): string | undefined {
  const result = interpolateTemplate(template, values);
  return result.missing.length === 0 ? result.value : undefined;
}

function filledClaims(template: Record<string, unknown>, values: TemplateValues): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(template)) {
    if (typeof value === 'string') {
      const text = filled(value, values);
      if (text !== undefined) claims[name] = text;
    } else if (Array.isArray(value)) {
      const items = value
        .flatMap((item) => (typeof item === 'string' ? (filled(item, values)?.split(',') ?? []) : []))
        .map((item) => item.trim())
        .filter(Boolean);
      if (items.length > 0) claims[name] = items;
    } else if (value !== undefined) {
      claims[name] = value;
    }
  }
  return claims;
}

/**
 * A PEM private key as end users paste it: with real or escaped (`\n`) line breaks, or with its lines run together.
 * @throws LatchkeyError `invalid_body` when it is not a private key.
 */
export function privateKeyOf(text: string | undefined): KeyObject {
  const pem = (text ?? '').replace(/\\n/g, '\n').trim();
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1] ?? 'PRIVATE KEY';
  const body = pem.replace(/-----(?:BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  const candidates = [
    pem,
    `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----\n`,
  ];
  for (const candidate of candidates) {
    try {
      return createPrivateKey(candidate);
    } catch {
      // try the next form
    }
  }
  throw new LatchkeyError(
    'invalid_body',
    'The private key to sign the token request with could not be read.',
  );
}

async function sign(
  payload: Record<string, unknown>,
  header: Record<string, unknown> & { alg: string },
  key: KeyObject | Uint8Array,
): Promise<string> {
  try {
    return await new SignJWT(payload).setProtectedHeader(header).sign(key);
  } catch (error) {
    throw new LatchkeyError('invalid_body', 'The token request could not be signed with the key given.', {
      internal: { reason: error instanceof Error ? error.message : String(error) },
    });
  }
}
