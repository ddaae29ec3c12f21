/**
 * Every dashboard URL, code-based (TanStack Router). A URL is the whole state of a page: filters are typed search
 * params, so a filtered list is a link someone can share.
 *
 * Route ids (for `getRouteApi(id)` in a page; `useParams`/`useSearch` are typed by them):
 *   '/'                                           → redirect to /dashboard/<last env>
 *   '/setup'                    search { code?: string }
 *   '/dashboard'                                  → redirect to /dashboard/<last env>
 *   '/dashboard/sign-in'        search { redirect?: string; error?: string }
 *   '/dashboard/invite'         search { token?: string }
 *   '/_app'                     pathless layout: signed-in guard + sidebar/header shell
 *   '/_app/dashboard/$env'      layout: sets the current environment       params { env }
 *   '/_app/dashboard/$env/'                               Home
 *   '/_app/dashboard/$env/integrations'                   search IntegrationsSearch { search?, category? }
 *   '/_app/dashboard/$env/integrations/new'               search { provider?: string; custom?: boolean }
 *   '/_app/dashboard/$env/integrations/$key'              params { env, key }  search { tab?: string }
 *   '/_app/dashboard/$env/connections'                    search ConnectionsSearch (the list's filters)
 *   '/_app/dashboard/$env/connections/$integration/$connectionId'   params { env, integration, connectionId }
 *                                                                    search { tab?: string }
 *   '/_app/dashboard/$env/logs'                           search LogsSearch (filters, `operation` = open drawer)
 *   '/_app/dashboard/$env/webhooks'                       search WebhooksSearch { delivery?, status?, cursor? }
 *   '/_app/dashboard/$env/settings'                       search { tab?: SettingsTab }
 *   '/_app/dashboard/team'
 *   '/_app/dashboard/audit'                               search AuditSearch
 *   '/_app/dashboard/account'                             search { enrol?: boolean }
 * Links use the paths without `/_app` (`<Link to="/dashboard/$env/connections" params={{ env }} search={…}>`).
 */
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { currentEnvironment, setCurrentEnvironment } from './api/environment';
import { trpc } from './api/trpc';
import { NotFoundPage, RouteErrorPage } from './components/layout/route-fallbacks';
import { PageSkeleton } from './components/ui/skeleton';
import { SignInPage } from './routes/sign-in';

// ---- search param schemas (hand-written: zod would cost the first load ~15 kB) ----

type Search = Record<string, unknown>;

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function oneOf<const T extends string>(values: readonly T[], value: unknown): T | undefined {
  return typeof value === 'string' && (values as readonly string[]).includes(value)
    ? (value as T)
    : undefined;
}

function flag(value: unknown): boolean | undefined {
  return value === true || value === 'true' || value === 1 ? true : undefined;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Drops undefined keys so URLs stay clean (`?integration=github`, not `?integration=&search=`). */
function compact<T extends Search>(search: T): T {
  return Object.fromEntries(Object.entries(search).filter(([, value]) => value !== undefined)) as T;
}

export interface IntegrationsSearch {
  search?: string;
  category?: string;
}

export interface ConnectionsSearch {
  /** Connection id, or end user email / display name prefix. */
  search?: string;
  integration?: string;
  endUserId?: string;
  organizationId?: string;
  /** `?tags={"team":"a"}` — every tag must match. */
  tags?: Record<string, string>;
  /** `active`, `refresh_failed` or `needs_reauth` (REFRESH_STATES in @latchkey/schema). */
  refreshState?: string;
  cursor?: string;
}

export interface LogsSearch {
  kind?: string;
  action?: string;
  status?: string;
  integration?: string;
  connectionId?: string;
  /** ISO timestamps. */
  from?: string;
  to?: string;
  cursor?: string;
  /** The operation whose messages are open. */
  operation?: string;
  /** Paused live updates (live is the default). */
  paused?: boolean;
}

export interface WebhooksSearch {
  delivery?: string;
  status?: string;
  cursor?: string;
  /** Deliveries of one connection (F3). */
  connectionId?: string;
}

export const SETTINGS_TABS = [
  'general',
  'api-keys',
  'callback',
  'security',
  'connect-ui',
  'webhooks',
] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

export interface AuditSearch {
  action?: string;
  actorId?: string;
  /** An environment name; absent means every environment. */
  environment?: string;
  from?: string;
  to?: string;
}

// ---- routes ----

export interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
  errorComponent: RouteErrorPage,
});

function toHome(): never {
  throw redirect({ to: '/dashboard/$env', params: { env: currentEnvironment() }, replace: true });
}

const indexRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', beforeLoad: toHome });

const dashboardIndexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'dashboard',
  beforeLoad: toHome,
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'setup',
  validateSearch: (search: Search): { code?: string } => compact({ code: text(search.code) }),
  component: lazyRouteComponent(() => import('./routes/setup'), 'SetupPage'),
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'dashboard/sign-in',
  validateSearch: (search: Search): { redirect?: string; error?: string } =>
    compact({ redirect: text(search.redirect), error: text(search.error) }),
  component: SignInPage,
});

const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'dashboard/invite',
  validateSearch: (search: Search): { token?: string } => compact({ token: text(search.token) }),
  component: lazyRouteComponent(() => import('./routes/invite'), 'InvitePage'),
});

/** Signed in, past the TOTP step, or off to sign-in (or first-run setup) with a way back. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_app',
  beforeLoad: async ({ context, location }) => {
    const status = await context.queryClient.ensureQueryData(trpc.auth.status.queryOptions());
    if (status.setupRequired) throw redirect({ to: '/setup', search: {} });
    if (status.operator === null || status.twoFactorPending) {
      throw redirect({ to: '/dashboard/sign-in', search: { redirect: location.href } });
    }
    if (status.twoFactorRequired && location.pathname !== '/dashboard/account') {
      throw redirect({ to: '/dashboard/account', search: { enrol: true } });
    }
    return { operator: status.operator };
  },
  // The shell (Radix menus and dialogs) loads after sign-in, keeping the sign-in page's first load small.
  component: lazyRouteComponent(() => import('./components/layout/app-shell'), 'AppShell'),
  pendingComponent: PageSkeleton,
});

const envRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'dashboard/$env',
  beforeLoad: ({ params }) => {
    setCurrentEnvironment(params.env);
  },
  component: Outlet,
});

const homeRoute = createRoute({
  getParentRoute: () => envRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./routes/home'), 'HomePage'),
});

const integrationsRoute = createRoute({
  getParentRoute: () => envRoute,
  path: 'integrations',
  validateSearch: (search: Search): IntegrationsSearch =>
    compact({ search: text(search.search), category: text(search.category) }),
  component: lazyRouteComponent(() => import('./routes/integrations'), 'IntegrationsPage'),
});

const integrationNewRoute = createRoute({
  getParentRoute: () => envRoute,
  path: 'integrations/new',
  // `custom`: the custom-provider editor (with `provider`: edit that custom provider).
  validateSearch: (search: Search): { provider?: string; custom?: boolean } =>
    compact({ provider: text(search.provider), custom: flag(search.custom) }),
  component: lazyRouteComponent(() => import('./routes/integration-new'), 'IntegrationNewPage'),
});

const integrationDetailRoute = createRoute({
  getParentRoute: () => envRoute,
  path: 'integrations/$key',
  validateSearch: (search: Search): { tab?: string } => compact({ tab: text(search.tab) }),
  component: lazyRouteComponent(() => import('./routes/integration-detail'), 'IntegrationDetailPage'),
});

const connectionsRoute = createRoute({
  getParentRoute: () => envRoute,
  path: 'connections',
  validateSearch: (search: Search): ConnectionsSearch =>
    compact({
      search: text(search.search),
      integration: text(search.integration),
      endUserId: text(search.endUserId),
      organizationId: text(search.organizationId),
      tags: stringRecord(search.tags),
      refreshState: text(search.refreshState),
      cursor: text(search.cursor),
    }),
  component: lazyRouteComponent(() => import('./routes/connections'), 'ConnectionsPage'),
});

const connectionDetailRoute = createRoute({
  getParentRoute: () => envRoute,
  path: 'connections/$integration/$connectionId',
  validateSearch: (search: Search): { tab?: string } => compact({ tab: text(search.tab) }),
  component: lazyRouteComponent(() => import('./routes/connection-detail'), 'ConnectionDetailPage'),
});

const logsRoute = createRoute({
  getParentRoute: () => envRoute,
  path: 'logs',
  validateSearch: (search: Search): LogsSearch =>
    compact({
      kind: text(search.kind),
      action: text(search.action),
      status: text(search.status),
      integration: text(search.integration),
      connectionId: text(search.connectionId),
      from: text(search.from),
      to: text(search.to),
      cursor: text(search.cursor),
      operation: text(search.operation),
      paused: flag(search.paused),
    }),
  component: lazyRouteComponent(() => import('./routes/logs'), 'LogsPage'),
});

const webhooksRoute = createRoute({
  getParentRoute: () => envRoute,
  path: 'webhooks',
  validateSearch: (search: Search): WebhooksSearch =>
    compact({
      delivery: text(search.delivery),
      status: text(search.status),
      cursor: text(search.cursor),
      connectionId: text(search.connectionId),
    }),
  component: lazyRouteComponent(() => import('./routes/webhooks'), 'WebhooksPage'),
});

const settingsRoute = createRoute({
  getParentRoute: () => envRoute,
  path: 'settings',
  validateSearch: (search: Search): { tab?: SettingsTab } =>
    compact({ tab: oneOf(SETTINGS_TABS, search.tab) }),
  component: lazyRouteComponent(() => import('./routes/settings'), 'SettingsPage'),
});

const teamRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'dashboard/team',
  component: lazyRouteComponent(() => import('./routes/team'), 'TeamPage'),
});

const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'dashboard/audit',
  validateSearch: (search: Search): AuditSearch =>
    compact({
      action: text(search.action),
      actorId: text(search.actorId),
      environment: text(search.environment),
      from: text(search.from),
      to: text(search.to),
    }),
  component: lazyRouteComponent(() => import('./routes/audit'), 'AuditPage'),
});

const accountRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'dashboard/account',
  validateSearch: (search: Search): { enrol?: boolean } => compact({ enrol: flag(search.enrol) }),
  component: lazyRouteComponent(() => import('./routes/account'), 'AccountPage'),
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  dashboardIndexRoute,
  setupRoute,
  signInRoute,
  inviteRoute,
  appRoute.addChildren([
    envRoute.addChildren([
      homeRoute,
      integrationsRoute,
      integrationNewRoute,
      integrationDetailRoute,
      connectionsRoute,
      connectionDetailRoute,
      logsRoute,
      webhooksRoute,
      settingsRoute,
    ]),
    teamRoute,
    auditRoute,
    accountRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    // The query cache decides freshness; the router must not cache loader results on top of it.
    defaultPreloadStaleTime: 0,
    defaultPendingComponent: PageSkeleton,
    defaultPendingMs: 150,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
