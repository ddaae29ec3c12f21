/**
 * The one mapping from Latchkey's error family to tRPC. A `LatchkeyError` becomes the `TRPCError` of its HTTP status
 * (so tRPC answers with that status too); every error shape carries our stable code as `data.errorCode`, with the
 * error's `payload` and per-field `errors` when it has them. Failures that are ours (5xx, or not a `LatchkeyError`)
 * show a generic message; their detail goes to the log only.
 */
import { ERROR_CODES, fieldErrorsFromZod, LatchkeyError, ValidationError } from '@latchkey/schema';
import { type TRPC_ERROR_CODE_KEY, type TRPCDefaultErrorShape, TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { databaseUnavailable } from '../../platform/database/availability';

const CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  // 424 Failed Dependency has no tRPC code: the connection must be reauthorized before this can succeed.
  424: 'PRECONDITION_FAILED',
  429: 'TOO_MANY_REQUESTS',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

export function trpcCodeOf(error: LatchkeyError): TRPC_ERROR_CODE_KEY {
  return CODE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
}

export function toTrpcError(error: LatchkeyError): TRPCError {
  const message = error.status >= 500 ? ERROR_CODES.server_error.message : error.message;
  return new TRPCError({ code: trpcCodeOf(error), message, cause: error });
}

/** The Latchkey error a tRPC error stands for, whether a service threw it or tRPC raised its own. */
export function latchkeyErrorOf(error: TRPCError): LatchkeyError {
  const cause = error.cause;
  if (cause instanceof LatchkeyError) return cause;
  if (databaseUnavailable(cause)) return new LatchkeyError('database_unavailable', undefined, { cause });
  if (error.code === 'BAD_REQUEST' && cause !== undefined && isSchemaFailure(cause)) {
    const errors =
      cause instanceof z.ZodError
        ? fieldErrorsFromZod(cause)
        : cause.issues.map((issue) => ({
            code: 'invalid',
            message: issue.message,
            path: (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)),
          }));
    const first = errors[0];
    const detail =
      first === undefined
        ? ''
        : ` ${first.path.length > 0 ? `${first.path.join('.')}: ` : ''}${first.message}`;
    return new ValidationError('invalid_body', `${ERROR_CODES.invalid_body.message}${detail}`, { errors });
  }
  switch (error.code) {
    case 'NOT_FOUND':
      return new LatchkeyError('route_not_found', error.message);
    case 'PARSE_ERROR':
      return new LatchkeyError('invalid_json', error.message);
    case 'METHOD_NOT_SUPPORTED':
    case 'BAD_REQUEST':
      return new LatchkeyError('malformed_request', error.message);
    case 'PAYLOAD_TOO_LARGE':
      return new LatchkeyError('payload_too_large');
    case 'UNSUPPORTED_MEDIA_TYPE':
      return new LatchkeyError('invalid_content_type');
    default:
      return new LatchkeyError('server_error', undefined, { internal: error.cause ?? error });
  }
}

function isSchemaFailure(cause: Error): cause is Error & {
  issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>;
} {
  return Array.isArray((cause as { issues?: unknown }).issues);
}

export interface LatchkeyErrorData {
  /** Our stable code, the same REST answers with in `error.code`. */
  errorCode: string;
  payload?: Record<string, unknown>;
  errors?: Array<{ code: string; message: string; path: string[] }>;
}

/**
 * `initTRPC.create({ errorFormatter })`: tRPC's shape, its message replaced by ours and our code added. A service
 * error thrown inside a subscription's stream reaches here unmapped (no middleware sees it), so the tRPC code is set
 * from our error too; the client then knows not to retry a refusal.
 */
export function formatTrpcError(opts: { shape: TRPCDefaultErrorShape; error: TRPCError }) {
  const problem = latchkeyErrorOf(opts.error);
  const { stack: _stack, ...data } = opts.shape.data;
  const latchkey: LatchkeyErrorData = { errorCode: problem.code };
  if (problem.payload !== undefined) latchkey.payload = problem.payload;
  if (problem.errors !== undefined) latchkey.errors = problem.errors;
  // Ours (a service's error, or a database outage met outside the procedure middleware) carry their own status.
  const ours = opts.error.cause instanceof LatchkeyError || problem.code === 'database_unavailable';
  const code = ours ? trpcCodeOf(problem) : data.code;
  return {
    ...opts.shape,
    code: TRPC_ERROR_CODES_BY_KEY[code],
    message: problem.status >= 500 ? ERROR_CODES.server_error.message : problem.message,
    data: {
      ...data,
      code,
      httpStatus: ours ? problem.status : data.httpStatus,
      ...latchkey,
    },
  };
}
