/** Connections: reading one, listing, importing, patching, deleting, metadata (compat doc 2.2-2.4). */
import {
  connectionIdInputSchema,
  connectionKeyQuerySchema,
  connectionListItemSchema,
  connectionSchema,
  emptyQuerySchema,
  importConnectionInputSchema,
  legacyMetadataQuerySchema,
  listConnectionsQuerySchema,
  metadataInputSchema,
  patchConnectionInputSchema,
  successSchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { getConnectionQuery } from '../../routes/connections.routes';
import { jsonResponse, legacyAlias, type RouteDoc, type RouteDocs } from '../route-doc';

const connectionId = { connectionId: connectionIdInputSchema };
const metadataObject = z.record(z.string(), z.unknown());

const getConnection: RouteDoc = {
  summary: 'Get a connection with its credentials',
  description:
    'Refreshes expired credentials first (or when `force_refresh=true`). The refresh token is included only with ' +
    '`refresh_token=true` and the credentials-read scope.',
  tag: 'Connections',
  security: 'secretKey',
  params: connectionId,
  query: getConnectionQuery,
  responses: { 200: jsonResponse(connectionSchema) },
  errors: [403, 404, 424],
};

const listConnections: RouteDoc = {
  summary: 'List connections',
  description:
    'Filters AND together; `tags[k]=v` pairs must all match. Without `limit`, every match is returned.',
  tag: 'Connections',
  security: 'secretKey',
  query: listConnectionsQuerySchema,
  responses: { 200: jsonResponse(z.object({ connections: z.array(connectionListItemSchema) })) },
};

const importConnection: RouteDoc = {
  summary: 'Import a connection',
  description: 'Stores credentials obtained elsewhere; `credentials.raw` echoes the input.',
  tag: 'Connections',
  security: 'secretKey',
  query: emptyQuerySchema,
  body: importConnectionInputSchema,
  responses: { 201: jsonResponse(connectionSchema, 'Created') },
  errors: [403, 404, 409],
};

const replaceMetadata: RouteDoc = {
  summary: 'Replace connection metadata',
  description: 'Answers the request body.',
  tag: 'Connections',
  security: 'secretKey',
  query: emptyQuerySchema,
  body: metadataInputSchema,
  responses: { 201: jsonResponse(metadataInputSchema, 'Replaced') },
  errors: [403, 404],
};

const mergeMetadata: RouteDoc = {
  ...replaceMetadata,
  summary: 'Merge into connection metadata',
  responses: { 200: jsonResponse(metadataInputSchema, 'Merged') },
};

const legacyMetadata = (mode: 'replace' | 'merge'): RouteDoc => ({
  summary:
    mode === 'replace' ? 'Replace connection metadata (legacy)' : 'Merge into connection metadata (legacy)',
  description:
    'Older SDKs: the id in the path, the integration key in `provider_config_key` or the `Provider-Config-Key` ' +
    'header, the metadata as the whole body, which is answered back.',
  tag: 'Connections',
  security: 'secretKey',
  deprecated: true,
  params: connectionId,
  query: legacyMetadataQuerySchema,
  body: metadataObject,
  responses:
    mode === 'replace'
      ? { 201: jsonResponse(metadataObject, 'Replaced') }
      : { 200: jsonResponse(metadataObject, 'Merged') },
  errors: [403, 404],
});

const deleteConnection: RouteDoc = {
  summary: 'Delete a connection',
  tag: 'Connections',
  security: 'secretKey',
  params: connectionId,
  query: connectionKeyQuerySchema,
  responses: { 200: jsonResponse(successSchema) },
  errors: [403],
};

export const connectionDocs: RouteDocs = {
  'GET /connections/:connectionId': getConnection,
  'GET /connection/:connectionId': legacyAlias(getConnection, 'GET /connections/{connectionId}'),
  'GET /connections': listConnections,
  'GET /connection': legacyAlias(listConnections, 'GET /connections'),
  'POST /connections': importConnection,
  'POST /connection': legacyAlias(importConnection, 'POST /connections'),
  'POST /connections/metadata': replaceMetadata,
  'POST /connection/metadata': legacyAlias(replaceMetadata, 'POST /connections/metadata'),
  'PATCH /connections/metadata': mergeMetadata,
  'PATCH /connection/metadata': legacyAlias(mergeMetadata, 'PATCH /connections/metadata'),
  'POST /connection/:connectionId/metadata': legacyMetadata('replace'),
  'PATCH /connection/:connectionId/metadata': legacyMetadata('merge'),
  'PATCH /connections/:connectionId': {
    summary: 'Update a connection',
    description: 'Sets the end user, the tags or the webhook URL override.',
    tag: 'Connections',
    security: 'secretKey',
    params: connectionId,
    query: connectionKeyQuerySchema,
    body: patchConnectionInputSchema,
    responses: { 200: jsonResponse(successSchema) },
    errors: [403, 404],
  },
  'DELETE /connections/:connectionId': deleteConnection,
  'DELETE /connection/:connectionId': legacyAlias(deleteConnection, 'DELETE /connections/{connectionId}'),
};
