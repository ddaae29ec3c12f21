/** Providers: the shipped catalog plus the environment's custom ones (definitions as JSON, checked by the service). */
import type { ProviderOutput } from '@latchkey/schema';
import { builder } from '../builder';
import { READ_ERRORS, WRITE_ERRORS } from './errors';
import { DeletedPayload } from './payloads';

export const Provider = builder.objectRef<ProviderOutput>('Provider').implement({
  fields: (t) => ({
    name: t.string({ resolve: (provider) => provider.name }),
    displayName: t.string({ resolve: (provider) => provider.display_name }),
    authMode: t.string({ resolve: (provider) => String(provider.auth_mode) }),
    logoUrl: t.string({ resolve: (provider) => provider.logo_url }),
    custom: t.boolean({
      description: 'Defined by this environment rather than shipped.',
      resolve: (provider) => provider.custom,
    }),
    categories: t.stringList({
      resolve: (provider) => (Array.isArray(provider.categories) ? provider.categories.map(String) : []),
    }),
    docs: t.string({
      nullable: true,
      resolve: (provider) => (typeof provider.docs === 'string' ? provider.docs : null),
    }),
    definition: t.field({
      type: 'JSON',
      description: 'The whole definition, as `GET /providers/:name` answers it.',
      resolve: (provider) => provider,
    }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [Provider],
    authScopes: { secretKey: true, connectSession: true },
    description: 'Every provider, or those whose name matches `search` (case-insensitive).',
    args: { search: t.arg.string({ required: false }) },
    resolve: (_root, args, { services, auth }) => services.providers.list(auth, args.search ?? undefined),
  }),
);

builder.queryField('provider', (t) =>
  t.field({
    type: Provider,
    authScopes: { secretKey: true, connectSession: true },
    errors: { types: READ_ERRORS },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, { services, auth }) => services.providers.get(auth, args.name),
  }),
);

builder.mutationField('createProvider', (t) =>
  t.field({
    type: Provider,
    authScopes: { secretKey: true },
    errors: { types: WRITE_ERRORS },
    args: {
      definition: t.arg({ type: 'JSON', required: true, description: 'As the body of POST /providers.' }),
    },
    resolve: (_root, args, { services, auth }) => services.providers.createCustom(auth, args.definition),
  }),
);

builder.mutationField('updateProvider', (t) =>
  t.field({
    type: Provider,
    authScopes: { secretKey: true },
    errors: { types: WRITE_ERRORS },
    args: {
      name: t.arg.string({ required: true }),
      patch: t.arg({ type: 'JSON', required: true, description: 'As the body of PATCH /providers/:name.' }),
    },
    resolve: (_root, args, { services, auth }) =>
      services.providers.updateCustom(auth, args.name, args.patch),
  }),
);

builder.mutationField('deleteProvider', (t) =>
  t.field({
    type: DeletedPayload,
    authScopes: { secretKey: true },
    errors: { types: WRITE_ERRORS },
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, args, { services, auth }) => {
      await services.providers.deleteCustom(auth, args.name);
      return { success: true };
    },
  }),
);
