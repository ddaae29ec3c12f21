/** Validation of request parts with zod; a failure becomes the 400 of the part that failed, with per-field errors. */
import { fieldErrorsFromZod, ValidationError } from '@latchkey/schema';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { RestEnv } from './rest-env';

type Part = 'invalid_body' | 'invalid_query_params' | 'invalid_uri_params' | 'invalid_headers';

const MESSAGES: Record<Part, string> = {
  invalid_body: 'The request body is invalid.',
  invalid_query_params: 'The query parameters are invalid.',
  invalid_uri_params: 'The URL parameters are invalid.',
  invalid_headers: 'The request headers are invalid.',
};

export function validate<S extends z.ZodType>(part: Part, schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = fieldErrorsFromZod(result.error);
    const first = errors[0];
    const detail =
      first === undefined
        ? ''
        : ` ${first.path.length > 0 ? `${first.path.join('.')}: ` : ''}${first.message}`;
    throw new ValidationError(part, `${MESSAGES[part]}${detail}`, { errors });
  }
  return result.data;
}

export const readBody = <S extends z.ZodType>(c: Context<RestEnv>, schema: S): z.infer<S> =>
  validate('invalid_body', schema, c.get('body'));

export const readQuery = <S extends z.ZodType>(c: Context<RestEnv>, schema: S): z.infer<S> =>
  validate('invalid_query_params', schema, c.get('query'));

export const readParam = <S extends z.ZodType>(c: Context<RestEnv>, name: string, schema: S): z.infer<S> =>
  validate('invalid_uri_params', schema, c.req.param(name));
