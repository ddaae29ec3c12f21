/**
 * JSON route groups take JSON or nothing: a present Content-Type that is not application/json is refused (415, as
 * Nango does), an empty body is accepted whatever the header says (the SDKs send `Content-Type: application/json` on
 * every GET and DELETE), malformed JSON is a 400 with the parser's message.
 */
import { LatchkeyError, ValidationError } from '@latchkey/schema';
import type { MiddlewareHandler } from 'hono';
import type { RestEnv } from '../rest-env';

export function jsonBody(limitBytes: number): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const contentType = c.req.header('content-type');
    if (
      contentType !== undefined &&
      contentType.trim() !== '' &&
      !/^application\/json\b/i.test(contentType.trim())
    ) {
      throw new LatchkeyError('invalid_content_type');
    }
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > limitBytes) throw tooLarge(limitBytes);
    let body: unknown;
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const buffer = await c.req.arrayBuffer();
      if (buffer.byteLength > limitBytes) throw tooLarge(limitBytes);
      const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch (error) {
          throw new ValidationError('invalid_json', (error as Error).message);
        }
      }
    }
    c.set('body', body);
    await next();
  };
}

function tooLarge(limitBytes: number): LatchkeyError {
  return new LatchkeyError('payload_too_large', `The request body is larger than ${limitBytes} bytes.`);
}
