/**
 * One error family for every layer and transport. A service throws a `LatchkeyError` (or a subclass naming its
 * family); REST turns it into `{ error: { code, message, payload?, errors? } }`, the other transports map the same
 * code. `internal` is logged but never sent: it is where diagnostic detail that may not reach a client goes.
 */
import { ERROR_CODES, type ErrorCode } from './error-codes';

export interface FieldError {
  code: string;
  message: string;
  path: string[];
}

export interface LatchkeyErrorOptions {
  payload?: Record<string, unknown>;
  errors?: FieldError[];
  /** Logged server-side only. */
  internal?: unknown;
  /**
   * Overrides the code's status. Used only where Nango answers one code with two statuses (a refresh that failed now
   * is 400 `invalid_credentials`, a connection that cannot be refreshed yet is 424 with the same code; an unknown
   * connection is 404 `unknown_connection` to the metadata endpoints but 400 to DELETE).
   */
  status?: 400 | 424;
  cause?: unknown;
}

export class LatchkeyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly payload: Record<string, unknown> | undefined;
  readonly errors: FieldError[] | undefined;
  readonly internal: unknown;

  constructor(code: ErrorCode, message?: string, options: LatchkeyErrorOptions = {}) {
    super(
      message ?? ERROR_CODES[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.payload = options.payload;
    this.errors = options.errors;
    this.internal = options.internal;
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.payload !== undefined) error.payload = this.payload;
    if (this.errors !== undefined) error.errors = this.errors;
    return { error };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; payload?: Record<string, unknown>; errors?: FieldError[] };
}

type CodesWithStatus<S extends number> = {
  [K in ErrorCode]: (typeof ERROR_CODES)[K]['status'] extends S ? K : never;
}[ErrorCode];

/** The caller is not authenticated (401). */
export class AuthenticationError extends LatchkeyError {
  constructor(code: CodesWithStatus<401>, message?: string, options?: LatchkeyErrorOptions) {
    super(code, message, options);
  }
}

/** The caller is authenticated but may not do this (403). */
export class ForbiddenError extends LatchkeyError {
  constructor(message?: string, options?: LatchkeyErrorOptions) {
    super('forbidden', message, options);
  }
}

/** Input failed validation (400), with one entry per problem in `errors`. */
export class ValidationError extends LatchkeyError {
  constructor(code: CodesWithStatus<400>, message?: string, options?: LatchkeyErrorOptions) {
    super(code, message, options);
  }
}

/** The thing named does not exist (404). */
export class NotFoundError extends LatchkeyError {
  constructor(code: CodesWithStatus<404>, message?: string, options?: LatchkeyErrorOptions) {
    super(code, message, options);
  }
}

/** The request conflicts with the current state (409). */
export class ConflictError extends LatchkeyError {
  constructor(code: CodesWithStatus<409>, message?: string, options?: LatchkeyErrorOptions) {
    super(code, message, options);
  }
}

/** Something on our side failed (5xx). The message stays generic; detail goes to `internal`. */
export class InternalError extends LatchkeyError {
  constructor(
    code: CodesWithStatus<500 | 503> = 'server_error',
    message?: string,
    options?: LatchkeyErrorOptions,
  ) {
    super(code, message, options);
  }
}
