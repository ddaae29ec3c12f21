/** Every type registers itself with the builder on import; this assembles the schema once. */
import { lexicographicSortSchema } from 'graphql';
import { builder } from '../builder';
import './scalars';
import './errors';
import './environment';
import './provider';
import './integration';
import './connection';
import './connection-mutations';
import './connect-session';
import './session-flows';
import './logs';
import './webhooks';
import './auth-events';

/** Sorted, so the printed schema (`schema/schema.graphql`) does not change with the order of imports. */
export const graphqlSchema = lexicographicSortSchema(builder.toSchema());
