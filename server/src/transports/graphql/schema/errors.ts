/**
 * The expected failures fields return as union members. All share the `Error` interface (`code`, `message`), so a
 * client can handle any of them with one fragment; `code` is the REST error code.
 */
import type { FieldError, LatchkeyError } from '@latchkey/schema';
import { builder } from '../builder';
import {
  AuthFlowProblem,
  ConflictProblem,
  InvalidInputProblem,
  NotFoundProblem,
  RefreshFailedProblem,
} from '../graphql-errors';

export const ErrorInterface = builder.interfaceRef<LatchkeyError>('Error').implement({
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

const InputIssue = builder.objectRef<FieldError>('InputIssue').implement({
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
    path: t.exposeStringList('path'),
  }),
});

builder.objectType(NotFoundProblem, {
  name: 'NotFoundError',
  description: 'The connection, integration, provider or delivery named does not exist here.',
  interfaces: [ErrorInterface],
});

builder.objectType(InvalidInputProblem, {
  name: 'InvalidInputError',
  description: 'The input was refused; `issues` says where (paths use the REST field names).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    issues: t.field({ type: [InputIssue], resolve: (error) => error.errors ?? [] }),
  }),
});

builder.objectType(RefreshFailedProblem, {
  name: 'RefreshFailedError',
  description: 'The access token could not be refreshed (now, or not yet again: see `retryLater`).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryLater: t.boolean({
      description:
        'True when refreshing is backing off or exhausted (REST answers 424), false when it just failed.',
      resolve: (error) => error.status === 424,
    }),
  }),
});

builder.objectType(ConflictProblem, {
  name: 'ConflictError',
  description: 'Something with this name already exists, or is still in use.',
  interfaces: [ErrorInterface],
});

builder.objectType(AuthFlowProblem, {
  name: 'AuthFlowError',
  description:
    'The auth flow was refused: the session does not allow it, or the provider refused the credentials.',
  interfaces: [ErrorInterface],
});

/** The union members each kind of field may return. */
export const READ_ERRORS = [NotFoundProblem, InvalidInputProblem];
export const WRITE_ERRORS = [NotFoundProblem, InvalidInputProblem, ConflictProblem];
export const CREDENTIAL_ERRORS = [NotFoundProblem, InvalidInputProblem, RefreshFailedProblem];
export const FLOW_ERRORS = [NotFoundProblem, InvalidInputProblem, AuthFlowProblem];
