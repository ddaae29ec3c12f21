/**
 * Provider catalog and custom providers (compat doc 2.1, plus our POST/PATCH/DELETE for custom ones and the import
 * of a whole providers file, YAML or JSON).
 */
import { providerNameSchema } from '@latchkey/providers';
import { importProvidersQuerySchema, listProvidersQuerySchema } from '@latchkey/schema';
import { Hono } from 'hono';
import { z } from 'zod';
import { refuseUnstorableStrings } from '../../../platform/database/storable-strings';
import { readProvidersFile } from '../../../providers/providers-file-input';
import type { Services } from '../../../services';
import { readParam, readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';

const anyName = z.string().min(1).max(255);

export function providerRoutes(services: Services) {
  const { providers } = services;
  return new Hono<RestEnv>({ strict: false })
    .get('/providers', async (c) => {
      const { search } = readQuery(c, listProvidersQuerySchema);
      return c.json({ data: await providers.list(c.get('auth'), search) });
    })
    .post('/providers', async (c) => {
      return c.json({ data: await providers.createCustom(c.get('auth'), c.get('body')) }, 201);
    })
    .post('/providers/import', async (c) => {
      const { override } = readQuery(c, importProvidersQuerySchema);
      const yaml = c.get('yamlBody');
      const entries = yaml === undefined ? c.get('body') : readProvidersFile(yaml, 'yaml');
      // JSON bodies were checked as they were parsed; YAML is parsed here (its "\0" escape is a NUL).
      if (yaml !== undefined) refuseUnstorableStrings('invalid_body', entries);
      const report = await providers.importFile(c.get('auth'), entries, { override: override === true });
      return c.json({ data: report });
    })
    .get('/providers/:name', async (c) => {
      const name = readParam(c, 'name', anyName);
      return c.json({ data: await providers.get(c.get('auth'), name) });
    })
    .patch('/providers/:name', async (c) => {
      const name = readParam(c, 'name', providerNameSchema);
      return c.json({ data: await providers.updateCustom(c.get('auth'), name, c.get('body')) });
    })
    .delete('/providers/:name', async (c) => {
      const name = readParam(c, 'name', providerNameSchema);
      await providers.deleteCustom(c.get('auth'), name);
      return c.json({ success: true });
    });
}
