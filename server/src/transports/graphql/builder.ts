/**
 * The one Pothos schema builder and its plugins (complex-app style: one file per type under `schema/`). Scope-auth is
 * the coarse gate (secret key or connect session token); the services check the fine scopes themselves, exactly as
 * for REST. Validation failures and expected service errors surface as typed union members (graphql-errors.ts).
 */

import { ValidationError } from '@latchkey/schema';
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import type { GraphqlContext } from './graphql-context';

export const builder = new SchemaBuilder<{
  Context: GraphqlContext;
  AuthScopes: { secretKey: boolean; connectSession: boolean };
  Scalars: { JSON: { Input: unknown; Output: unknown } };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // A subscription is refused when it starts, not event by event.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      // A signed-in operator is a secret key with its role's scopes (the services check them).
      secretKey: context.caller.kind === 'secretKey' || context.caller.kind === 'operator',
      connectSession: context.caller.kind === 'connectSession',
    }),
    unauthorizedError: (_parent, context) =>
      new GraphQLError(
        context.caller.kind === 'connectSession'
          ? 'A connect session token cannot do this; use a secret key.'
          : 'This operation takes a connect session token.',
        { extensions: { code: 'FORBIDDEN', errorCode: 'forbidden' } },
      ),
  },
  errors: {
    directResult: true,
    // Validation issues are returned before scope-auth runs; they only describe the caller's own input.
    unsafelyHandleInputErrors: true,
  },
  validation: {
    validationError: (failure) => {
      const errors = failure.issues.map((issue) => ({
        code: (issue as { code?: string }).code ?? 'invalid',
        message: issue.message,
        path: (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)),
      }));
      const first = errors[0];
      return new ValidationError(
        'invalid_body',
        first === undefined ? undefined : `${first.path.join('.')}: ${first.message}`,
        { errors },
      );
    },
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

/** The builder's resolved types, for helpers that build fields or arguments outside a `fields` callback. */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
