/**
 * What a connect session token may do where an API accepts one in place of a secret key: read the integrations its
 * session allows and the providers behind them (as Nango's Connect UI does), nothing else.
 */
import type { AuthContext } from '../auth/auth-context';
import type { ConnectSession } from './connect-session.service';

export function connectSessionAuth(session: ConnectSession): AuthContext {
  return {
    environment: session.environment,
    scopes: ['environment:integrations:read', 'environment:providers:read'],
    allowedIntegrations: session.allowedIntegrations,
  };
}
