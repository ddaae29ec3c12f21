/** `JSON`: free-form values (metadata, tags, credentials, provider definitions) whose shape REST documents. */
import { Kind, valueFromASTUntyped } from 'graphql';
import { builder } from '../builder';

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) =>
    ast.kind === Kind.NULL ? null : valueFromASTUntyped(ast, variables ?? undefined),
});
