import { z } from 'zod';

export const fieldErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.array(z.string()),
});

/** The body of every non-2xx JSON answer. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    payload: z.record(z.string(), z.unknown()).optional(),
    errors: z.array(fieldErrorSchema).optional(),
  }),
});
