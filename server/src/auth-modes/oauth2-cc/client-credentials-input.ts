/**
 * What the end user sends to `POST /oauth2/auth/:integration` (compat doc 3.4), checked against the provider entry
 * before any request: their own client (`client_id` with a secret, or a private JWK for `private_key_jwt`) and every
 * other credential the entry declares (`audience`, `tenant`), which the token request's templates may use.
 */
import { compileFieldPattern, type FieldDeclaration, type Provider } from '@latchkey/providers';
import { type FieldError, LatchkeyError } from '@latchkey/schema';

/** The client and the declared credentials, as the token request needs them. */
export interface ClientCredentialsClient {
  clientId: string;
  /** Absent for `private_key_jwt` clients, which authenticate with the key. */
  clientSecret: string | undefined;
  /** A private JWK (JSON text) for `private_key_jwt`. */
  clientPrivateKey: string | undefined;
  /** The entry's other declared credentials, by name (Nango's `${credentials.audience}`). */
  extras: Record<string, string>;
}

/** Body fields of the endpoint itself; any other field must be a credential the entry declares. */
const CLIENT_FIELDS = new Set([
  'client_id',
  'client_secret',
  'client_certificate',
  'client_private_key',
  'type',
]);
/** Names the stored credentials use for themselves; a declaration cannot take them. */
const RESERVED = new Set([...CLIENT_FIELDS, 'token', 'expires_at', 'raw']);
const MAX_EXTRA_LENGTH = 4096;

/**
 * The end user's client and declared credentials from the validated body. Empty strings count as absent (a form
 * sends its empty fields).
 * @throws LatchkeyError `missing_client_id`, `missing_client_secret` (Nango's codes, checked first),
 *   `unsupported_auth_mode` for a client certificate (Latchkey's outbound requests cannot present one), or
 *   `invalid_body` naming each field that is missing, malformed or not declared.
 */
export function clientCredentialsClientOf(
  provider: Provider,
  body: Record<string, string | undefined>,
): ClientCredentialsClient {
  const given = (name: string) => {
    const value = Object.hasOwn(body, name) ? body[name]?.trim() : undefined;
    return value === '' ? undefined : value;
  };
  const clientId = given('client_id');
  const clientSecret = given('client_secret');
  const clientPrivateKey = given('client_private_key');
  if (clientId === undefined) throw new LatchkeyError('missing_client_id');
  if (clientSecret === undefined && clientPrivateKey === undefined)
    throw new LatchkeyError('missing_client_secret');
  refuseClientCertificate(provider, given('client_certificate') !== undefined);

  const method = provider.token_request_auth_method;
  if (method === 'private_key_jwt') {
    if (clientPrivateKey === undefined) {
      throw invalidBody([
        { code: 'missing', message: 'is required by private_key_jwt', path: ['client_private_key'] },
      ]);
    }
  } else if (clientSecret === undefined) {
    // A key alone authenticates nothing outside private_key_jwt and mTLS; Nango would send the bare client id.
    throw new LatchkeyError('missing_client_secret');
  }

  return { clientId, clientSecret, clientPrivateKey, extras: declaredExtras(provider, body) };
}

/**
 * Mutual TLS (Nango presents `client_certificate` with `client_private_key`, and `require_client_certificate` entries
 * need it on every call): Latchkey's outbound requests carry no client certificate, so such a connection would fail
 * at the provider later. It is refused now, naming what is missing.
 */
export function refuseClientCertificate(provider: Provider, certificateGiven: boolean): void {
  if (certificateGiven || provider.require_client_certificate === true) {
    throw new LatchkeyError(
      'unsupported_auth_mode',
      `Provider ${provider.name} authenticates with a client certificate (mutual TLS), which Latchkey cannot present yet.`,
      { payload: { unsupported: 'client_certificate' } },
    );
  }
}

/** The declared credentials beyond the client: required unless optional, checked as declared, nothing undeclared. */
function declaredExtras(
  provider: Provider,
  body: Record<string, string | undefined>,
): Record<string, string> {
  const declared = Object.entries(provider.credentials ?? {}).filter(([name]) => !CLIENT_FIELDS.has(name));
  const errors: FieldError[] = [];
  for (const name of Object.keys(body)) {
    if (CLIENT_FIELDS.has(name) || declared.some(([field]) => field === name)) continue;
    errors.push({
      code: 'unrecognized_keys',
      message: 'is not a credential this provider declares',
      path: [name],
    });
  }
  const extras: Array<[string, string]> = [];
  for (const [name, declaration] of declared) {
    if (RESERVED.has(name)) continue;
    const raw = Object.hasOwn(body, name) ? body[name] : undefined;
    const value = raw === undefined || raw.trim() === '' ? declaration.default_value : raw.trim();
    if (value === undefined) {
      if (declaration.optional !== true && declaration.automated !== true) {
        errors.push({ code: 'missing', message: 'is required', path: [name] });
      }
      continue;
    }
    const problem = fieldProblem(value, declaration);
    if (problem === undefined) extras.push([name, value]);
    else errors.push({ ...problem, path: [name] });
  }
  if (errors.length > 0) throw invalidBody(errors);
  // fromEntries defines own properties, so a declared name such as `__proto__` stays a plain key.
  return Object.fromEntries(extras);
}

function fieldProblem(value: string, declaration: FieldDeclaration): Omit<FieldError, 'path'> | undefined {
  if (value.length > MAX_EXTRA_LENGTH) {
    return { code: 'too_long', message: `is longer than ${MAX_EXTRA_LENGTH} characters` };
  }
  // A declared pattern this engine cannot compile is not applied (see compileFieldPattern).
  const pattern = declaration.pattern === undefined ? undefined : compileFieldPattern(declaration.pattern);
  if (pattern !== undefined && !pattern.test(value)) {
    return { code: 'invalid_format', message: 'does not match the expected pattern' };
  }
  if (declaration.enum !== undefined && !declaration.enum.includes(value)) {
    return { code: 'invalid_enum_value', message: 'is not one of the allowed values' };
  }
  return undefined;
}

function invalidBody(errors: FieldError[]): LatchkeyError {
  const summary = errors.map((error) => `${error.path.join('.')}: ${error.message}`).join('; ');
  return new LatchkeyError('invalid_body', `Invalid body: ${summary}`, { errors });
}
