/** The whole tRPC API: one router per domain. `AppRouter` is what `@latchkey/client` is typed by. */
import { router } from '../trpc';
import { logsRouter, webhooksRouter } from './activity.router';
import { authFlowsRouter } from './auth-flows.router';
import { connectSessionsRouter } from './connect-sessions.router';
import { connectionsRouter } from './connections.router';
import { environmentRouter } from './environment.router';
import { eventsRouter } from './events.router';
import { integrationsRouter } from './integrations.router';
import { providersRouter } from './providers.router';

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
});

export type AppRouter = typeof appRouter;
