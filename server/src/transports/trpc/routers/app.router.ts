/** The whole tRPC API: one router per domain. `AppRouter` is what `@latchkey/client` is typed by. */
import { router } from '../trpc';
import { logsRouter, webhooksRouter } from './activity.router';
import { apiKeysRouter } from './api-keys.router';
import { auditRouter } from './audit.router';
import { authFlowsRouter } from './auth-flows.router';
import { connectSessionsRouter } from './connect-sessions.router';
import { connectionsRouter } from './connections.router';
import { environmentRouter } from './environment.router';
import { environmentsRouter } from './environments.router';
import { eventsRouter } from './events.router';
import { integrationsRouter } from './integrations.router';
import { accountRouter, operatorAuthRouter } from './operator-auth.router';
import { instanceRouter, operatorsRouter } from './operators.router';
import { providersRouter } from './providers.router';
import { statsRouter } from './stats.router';

export const appRouter = router({
  environment: environmentRouter,
  providers: providersRouter,
  integrations: integrationsRouter,
  connectSessions: connectSessionsRouter,
  flows: authFlowsRouter,
  connections: connectionsRouter,
  logs: logsRouter,
  webhooks: webhooksRouter,
  events: eventsRouter,
  environments: environmentsRouter,
  apiKeys: apiKeysRouter,
  stats: statsRouter,
  auth: operatorAuthRouter,
  account: accountRouter,
  operators: operatorsRouter,
  instance: instanceRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
