/**
 * `pnpm graphql:schema`: writes the GraphQL schema, printed, to `schema/schema.graphql` (checked in: the contract
 * clients generate from; server/test/graphql/schema-drift.test.ts fails when it is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { graphqlSchema } from './schema';

export const PRINTED_SCHEMA_PATH = fileURLToPath(
  new URL('../../../../schema/schema.graphql', import.meta.url),
);

export function printedSchema(): string {
  return `${printSchema(graphqlSchema)}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(PRINTED_SCHEMA_PATH, printedSchema());
  console.log(`wrote ${PRINTED_SCHEMA_PATH}`);
}
