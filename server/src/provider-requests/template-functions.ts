/**
 * What Nango's templates compute rather than look up: the clock (`${now}`, `${now:FORMAT}`, `${now+N:unit:FORMAT}`),
 * the request being sent (`${method}`, `${host}`, `${path}`, `${params}`) and the functions (`${base64(…)}`,
 * `${sha256Hex(…)}`, `${hmacSha1Hex(message, key)}`, `${awsSigV4(accessKeyId, secretKey, region, service[, host])}`).
 * template-interpolation.ts fills the arguments and calls these.
 */
import { createHash, createHmac } from 'node:crypto';
import { amzDate, sigV4Authorization } from './sigv4-signature';

/** The request a template is filled for: proxy headers are filled again for every request sent. */
export interface TemplateRequest {
  method: string;
  url: URL;
  /** Headers already set, lower-case names. */
  headers: Record<string, string>;
  body?: Buffer | undefined;
}

/** What a function may use besides its arguments. */
export interface TemplateContext {
  /** One instant for every template of a request, so `x-amz-date` and the signature over it agree. */
  now: Date;
  request: TemplateRequest | undefined;
}

interface TemplateFunction {
  /** How the inner text splits into arguments: at each top-level comma, at the last one (`message, key`), or not. */
  split: 'each' | 'last' | 'none';
  arity: readonly [min: number, max: number];
  /** The value, or undefined when the arguments cannot give one (the placeholder then stays unresolved). */
  run(args: string[], context: TemplateContext): string | undefined;
}

const FUNCTIONS: Record<string, TemplateFunction> = {
  base64: { split: 'none', arity: [1, 1], run: ([text]) => Buffer.from(text!, 'utf8').toString('base64') },
  sha256Hex: { split: 'none', arity: [1, 1], run: ([text]) => digest(text!, 'hex') },
  sha256Base64: { split: 'none', arity: [1, 1], run: ([text]) => digest(text!, 'base64') },
  hmacSha1Hex: {
    split: 'last',
    arity: [2, 2],
    run: ([message, key]) => createHmac('sha1', key!).update(message!, 'utf8').digest('hex'),
  },
  awsSigV4: { split: 'each', arity: [4, 5], run: awsSigV4 },
};

/** The function of that name, or undefined for one Latchkey does not compute. */
export function templateFunction(name: string): TemplateFunction | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}

/**
 * The arguments of a call as written (placeholders unfilled): split at commas outside `${…}` and parentheses, each
 * trimmed; `last` keeps every comma but the last in the first argument, untrimmed (a signed message may hold commas).
 */
export function splitArguments(inner: string, split: TemplateFunction['split']): string[] {
  if (split === 'none') return [inner];
  const commas: number[] = [];
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i];
    if (char === '(' || char === '{') depth++;
    else if ((char === ')' || char === '}') && depth > 0) depth--;
    else if (char === ',' && depth === 0) commas.push(i);
  }
  if (split === 'last') {
    const at = commas.at(-1);
    return at === undefined ? [inner] : [inner.slice(0, at), inner.slice(at + 1).trim()];
  }
  const bounds = [-1, ...commas, inner.length];
  return bounds.slice(1).map((end, i) => inner.slice(bounds[i]! + 1, end).trim());
}

/**
 * `${awsSigV4(accessKeyId, secretKey, region, service[, host])}`: the SigV4 `Authorization` of the request being
 * sent, as Nango computes it: signed headers `host`, `x-amz-date` (the shared instant, which the entry's
 * `x-amz-date: ${now:YYYYMMDDTHHmmss[Z]}` header also names) and `content-type` when the request has one. The host
 * is the fifth argument, else the request's own (Nango's `${service}.amazonaws.com` when there is no request).
 */
function awsSigV4(args: string[], { now, request }: TemplateContext): string | undefined {
  const [accessKeyId, secretAccessKey, region, service, host] = args;
  if (!accessKeyId || !secretAccessKey || !region || !service) return undefined;
  const url = request?.url ?? new URL(`https://${service}.amazonaws.com/`);
  const headers: Record<string, string> = { host: host || url.host, 'x-amz-date': amzDate(now) };
  const contentType = request?.headers['content-type'];
  if (contentType !== undefined && contentType !== '') headers['content-type'] = contentType;
  return sigV4Authorization(
    { method: request?.method ?? 'GET', url, headers, body: request?.body },
    { accessKeyId, secretAccessKey, region, service },
    now,
  );
}

function digest(text: string, encoding: 'hex' | 'base64'): string {
  return createHash('sha256').update(text, 'utf8').digest(encoding);
}

// --- the request being sent -------------------------------------------------------------------------------------

/**
 * Whether filling these templates reads the request body (`${awsSigV4(...)}` hashes it, `${params}` lists a form
 * body's parameters): the proxy must then hold the body rather than stream it.
 */
export function templatesReadBody(templates: Record<string, unknown> | undefined): boolean {
  return Object.values(templates ?? {}).some(
    (template) => typeof template === 'string' && /\$\{\s*(?:awsSigV4\(|params\s*\})/.test(template),
  );
}

/** `${method}`, `${host}`, `${path}` and `${params}` (Duo's canonical parameters) of the request, when there is one. */
export function requestValue(name: string, request: TemplateRequest | undefined): string | undefined {
  if (request === undefined) return undefined;
  switch (name) {
    case 'method':
      return request.method.toUpperCase();
    case 'host':
      return request.url.host;
    case 'path':
      return request.url.pathname;
    case 'params':
      return canonicalParams(request);
    default:
      return undefined;
  }
}

/** Body parameters for POST, PUT and PATCH, query parameters otherwise; sorted by name, RFC 3986 encoded. */
function canonicalParams(request: TemplateRequest): string {
  const method = request.method.toUpperCase();
  const source = ['POST', 'PUT', 'PATCH'].includes(method)
    ? new URLSearchParams(request.body?.toString('utf8') ?? '')
    : request.url.searchParams;
  return [...source]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .join('&');
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

// --- the clock --------------------------------------------------------------------------------------------------

/**
 * `now` (ISO 8601), `now:FORMAT` and `now+N:unit:FORMAT` (or `now-N:…`), in UTC with Day.js's format tokens as
 * Nango uses them; undefined for any other expression, or an offset unit Latchkey does not know.
 */
export function clockValue(expression: string, now: Date): string | undefined {
  if (expression === 'now') return now.toISOString();
  const offset = /^now([+-]\d+):([a-zA-Z]+):([\s\S]+)$/.exec(expression);
  if (offset !== null) {
    const moved = addToDate(now, Number(offset[1]), offset[2]!);
    return moved === undefined ? undefined : formatDate(moved, offset[3]!);
  }
  const format = /^now:([\s\S]+)$/.exec(expression);
  return format === null ? undefined : formatDate(now, format[1]!);
}

const TOKENS = /\[([^\]]+)]|Y{1,4}|M{1,4}|D{1,2}|d{1,4}|H{1,2}|h{1,2}|a|A|m{1,2}|s{1,2}|Z{1,2}|SSS/g;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Day.js's `format` in UTC: `[…]` is literal; `X` alone is Unix seconds and `x` alone milliseconds (Nango's
 * special cases). A token Day.js does not know (`Y`, `ZZ`) gives the zone without a colon, as Day.js does.
 */
export function formatDate(date: Date, format: string): string {
  if (format === 'X') return String(Math.floor(date.getTime() / 1000));
  if (format === 'x') return String(date.getTime());
  return format.replace(TOKENS, (token, literal: string | undefined) => literal ?? formatToken(date, token));
}

function formatToken(date: Date, token: string): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const hours = date.getUTCHours();
  const month = date.getUTCMonth();
  const weekday = date.getUTCDay();
  switch (token) {
    case 'YY':
      return String(date.getUTCFullYear()).slice(-2);
    case 'YYYY':
      return pad(date.getUTCFullYear(), 4);
    case 'M':
      return String(month + 1);
    case 'MM':
      return pad(month + 1);
    case 'MMM':
      return MONTHS[month]!.slice(0, 3);
    case 'MMMM':
      return MONTHS[month]!;
    case 'D':
      return String(date.getUTCDate());
    case 'DD':
      return pad(date.getUTCDate());
    case 'd':
      return String(weekday);
    case 'dd':
      return WEEKDAYS[weekday]!.slice(0, 2);
    case 'ddd':
      return WEEKDAYS[weekday]!.slice(0, 3);
    case 'dddd':
      return WEEKDAYS[weekday]!;
    case 'H':
      return String(hours);
    case 'HH':
      return pad(hours);
    case 'h':
      return String(hours % 12 || 12);
    case 'hh':
      return pad(hours % 12 || 12);
    case 'a':
      return hours < 12 ? 'am' : 'pm';
    case 'A':
      return hours < 12 ? 'AM' : 'PM';
    case 'm':
      return String(date.getUTCMinutes());
    case 'mm':
      return pad(date.getUTCMinutes());
    case 's':
      return String(date.getUTCSeconds());
    case 'ss':
      return pad(date.getUTCSeconds());
    case 'SSS':
      return pad(date.getUTCMilliseconds(), 3);
    case 'Z':
      return '+00:00';
    default:
      return '+0000';
  }
}

const UNIT_MS: Record<string, number> = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000 };
const UNIT_ALIASES: Record<string, string> = {
  ms: 'millisecond',
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  M: 'month',
  y: 'year',
};

/** Day.js's `add`: days and weeks on the calendar, months and years clamped to the month's last day. */
function addToDate(date: Date, amount: number, unitName: string): Date | undefined {
  const unit = UNIT_ALIASES[unitName] ?? unitName.toLowerCase().replace(/s$/, '');
  if (Object.hasOwn(UNIT_MS, unit)) return new Date(date.getTime() + amount * UNIT_MS[unit]!);
  if (unit === 'day' || unit === 'week') {
    return new Date(date.getTime() + amount * (unit === 'week' ? 7 : 1) * 86_400_000);
  }
  if (unit !== 'month' && unit !== 'year') return undefined;
  const months = date.getUTCFullYear() * 12 + date.getUTCMonth() + (unit === 'year' ? amount * 12 : amount);
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const moved = new Date(date);
  moved.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  return moved;
}
