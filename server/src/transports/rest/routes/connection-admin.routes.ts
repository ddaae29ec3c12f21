/**
 * The connections API besides reading one (compat doc 2.2, 2.4), with the legacy singular aliases Nango still routes
 * (1.4). The metadata routes come before `PATCH /connections/:connectionId`, which would otherwise take them.
 */
import {
  connectionIdInputSchema,
  connectionKeyQuerySchema,
  importConnectionInputSchema,
  listConnectionsQuerySchema,
  metadataInputSchema,
  patchConnectionInputSchema,
  ValidationError,
} from '@latchkey/schema';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { MetadataMode } from '../../../connections/connection-metadata';
import type { Services } from '../../../services';
import { readBody, readParam, readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';

const emptyQuery = z.object({}).strict();
const legacyMetadataQuery = z.object({ provider_config_key: z.string().min(1).max(255).optional() }).strict();
const metadataObject = z.record(z.string(), z.unknown());

export function connectionAdminRoutes(services: Services) {
  const admin = services.connectionAdmin;

  const list = async (c: Context<RestEnv>) => {
    const query = readQuery(c, listConnectionsQuerySchema);
    return c.json({ connections: await admin.list(c.get('auth'), query) });
  };

  const importConnection = async (c: Context<RestEnv>) => {
    readQuery(c, emptyQuery);
    const input = readBody(c, importConnectionInputSchema);
    return c.json(await admin.import(c.get('auth'), input), 201);
  };

  /** Nango answers the request body itself: 201 for a replace, 200 for a merge. */
  const metadata = (mode: MetadataMode) => async (c: Context<RestEnv>) => {
    readQuery(c, emptyQuery);
    const input = readBody(c, metadataInputSchema);
    await admin.writeMetadata(c.get('auth'), input, mode);
    return c.json(input, mode === 'replace' ? 201 : 200);
  };

  /** Older SDKs: the id in the path, the key in the query or a header, the metadata as the whole body. */
  const legacyMetadata = (mode: MetadataMode) => async (c: Context<RestEnv>) => {
    const connectionId = readParam(c, 'connectionId', connectionIdInputSchema);
    const providerConfigKey =
      readQuery(c, legacyMetadataQuery).provider_config_key ?? c.req.header('provider-config-key');
    if (providerConfigKey === undefined || providerConfigKey === '') {
      throw new ValidationError('invalid_query_params', 'provider_config_key is required.', {
        errors: [
          { code: 'missing', message: 'provider_config_key is required', path: ['provider_config_key'] },
        ],
      });
    }
    const body = readBody(c, metadataObject);
    await admin.writeMetadata(
      c.get('auth'),
      { connection_id: connectionId, provider_config_key: providerConfigKey, metadata: body },
      mode,
    );
    return c.json(body, mode === 'replace' ? 201 : 200);
  };

  const patch = async (c: Context<RestEnv>) => {
    const connectionId = readParam(c, 'connectionId', connectionIdInputSchema);
    const query = readQuery(c, connectionKeyQuerySchema);
    const input = readBody(c, patchConnectionInputSchema);
    await admin.patch(c.get('auth'), connectionId, query.provider_config_key, input);
    return c.json({ success: true });
  };

  const remove = async (c: Context<RestEnv>) => {
    const connectionId = readParam(c, 'connectionId', connectionIdInputSchema);
    const query = readQuery(c, connectionKeyQuerySchema);
    await admin.delete(c.get('auth'), connectionId, query.provider_config_key);
    return c.json({ success: true });
  };

  return new Hono<RestEnv>({ strict: false })
    .on('GET', ['/connections', '/connection'], list)
    .on('POST', ['/connections', '/connection'], importConnection)
    .on('POST', ['/connections/metadata', '/connection/metadata'], metadata('replace'))
    .on('PATCH', ['/connections/metadata', '/connection/metadata'], metadata('merge'))
    .post('/connection/:connectionId/metadata', legacyMetadata('replace'))
    .patch('/connection/:connectionId/metadata', legacyMetadata('merge'))
    .patch('/connections/:connectionId', patch)
    .on('DELETE', ['/connections/:connectionId', '/connection/:connectionId'], remove);
}
