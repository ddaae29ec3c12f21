/**
 * The one mapping from Latchkey's error family to GraphQL. Expected failures become members of a field's result union
 * (not found, invalid input, refresh failed, conflict, auth flow refused); everything else becomes a GraphQL error
 * whose `extensions.code` is a GraphQL category and `extensions.errorCode` the same code REST answers with. Errors
 * that are not a 4xx `LatchkeyError` are masked: logged here, shown as a bare "Unexpected error.", except a database
 * that cannot be reached: `SERVICE_UNAVAILABLE` / `database_unavailable`, HTTP 503.
 */
import { ERROR_CODES, LatchkeyError } from '@latchkey/schema';
import { GraphQLError } from 'graphql';
import { databaseUnavailable } from '../../platform/database/availability';
import type { Logger } from '../../platform/logging/logger';

/** Flow refusals a widget shows its user (as opposed to a malformed call). */
const AUTH_FLOW_CODES = new Set<string>([
  'integration_not_allowed',
  'invalid_auth_mode',
  'integration_not_configured',
  'invalid_connection',
  'connection_test_failed',
  'missing_client_id',
  'missing_client_secret',
]);

/** A code's own status: Nango answers a few codes with another status (an unknown connection to DELETE is 400). */
const statusOf = (error: LatchkeyError): number | undefined =>
  (ERROR_CODES as Record<string, { status: number } | undefined>)[error.code]?.status;

/**
 * The error classes the errors plugin matches. Services throw plain `LatchkeyError`s named by code, so each class
 * claims, through `Symbol.hasInstance`, every `LatchkeyError` of its family: `instanceof` is how the plugin picks a
 * union member. The families are disjoint.
 */
export class NotFoundProblem extends LatchkeyError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof LatchkeyError && statusOf(value) === 404;
  }
}

export class RefreshFailedProblem extends LatchkeyError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof LatchkeyError && value.code === 'invalid_credentials';
  }
}

export class AuthFlowProblem extends LatchkeyError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof LatchkeyError && AUTH_FLOW_CODES.has(value.code);
  }
}

export class InvalidInputProblem extends LatchkeyError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      value instanceof LatchkeyError &&
      [400, 413, 415].includes(statusOf(value) ?? 0) &&
      value.code !== 'invalid_credentials' &&
      !AUTH_FLOW_CODES.has(value.code)
    );
  }
}

export class ConflictProblem extends LatchkeyError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof LatchkeyError && statusOf(value) === 409;
  }
}

const CATEGORIES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'BAD_USER_INPUT',
  415: 'BAD_USER_INPUT',
  424: 'FAILED_DEPENDENCY',
  503: 'SERVICE_UNAVAILABLE',
};

export function graphqlErrorExtensions(error: LatchkeyError): Record<string, unknown> {
  return {
    code: CATEGORIES[error.status] ?? (error.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'),
    errorCode: error.code,
    ...(error.errors === undefined ? {} : { issues: error.errors }),
  };
}

/** Yoga's `maskedErrors.maskError`: client errors keep their message and code, anything else is masked and logged. */
export function createErrorMasker(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const graphqlError = error instanceof GraphQLError ? error : undefined;
    const original = graphqlError?.originalError ?? error;
    if (original instanceof LatchkeyError && original.status < 500) {
      return new GraphQLError(original.message, {
        nodes: graphqlError?.nodes,
        source: graphqlError?.source,
        positions: graphqlError?.positions,
        path: graphqlError?.path,
        extensions: graphqlErrorExtensions(original),
      });
    }
    // Parse and validation errors, and errors we raised as GraphQL errors on purpose, are meant for the client.
    if (graphqlError !== undefined && (original === graphqlError || original instanceof GraphQLError)) {
      return graphqlError;
    }
    if (databaseUnavailable(original)) {
      logger.warn({ err: original }, 'database unavailable');
      const unavailable = new LatchkeyError('database_unavailable');
      return new GraphQLError(unavailable.message, {
        nodes: graphqlError?.nodes,
        source: graphqlError?.source,
        positions: graphqlError?.positions,
        path: graphqlError?.path,
        extensions: { ...graphqlErrorExtensions(unavailable), http: { status: 503 } },
      });
    }
    if (original instanceof LatchkeyError) {
      logger.error({ code: original.code, internal: original.internal, err: original }, original.message);
    } else {
      logger.error({ err: original }, 'unexpected GraphQL resolver error');
    }
    return new GraphQLError(message, {
      nodes: graphqlError?.nodes,
      source: graphqlError?.source,
      positions: graphqlError?.positions,
      path: graphqlError?.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}
