/**
 * End-user authorization: every flow ends in a connection holding the user's credentials, sealed. Redirect flows
 * (OAuth 2.0 code + PKCE, OAuth 1.0a) span two requests; direct flows (client credentials, API key, basic, none)
 * complete in one. Each flow writes an operation log.
 */
import type { ConnectionService } from '../connections/connection.service';
import type { LogService } from '../logs/log.service';
import type { Vault } from '../platform/crypto/vault';
import type { Logger } from '../platform/logging/logger';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { createDirectFlows, type DirectFlows } from './direct-flows';
import type { FlowRequestDeps } from './flow-request';
import { reportFlowResults } from './flow-result-reporting';
import type { FlowResultBus } from './flow-results';
import { createFlowSteps } from './flow-steps';
import { createRedirectFlows, type RedirectFlows } from './redirect-flows';

export { asLatchkeyError, type FlowSuccess } from './flow-steps';
export { type CallbackResult, OAUTH_SESSION_TTL_MS } from './redirect-flows';

export interface AuthFlowService extends RedirectFlows, DirectFlows {}

export interface AuthFlowDeps extends FlowRequestDeps {
  vault: Vault;
  outbound: OutboundFetch;
  connections: ConnectionService;
  logs: LogService;
  publicUrl: string;
  allowPrivateUrls: boolean;
  logger: Logger;
  /** Where popup flow outcomes go for the frontend SDK's WebSocket. */
  flowResults: FlowResultBus;
}

export function createAuthFlowService(deps: AuthFlowDeps): AuthFlowService {
  const steps = createFlowSteps(deps);
  return {
    ...reportFlowResults(createRedirectFlows(deps, steps), deps.flowResults),
    ...createDirectFlows(deps, steps),
  };
}
