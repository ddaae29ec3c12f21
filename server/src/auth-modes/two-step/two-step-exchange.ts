/**
 * One TWO_STEP token exchange, for a new connection or a renewal: sign what the entry signs, send the token (or
 * refresh) request and any additional steps, map the last answer, and keep what the next exchange needs (the end
 * user's credential fields, a refresh token, session cookies, a signed assertion).
 */
import { randomUUID } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { extractTokenResponseMetadata } from '../../provider-requests/connection-config';
import type { ModeRuntime, ObtainedCredentials } from '../auth-mode';
import { assertSupported, buildStepRequest, exchangeSteps, hasRefreshRecipe } from './two-step-request';
import {
  mapTokenResponse,
  mergeHeaderValues,
  parseStepBody,
  responseHeaderValues,
} from './two-step-response';
import { assertionExpired, signAssertion, signTokenRecipe } from './two-step-signing';
import { templateScope } from './two-step-templates';

/** Nango's shape: the token, refresh token, expiry and answer, next to the end user's own credential fields. */
export type TwoStepCredentials = Extract<Credentials, { type: 'TWO_STEP' }>;

/** Credential keys the exchange writes itself; a stored or submitted value under these names is not carried over. */
const OWN_KEYS = new Set(['type', 'token', 'refresh_token', 'expires_at', 'raw', 'assertionOption']);

export interface ExchangeInput {
  provider: Provider;
  connectionConfig: Record<string, string>;
  /** The end user's fields; on renewal, everything the last exchange kept (refresh token, cookies, assertion). */
  credentials: Record<string, unknown>;
  assertionOption?: Record<string, string> | undefined;
  /** Fields the integration fixes: used in the request, never stored with the connection. */
  preconfigured: ReadonlySet<string>;
  renewal: boolean;
  runtime: ModeRuntime;
}

/**
 * Runs the exchange and returns the credentials to store, their expiry, and the answer's `token_response_metadata`
 * for the connection config.
 * @throws LatchkeyError `token_exchange_failed` (the provider's status in `payload`), `unable_to_parse_token_response`,
 * `unsupported_auth_mode`, `invalid_connection_config`, or `invalid_credentials` for an expired unsigned assertion.
 */
export async function runTwoStepExchange(input: ExchangeInput): Promise<ObtainedCredentials> {
  const { provider, connectionConfig, runtime } = input;
  assertSupported(provider);
  const now = new Date();
  const credentials = { ...input.credentials };
  const signing = { provider, credentials, connectionConfig, assertionOption: input.assertionOption, now };
  if (provider.signature !== undefined) {
    credentials.token = await signTokenRecipe({ ...signing, random: randomUUID() });
  }
  const refreshToken = typeof credentials.refresh_token === 'string' ? credentials.refresh_token : '';
  const refresh = input.renewal && hasRefreshRecipe(provider) && refreshToken !== '';
  if (provider.assertion !== undefined && !refresh && assertionExpired(credentials.assertion, now)) {
    credentials.assertion = await renewableAssertion({ ...signing, random: randomUUID() }, input.renewal);
  }

  const answers: unknown[] = [];
  let headerValues: Record<string, string> = {};
  for (const [index, step] of exchangeSteps(provider, refresh).entries()) {
    const scope = templateScope({
      connectionConfig,
      credentials,
      declared: {
        connectionConfig: provider.connection_config,
        credentials: provider.credentials,
        integrationConfig: provider.integration_config,
      },
      steps: answers,
      now,
      random: randomUUID(),
    });
    const request = buildStepRequest(step, scope, { allowHttp: runtime.allowPrivateUrls, provider });
    const response = await runtime.outbound(request);
    await runtime.note(
      refresh && index === 0 ? 'refresh request answered' : `token request step ${index + 1} answered`,
      {
        status: response.status,
      },
    );
    if (response.status !== 200 && response.status !== 201) {
      throw new LatchkeyError(
        'token_exchange_failed',
        `The provider refused the token request${index > 0 ? ` (step ${index + 1})` : ''} with HTTP ${response.status}.`,
        { payload: { status: response.status, step: index + 1 } },
      );
    }
    answers.push(parseStepBody(response));
    headerValues = mergeHeaderValues(
      headerValues,
      responseHeaderValues(response.headers, provider.token_response_headers ?? []),
    );
  }

  const tokens = mapTokenResponse(provider, answers.at(-1), now);
  const kept = Object.entries({ ...credentials, ...headerValues }).filter(
    ([name, value]) => value !== undefined && !OWN_KEYS.has(name) && !input.preconfigured.has(name),
  );
  const obtained: TwoStepCredentials = {
    ...Object.fromEntries(kept),
    type: 'TWO_STEP',
    token: tokens.token,
    ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken }),
    ...(tokens.expiresAt === null ? {} : { expires_at: tokens.expiresAt.toISOString() }),
    raw: tokens.raw,
  };
  await runtime.note('token obtained', { expires_at: tokens.expiresAt?.toISOString() ?? null });
  return {
    credentials: obtained,
    expiresAt: tokens.expiresAt,
    connectionConfig: extractTokenResponseMetadata(provider, tokens.raw),
  };
}

/**
 * Signs the entry's assertion. Its key may be an `assertionOption`, which is never stored: a renewal that finds the
 * assertion expired cannot sign a new one, and says the connection must be made again.
 */
async function renewableAssertion(
  input: Parameters<typeof signAssertion>[0],
  renewal: boolean,
): Promise<string> {
  try {
    return await signAssertion(input);
  } catch (error) {
    if (!renewal || !(error instanceof LatchkeyError)) throw error;
    throw new LatchkeyError(
      'invalid_credentials',
      'The signed assertion of this connection has expired and its key is not kept; connect again.',
    );
  }
}
