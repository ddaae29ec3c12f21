/**
 * JSON route groups take JSON or nothing: a present Content-Type that is not application/json is refused (415, as
 * Nango does), an empty body is accepted whatever the header says (the SDKs send `Content-Type: application/json` on
 * every GET and DELETE), malformed JSON is a 400 with the parser's message, and a string PostgreSQL cannot store (an
 * escaped NUL or lone surrogate) a 400 `invalid_body` naming its path. The few routes listed in `yamlPaths` (the
 * providers-file import) also take a YAML body, handed to the route as text in `yamlBody` (the route checks it).
 */
import { LatchkeyError, ValidationError } from '@latchkey/schema';
import type { MiddlewareHandler } from 'hono';
import { refuseUnstorableStrings } from '../../../platform/database/storable-strings';
import type { RestEnv } from '../rest-env';

const YAML_TYPE = /^(application\/yaml|application\/x-yaml|text\/yaml)\b/i;

export function jsonBody(
  limitBytes: number,
  options: { yamlPaths?: readonly string[] } = {},
): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const contentType = c.req.header('content-type')?.trim() ?? '';
    const yamlAllowed = options.yamlPaths?.includes(c.req.path.replace(/\/$/, '')) === true;
    const yaml = yamlAllowed && YAML_TYPE.test(contentType);
    if (contentType !== '' && !yaml && !/^application\/json\b/i.test(contentType)) {
      throw new LatchkeyError(
        'invalid_content_type',
        yamlAllowed ? 'Content-Type header must be application/json or application/yaml' : undefined,
      );
    }
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > limitBytes) throw tooLarge(limitBytes);
    let body: unknown;
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const buffer = await c.req.arrayBuffer();
      if (buffer.byteLength > limitBytes) throw tooLarge(limitBytes);
      const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
      if (yaml) c.set('yamlBody', text);
      else if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch (error) {
          throw new ValidationError('invalid_json', (error as Error).message);
        }
        // Only a `\u` escape puts a NUL or a lone surrogate into parsed JSON: decoded text holds neither raw.
        if (text.includes('\\u')) refuseUnstorableStrings('invalid_body', body);
      }
    }
    c.set('body', body);
    await next();
  };
}

function tooLarge(limitBytes: number): LatchkeyError {
  return new LatchkeyError('payload_too_large', `The request body is larger than ${limitBytes} bytes.`);
}
