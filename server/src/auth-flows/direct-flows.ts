/**
 * Flows that complete in one request (compat doc 3.4, 4.9): whatever the mode, the request is authorized, the mode
 * obtains the credentials from what the end user sent, the provider checks them when it declares how
 * (`proxy.verification`), and only then is anything stored.
 */
import type { AuthMode } from '@latchkey/providers';
import { fieldErrorsFromZod, LatchkeyError, ValidationError } from '@latchkey/schema';
import { findAuthMode } from '../auth-modes/registry';
import type { SessionBrowser } from '../connect-sessions/browser-binding';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { authorizeFlowRequest, type FlowQuery, type FlowRequestDeps } from './flow-request';
import type { FlowSteps, FlowSuccess } from './flow-steps';

export interface DirectFlows {
  /**
   * `POST /auth/<mode>/:integration` and Nango's other one-request endpoints. `input` was validated with the mode's
   * input schema by the transport. `browser`: where the request came from, for sessions bound to a browser.
   */
  connectDirect(
    mode: AuthMode,
    integrationKey: string,
    query: FlowQuery,
    input: unknown,
    browser: SessionBrowser,
  ): Promise<FlowSuccess>;
  connectApiKey(
    integrationKey: string,
    query: FlowQuery,
    body: { apiKey: string },
    browser: SessionBrowser,
  ): Promise<FlowSuccess>;
  connectBasic(
    integrationKey: string,
    query: FlowQuery,
    body: { username: string; password: string },
    browser: SessionBrowser,
  ): Promise<FlowSuccess>;
}

/**
 * The credentials a typed API received for a one-request mode, checked with the mode's own input schema (the REST
 * transport checks its body with the same schema). Errors name `credentials.<field>`.
 */
export function parseDirectInput(modeName: string, raw: unknown): unknown {
  const flow = findAuthMode(modeName)?.flow;
  if (flow?.kind !== 'direct') {
    throw new LatchkeyError('unsupported_auth_mode', `Auth mode ${modeName} has no one-request flow.`);
  }
  const parsed = flow.input.safeParse(raw);
  if (parsed.success) return parsed.data;
  const errors = fieldErrorsFromZod(parsed.error).map((error) => ({
    ...error,
    path: ['credentials', ...error.path],
  }));
  const first = errors[0];
  throw new ValidationError(
    'invalid_body',
    `The credentials are invalid.${first === undefined ? '' : ` ${first.path.join('.')}: ${first.message}`}`,
    { errors },
  );
}

export interface DirectFlowDeps extends FlowRequestDeps {
  outbound: OutboundFetch;
  allowPrivateUrls: boolean;
}

export function createDirectFlows(deps: DirectFlowDeps, steps: FlowSteps): DirectFlows {
  async function connectDirect(
    modeName: AuthMode,
    integrationKey: string,
    query: FlowQuery,
    input: unknown,
    browser: SessionBrowser,
  ): Promise<FlowSuccess> {
    const mode = findAuthMode(modeName);
    if (mode?.flow?.kind !== 'direct') {
      throw new LatchkeyError('unsupported_auth_mode', `Auth mode ${modeName} has no one-request flow.`);
    }
    const flow = mode.flow;
    const context = await authorizeFlowRequest(deps, integrationKey, query, [modeName], browser);
    const log = await steps.startLog(context, flow.action ?? modeName.toLowerCase());
    try {
      const obtained = await flow.connect({ ...steps.modeInput(context, log), input });
      if (flow.skipVerification !== true) {
        await steps.verify(context, mode, obtained, log);
      }
      return await steps.store(context, obtained, log);
    } catch (error) {
      throw await steps.recordFailure(log, error);
    }
  }

  return {
    connectDirect,
    connectApiKey: (integrationKey, query, body, browser) =>
      connectDirect('API_KEY', integrationKey, query, body, browser),
    connectBasic: (integrationKey, query, body, browser) =>
      connectDirect('BASIC', integrationKey, query, body, browser),
  };
}
