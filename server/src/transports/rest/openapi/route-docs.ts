/**
 * Documentation of every REST route, one object per `METHOD /path` as Hono registers it. A route without an entry
 * here fails `server/test/openapi.test.ts`; add its entry to the file of its domain in `docs/`.
 */
import { activityDocs } from './docs/activity.docs';
import { appAuthDocs } from './docs/app-auth.docs';
import { authFlowDocs } from './docs/auth-flows.docs';
import { connectSessionDocs } from './docs/connect-sessions.docs';
import { connectionDocs } from './docs/connections.docs';
import { environmentDocs } from './docs/environment.docs';
import { integrationDocs } from './docs/integrations.docs';
import { notSupportedDocs } from './docs/not-supported.docs';
import { platformDocs } from './docs/platform.docs';
import type { RouteDocs } from './route-doc';

export const ROUTE_DOCS: RouteDocs = {
  ...integrationDocs,
  ...connectionDocs,
  ...connectSessionDocs,
  ...authFlowDocs,
  ...appAuthDocs,
  ...environmentDocs,
  ...activityDocs,
  ...platformDocs,
  ...notSupportedDocs,
};
