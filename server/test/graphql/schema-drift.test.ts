/** The checked-in `schema/schema.graphql` is the contract clients generate from: it must be the schema served. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRINTED_SCHEMA_PATH, printedSchema } from '../../src/transports/graphql/print-schema';

describe('GraphQL schema', () => {
  it('matches the checked-in schema/schema.graphql (run `pnpm graphql:schema` after changing it)', () => {
    expect(readFileSync(PRINTED_SCHEMA_PATH, 'utf8')).toBe(printedSchema());
  });

  it('has the fixed entry points', () => {
    const printed = printedSchema();
    for (const field of [
      /type Mutation \{[^}]*\bcreateConnectSession\(/s,
      /type Mutation \{[^}]*\bcreateReconnectSession\(/s,
      /type Query \{[^}]*\bconnection\(/s,
      /type Query \{[^}]*\bconnections\(/s,
      /type Subscription \{[^}]*\bauthEvents\(/s,
    ]) {
      expect(printed).toMatch(field);
    }
  });
});
