/**
 * Connections: the `Connection` type, `Query.connection` (fresh credentials, refreshed on read as REST does) and
 * `Query.connections` (relay cursor pages with Nango's filters plus the refresh state). A list node reads its
 * credentials and detail fields lazily, through the same refresh-on-read call, once per node and request.
 */
import type { ConnectionListItem, ConnectionOutput } from '@latchkey/schema';
import { listConnectionsQuerySchema, NotFoundError } from '@latchkey/schema';
import { createContextCache } from '@pothos/core';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import DataLoader from 'dataloader';
import { z } from 'zod';
import type { ConnectionFilter } from '../../../connections/connection-list';
import { builder } from '../builder';
import type { GraphqlContext } from '../graphql-context';
import { CREDENTIAL_ERRORS } from './errors';
import { givenValues } from './input-values';
import { Integration } from './integration';

type ConnectionParent = ConnectionListItem | ConnectionOutput;

/** A page is at most this long; `first`/`last` default to 20. */
export const MAX_CONNECTION_PAGE = 100;

const isFull = (connection: ConnectionParent): connection is ConnectionOutput => 'credentials' in connection;

/** One `connections.get` per connection and request, whichever detail fields the query selects. */
const detailLoader = createContextCache(
  ({ services, auth }: GraphqlContext) =>
    new DataLoader<readonly [string, string], ConnectionOutput, string>(
      (keys) =>
        Promise.all(
          keys.map(([providerConfigKey, connectionId]) =>
            services.connections.get(auth, connectionId, providerConfigKey).catch((error: Error) => error),
          ),
        ),
      { cacheKeyFn: ([key, id]) => JSON.stringify([key, id]) },
    ),
);

function details(connection: ConnectionParent, context: GraphqlContext): Promise<ConnectionOutput> {
  if (isFull(connection)) return Promise.resolve(connection);
  return detailLoader(context).load([connection.provider_config_key, connection.connection_id]);
}

const RefreshState = builder.enumType('RefreshState', {
  values: {
    ACTIVE: { value: 'active' },
    REFRESH_FAILED: { value: 'refresh_failed', description: 'The last refresh failed; it will be retried.' },
    NEEDS_REAUTH: {
      value: 'needs_reauth',
      description: 'The grant was revoked: the user must connect again.',
    },
  } as const,
});

const Organization = builder
  .objectRef<{ id: string; display_name: string | null }>('EndUserOrganization')
  .implement({
    fields: (t) => ({
      id: t.exposeString('id'),
      displayName: t.exposeString('display_name', { nullable: true }),
    }),
  });

export const EndUser = builder.objectRef<NonNullable<ConnectionOutput['end_user']>>('EndUser').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    displayName: t.exposeString('display_name', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    tags: t.field({ type: 'JSON', nullable: true, resolve: (user) => user.tags }),
    organization: t.field({ type: Organization, nullable: true, resolve: (user) => user.organization }),
  }),
});

const ConnectionIssue = builder
  .objectRef<{ type: string; log_id: string }>('ConnectionIssue')
  .implement({ fields: (t) => ({ type: t.exposeString('type'), logId: t.exposeString('log_id') }) });

export const Connection = builder.objectRef<ConnectionParent>('Connection').implement({
  fields: (t) => ({
    id: t.id({
      description: 'Numeric row id; also the cursor of this connection in lists.',
      resolve: (c) => String(c.id),
    }),
    connectionId: t.exposeString('connection_id'),
    providerConfigKey: t.exposeString('provider_config_key'),
    provider: t.exposeString('provider'),
    errors: t.field({ type: [ConnectionIssue], resolve: (c) => c.errors }),
    endUser: t.field({ type: EndUser, nullable: true, resolve: (c) => c.end_user }),
    tags: t.field({ type: 'JSON', resolve: (c) => c.tags }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.metadata }),
    refreshState: t.field({ type: RefreshState, resolve: (c) => c.refresh_state }),
    createdAt: t.string({
      resolve: (c) => new Date(isFull(c) ? c.created_at : c.created).toISOString(),
    }),
    updatedAt: t.string({ resolve: async (c, _args, context) => (await details(c, context)).updated_at }),
    lastFetchedAt: t.string({
      nullable: true,
      resolve: async (c, _args, context) => (await details(c, context)).last_fetched_at,
    }),
    connectionConfig: t.field({
      type: 'JSON',
      resolve: async (c, _args, context) => (await details(c, context)).connection_config,
    }),
    webhookUrlOverride: t.string({
      nullable: true,
      resolve: async (c, _args, context) => (await details(c, context)).webhook_url_override,
    }),
    credentials: t.field({
      type: 'JSON',
      description:
        'Valid now (refreshed first when due), in the shapes of `GET /connections/:id`; `{}` without the ' +
        'environment:connections:read_credentials scope.',
      resolve: async (c, _args, context) => (await details(c, context)).credentials,
    }),
    integration: t.loadable({
      type: Integration,
      load: async (keys: string[], { services, auth }: GraphqlContext) => {
        const integrations = await services.integrations.list(auth);
        return keys.map(
          (key) =>
            integrations.find((integration) => integration.unique_key === key) ??
            new NotFoundError('not_found', `Integration ${key} does not exist.`),
        );
      },
      resolve: (c) => c.provider_config_key,
    }),
  }),
});

/** One page type for every list of connections (the root query, an integration's). */
const ConnectionPage = builder.connectionObject(
  { type: Connection, name: 'ConnectionPage' },
  { name: 'ConnectionEdge' },
);

const ConnectionFilterInput = builder.inputType('ConnectionFilter', {
  description: 'Every condition given must hold.',
  fields: (t) => ({
    connectionId: t.string(),
    search: t.string({ description: 'Part of the connection id, or of the end user id, email or name.' }),
    endUserId: t.string(),
    endUserOrganizationId: t.string(),
    integrationIds: t.stringList({ description: 'Unique keys of integrations; any of them.' }),
    tags: t.field({ type: 'JSON', description: 'Tag values by key; keys compare case-insensitively.' }),
    refreshState: t.field({ type: RefreshState }),
  }),
});

const filterSchema = z
  .custom<typeof ConnectionFilterInput.$inferInput>()
  .transform((filter): unknown =>
    givenValues({
      connectionId: filter.connectionId,
      search: filter.search,
      endUserId: filter.endUserId,
      endUserOrganizationId: filter.endUserOrganizationId,
      integrationId: filter.integrationIds,
      tags: filter.tags,
      refreshState: filter.refreshState,
    }),
  )
  .pipe(
    listConnectionsQuerySchema
      .omit({ limit: true, page: true })
      .extend({ refreshState: z.enum(['active', 'refresh_failed', 'needs_reauth']).optional() }),
  );

/** Relay arguments in, a keyset page of the filtered connections out. */
function connectionPage(
  args: { first?: number | null; last?: number | null; after?: string | null; before?: string | null },
  filter: ConnectionFilter,
  { services, auth }: GraphqlContext,
) {
  return resolveCursorConnection<Promise<ConnectionListItem[]>>(
    {
      args,
      toCursor: (connection: ConnectionListItem) => String(connection.id),
      defaultSize: 20,
      maxSize: MAX_CONNECTION_PAGE,
    },
    (window): Promise<ConnectionListItem[]> => services.connectionPages.page(auth, filter, window),
  );
}

builder.queryField('connection', (t) =>
  t.field({
    type: Connection,
    authScopes: { secretKey: true },
    errors: { types: CREDENTIAL_ERRORS },
    args: {
      connectionId: t.arg.string({ required: true }),
      providerConfigKey: t.arg.string({ required: true }),
      forceRefresh: t.arg.boolean({ required: false, defaultValue: false }),
      includeRefreshToken: t.arg.boolean({ required: false, defaultValue: false }),
    },
    resolve: (_root, args, { services, auth }) =>
      services.connections.get(auth, args.connectionId, args.providerConfigKey, {
        forceRefresh: args.forceRefresh === true,
        includeRefreshToken: args.includeRefreshToken === true,
      }),
  }),
);

builder.queryField('connections', (t) =>
  t.connection(
    {
      type: Connection,
      authScopes: { secretKey: true },
      description: 'Newest first; at most 100 a page.',
      args: {
        filter: t.arg({ type: ConnectionFilterInput, required: false }).validate(filterSchema.nullish()),
      },
      resolve: (_root, args, context) => connectionPage(args, args.filter ?? {}, context),
    },
    ConnectionPage,
  ),
);

builder.objectField(Integration, 'connections', (t) =>
  t.connection(
    {
      type: Connection,
      description: "This integration's connections, newest first; at most 100 a page.",
      resolve: (integration, args, context) =>
        connectionPage(args, { integrationId: [integration.unique_key] }, context),
    },
    ConnectionPage,
  ),
);
