/** Changing connections: metadata (replace or merge), end user/tags/webhook override, deletion, forced refresh. */
import { metadataInputSchema, patchConnectionInputSchema } from '@latchkey/schema';
import type { ArgBuilder } from '@pothos/core';
import { z } from 'zod';
import type { MetadataMode } from '../../../connections/connection-metadata';
import { type BuilderTypes, builder } from '../builder';
import { Connection } from './connection';
import { CREDENTIAL_ERRORS, WRITE_ERRORS } from './errors';
import { givenValues } from './input-values';
import { DeletedPayload, UpdatedPayload } from './payloads';

const MetadataInput = builder.inputType('MetadataInput', {
  fields: (t) => ({
    connectionIds: t.stringList({
      required: true,
      description: 'Every one must exist, or nothing is written.',
    }),
    providerConfigKey: t.string({ required: true }),
    metadata: t.field({ type: 'JSON', required: true }),
  }),
});

const metadataSchema = z
  .custom<typeof MetadataInput.$inferInput>()
  .transform((input): unknown => ({
    connection_id: input.connectionIds,
    provider_config_key: input.providerConfigKey,
    metadata: input.metadata,
  }))
  .pipe(metadataInputSchema);

const MetadataPayload = builder.objectRef<z.infer<typeof metadataInputSchema>>('MetadataPayload').implement({
  fields: (t) => ({
    connectionIds: t.stringList({ resolve: (input) => [input.connection_id].flat() }),
    providerConfigKey: t.exposeString('provider_config_key'),
    metadata: t.field({ type: 'JSON', resolve: (input) => input.metadata }),
  }),
});

function metadataMutation(name: string, mode: MetadataMode, description: string) {
  builder.mutationField(name, (t) =>
    t.field({
      type: MetadataPayload,
      authScopes: { secretKey: true },
      description,
      errors: { types: WRITE_ERRORS },
      args: { input: t.arg({ type: MetadataInput, required: true }).validate(metadataSchema) },
      resolve: async (_root, { input }, { services, auth }) => {
        await services.connectionAdmin.writeMetadata(auth, input, mode);
        return input;
      },
    }),
  );
}

metadataMutation('setMetadata', 'replace', 'Replaces the metadata of the connections.');
metadataMutation('updateMetadata', 'merge', 'Merges into the metadata of the connections (top-level keys).');

const EndUserInput = builder.inputType('EndUserInput', {
  fields: (t) => ({
    id: t.string({ required: true }),
    email: t.string(),
    displayName: t.string(),
    tags: t.field({ type: 'JSON' }),
  }),
});

export function restEndUser(endUser: typeof EndUserInput.$inferInput | null | undefined) {
  if (endUser == null) return undefined;
  return givenValues({
    id: endUser.id,
    email: endUser.email,
    display_name: endUser.displayName,
    tags: endUser.tags,
  });
}

export { EndUserInput };

const PatchConnectionInput = builder.inputType('PatchConnectionInput', {
  fields: (t) => ({
    endUser: t.field({ type: EndUserInput }),
    tags: t.field({ type: 'JSON', description: 'Replaces the tags (the end user ones are kept).' }),
    webhookUrlOverride: t.string({ description: '"" clears it.' }),
  }),
});

const patchSchema = z
  .custom<typeof PatchConnectionInput.$inferInput>()
  .transform((input) =>
    givenValues({
      end_user: restEndUser(input.endUser),
      tags: input.tags,
      webhook_url_override: input.webhookUrlOverride,
    }),
  )
  .pipe(patchConnectionInputSchema);

const connectionKeyArgs = (t: ArgBuilder<BuilderTypes>) => ({
  connectionId: t.string({ required: true }),
  providerConfigKey: t.string({ required: true }),
});

builder.mutationField('patchConnection', (t) =>
  t.field({
    type: UpdatedPayload,
    authScopes: { secretKey: true },
    errors: { types: WRITE_ERRORS },
    args: {
      ...connectionKeyArgs(t.arg),
      input: t.arg({ type: PatchConnectionInput, required: true }).validate(patchSchema),
    },
    resolve: async (_root, args, { services, auth }) => {
      await services.connectionAdmin.patch(auth, args.connectionId, args.providerConfigKey, args.input);
      return { success: true };
    },
  }),
);

builder.mutationField('deleteConnection', (t) =>
  t.field({
    type: DeletedPayload,
    authScopes: { secretKey: true },
    description: 'Deletes the connection, revoking its tokens at the provider where it can.',
    errors: { types: WRITE_ERRORS },
    args: connectionKeyArgs(t.arg),
    resolve: async (_root, args, { services, auth }) => {
      await services.connectionAdmin.delete(auth, args.connectionId, args.providerConfigKey);
      return { success: true };
    },
  }),
);

builder.mutationField('refreshConnection', (t) =>
  t.field({
    type: Connection,
    authScopes: { secretKey: true },
    description: 'Refreshes the access token now, whether due or not, and returns the connection.',
    errors: { types: CREDENTIAL_ERRORS },
    args: connectionKeyArgs(t.arg),
    resolve: (_root, args, { services, auth }) =>
      services.connections.get(auth, args.connectionId, args.providerConfigKey, { forceRefresh: true }),
  }),
);
