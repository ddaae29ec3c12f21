/** The `proxy` part of a provider entry: base URL, headers, verification call, retry hints and pagination. */
import { z } from 'zod';
import {
  httpMethodSchema,
  stringMapSchema,
  stringOrListSchema,
  textMapSchema,
} from './provider-fields.schema';

export const proxyVerificationSchema = z
  .object({
    /** Nango omits it in a few entries; GET is meant. */
    method: httpMethodSchema.optional(),
    endpoints: z.array(z.string().min(1)).min(1),
    base_url_override: z.string().optional(),
    headers: textMapSchema.optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type ProxyVerification = z.infer<typeof proxyVerificationSchema>;

/** Where the proxy reads rate-limit hints: headers (`at`, `after`, `remaining`), error codes, or a body field. */
export const proxyRetrySchema = z
  .object({
    at: stringOrListSchema.optional(),
    after: stringOrListSchema.optional(),
    remaining: stringOrListSchema.optional(),
    error_code: z.array(z.union([z.string(), z.number()])).optional(),
    in_body: z
      .object({ path: z.string(), value: z.string().optional(), strategy: z.enum(['at', 'after']) })
      .strict()
      .optional(),
  })
  .strict();
export type ProxyRetry = z.infer<typeof proxyRetrySchema>;

/** Pagination defaults for the proxy's callers (cursor, link or offset). */
export const proxyPaginationSchema = z
  .object({
    type: z.enum(['cursor', 'link', 'offset']).optional(),
    cursor_name_in_request: z.string().optional(),
    cursor_path_in_response: z.string().optional(),
    limit_name_in_request: z.string().optional(),
    link_rel_in_response_header: z.string().optional(),
    link_path_in_response_body: z.string().optional(),
    offset_name_in_request: z.string().optional(),
    offset_start_value: z.number().optional(),
    offset_calculation_method: z.enum(['per-page', 'by-response-size']).optional(),
    response_path: z.string().optional(),
  })
  .strict();
export type ProxyPagination = z.infer<typeof proxyPaginationSchema>;

/** A `proxy.body` leaf: a template string, or an object of more leaves. */
export type ProxyBodyValue = string | { [key: string]: ProxyBodyValue };
export const proxyBodyValueSchema: z.ZodType<ProxyBodyValue> = z.lazy(() =>
  z.union([z.string(), z.record(z.string(), proxyBodyValueSchema)]),
);

export const proxySchema = z
  .object({
    base_url: z.string().min(1),
    headers: stringMapSchema.optional(),
    query: textMapSchema.optional(),
    verification: proxyVerificationSchema.optional(),
    retry: proxyRetrySchema.optional(),
    paginate: proxyPaginationSchema.optional(),
    connection_config: textMapSchema.optional(),
    decompress: z.boolean().optional(),
    forward_headers_on_redirect: z.boolean().optional(),
    /** Fields merged into the body of every proxied request (templates, like headers). */
    body: z.record(z.string(), proxyBodyValueSchema).optional(),
  })
  .strict();
export type ProxySettings = z.infer<typeof proxySchema>;
