/**
 * Publishes the outcome of every popup flow that carries a `ws_client_id`: the callback's success or failure, and a
 * connect request that fails before it could redirect (bad session, unknown integration), which Nango also reports
 * on the socket (compat doc 4.1 step 7). Wraps the redirect flows so neither they nor the transport know of sockets.
 */
import { LatchkeyError } from '@latchkey/schema';
import { webSocketErrorType } from './flow-error-types';
import type { FlowResultBus } from './flow-results';
import { asLatchkeyError } from './flow-steps';
import type { RedirectFlows } from './redirect-flows';

export function reportFlowResults(flows: RedirectFlows, bus: FlowResultBus): RedirectFlows {
  return {
    async startRedirectFlow(integrationKey, query, options) {
      try {
        return await flows.startRedirectFlow(integrationKey, query, options);
      } catch (error) {
        const wsClientId = query.ws_client_id;
        if (wsClientId !== undefined && wsClientId !== '') {
          const failure = asLatchkeyError(error);
          await bus.publish({
            wsClientId,
            ok: false,
            providerConfigKey: integrationKey,
            connectionId: query.connection_id,
            errorType: webSocketErrorType(failure),
            errorDescription: failure.message,
          });
        }
        throw error;
      }
    },

    async completeCallback(query) {
      const result = await flows.completeCallback(query);
      if (result.wsClientId === undefined) return result;
      if (result.ok && result.providerConfigKey !== undefined && result.connectionId !== undefined) {
        await bus.publish({
          wsClientId: result.wsClientId,
          ok: true,
          providerConfigKey: result.providerConfigKey,
          connectionId: result.connectionId,
        });
      } else {
        const failure = result.error ?? new LatchkeyError('server_error');
        await bus.publish({
          wsClientId: result.wsClientId,
          ok: false,
          providerConfigKey: result.providerConfigKey,
          connectionId: result.connectionId,
          errorType: webSocketErrorType(failure),
          errorDescription: failure.message,
        });
      }
      return result;
    },

    errorOpenerOrigin: (query, openerOrigin) => flows.errorOpenerOrigin(query, openerOrigin),
  };
}
