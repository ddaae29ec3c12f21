import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AuthenticationError,
  ERROR_CODES,
  errorBodySchema,
  ForbiddenError,
  fieldErrorsFromZod,
  LatchkeyError,
  ValidationError,
} from '../src/errors';

describe('error family', () => {
  it('takes its status from the code table', () => {
    expect(new AuthenticationError('missing_auth_header').status).toBe(401);
    expect(new ForbiddenError().status).toBe(403);
    expect(new LatchkeyError('invalid_content_type').status).toBe(415);
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(new LatchkeyError(code as keyof typeof ERROR_CODES).status).toBe(status);
    }
  });

  it('serialises to the error body, without internal detail', () => {
    const error = new ValidationError('invalid_body', 'bad', {
      errors: [{ code: 'too_small', message: 'short', path: ['a'] }],
      internal: 'do-not-send',
    });
    const body = error.toBody();
    expect(errorBodySchema.parse(body)).toEqual(body);
    expect(body).toEqual({
      error: {
        code: 'invalid_body',
        message: 'bad',
        errors: [{ code: 'too_small', message: 'short', path: ['a'] }],
      },
    });
    expect(JSON.stringify(body)).not.toContain('do-not-send');
  });

  it('maps zod issues to field errors with string paths', () => {
    const result = z.object({ list: z.array(z.string()) }).safeParse({ list: ['a', 1] });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(fieldErrorsFromZod(result.error)).toEqual([
        { code: 'invalid_type', message: expect.any(String), path: ['list', '1'] },
      ]);
  });
});
