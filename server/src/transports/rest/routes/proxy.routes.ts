/**
 * `ALL /proxy/*` (compat doc 2.6). Not a JSON route: any body passes through as a stream, and the answer is the
 * provider's, not ours, unless Latchkey itself refuses or fails (then the usual error body).
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { booleanStringSchema } from '@latchkey/schema';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { MAX_RETRIES } from '../../../proxy/retry-policy';
import type { Services } from '../../../services';
import { validate } from '../request-input';
import type { RestEnv } from '../rest-env';

const FORWARD_PREFIX = 'nango-proxy-';

/** The SDK sends `Base-Url-Override` and `Nango-Activity-Log-Id` as '' when unset (compat doc 2.6): '' is absent. */
const proxyHeadersSchema = z.object({
  'connection-id': z.string().trim().min(1).max(255),
  'provider-config-key': z.string().trim().min(1).max(255),
  'base-url-override': z
    .string()
    .trim()
    .max(2048)
    .refine((value) => value === '' || value.includes('${') || isHttpUrl(value), 'must be an http(s) URL')
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
  // Nango sets no ceiling; ours is 10, and a larger count means as many as we allow rather than an error.
  retries: z
    .string()
    .trim()
    .regex(/^\d*$/, 'must be a whole number')
    .transform((value) => Math.min(Number(value || 0), MAX_RETRIES))
    .optional(),
  'retry-on': z
    .string()
    .trim()
    .regex(/^(\d{3}(\s*,\s*\d{3})*)?$/, 'must be comma-separated status codes')
    .transform((value) => (value === '' ? [] : value.split(',').map(Number)))
    .optional(),
  decompress: booleanStringSchema.optional(),
  'forward-headers-on-redirect': booleanStringSchema.optional(),
});

export function proxyRoutes(services: Services, options: { bodyLimit: number }) {
  const forward = async (c: Context<RestEnv>) => {
    const parsed = validate('invalid_headers', proxyHeadersSchema, c.req.header());
    const url = new URL(c.req.url);
    const forwarded: Record<string, string> = {};
    for (const [name, value] of c.req.raw.headers) {
      if (name.startsWith(FORWARD_PREFIX) && name.length > FORWARD_PREFIX.length) {
        forwarded[name.slice(FORWARD_PREFIX.length)] = value;
      }
    }
    const contentType = forwarded['content-type'] ?? c.req.header('content-type');
    delete forwarded['content-type'];
    const length = c.req.header('content-length');
    const raw = c.req.raw.body;

    const answer = await services.proxy.forward(c.get('auth'), {
      connectionId: parsed['connection-id'],
      providerConfigKey: parsed['provider-config-key'],
      method: c.req.method.toUpperCase(),
      path: url.pathname.replace(/^\/proxy/, ''),
      query: url.search.slice(1),
      baseUrlOverride: parsed['base-url-override'],
      retries: parsed.retries ?? 0,
      retryOn: parsed['retry-on'] ?? [],
      decompress: parsed.decompress ?? false,
      forwardHeadersOnRedirect: parsed['forward-headers-on-redirect'] ?? false,
      headers: forwarded,
      contentType,
      acceptEncoding: c.req.header('accept-encoding'),
      body: {
        stream: raw === null ? undefined : Readable.fromWeb(raw as NodeReadableStream),
        length: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
        chunked: c.req.header('transfer-encoding') !== undefined,
      },
      bufferLimit: options.bodyLimit,
      signal: c.req.raw.signal,
      log: c.get('log'),
    });
    const body = answer.body === null ? null : (Readable.toWeb(answer.body) as ReadableStream);
    // Through the context, so the headers set by middleware (CORS, request id) are added to the provider's.
    const headers: Record<string, string | string[]> = Object.fromEntries(answer.headers);
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    return c.newResponse(body, answer.status as 200, headers);
  };
  return new Hono<RestEnv>({ strict: false }).all('/proxy', forward).all('/proxy/*', forward);
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}
