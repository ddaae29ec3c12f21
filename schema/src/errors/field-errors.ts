import type { z } from 'zod';
import type { FieldError } from './latchkey-error';

/** Turns zod issues into the `errors[]` entries of an error body (Nango's shape: code, message, path as strings). */
export function fieldErrorsFromZod(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    code: issue.code,
    message: issue.message,
    path: issue.path.map(String),
  }));
}
