/**
 * URL-valued provider templates (authorization, token, refresh, request and proxy base URLs): filled from the
 * connection config so that an end user's value can never move the request to another host.
 */
import type { FieldDeclaration } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import {
  configFieldOf,
  fieldName,
  fill,
  parseTemplate,
  resolveExpression,
  splitFallback,
  type TemplatePart,
  unique,
} from './template-interpolation';

/** Options of {@link buildProviderUrl}. */
export interface ProviderUrlOptions {
  /** Accept `http:` for a whole-URL value such as `instance_url` (development against local servers). */
  allowHttp?: boolean;
  /**
   * The provider's `connection_config` declarations. A value from a field's `enum` was written by the provider
   * definition, not the end user, so it may span several host labels (Zoho's `com.au`, Datadog's `us3.datadoghq.com`).
   */
  fields?: Record<string, FieldDeclaration>;
}

/**
 * Fills a URL-valued template (authorization, token, refresh, request or proxy base URL) from the connection config
 * and returns the URL, which keeps the template's host: values in the host must be DNS labels (a whole-host value a
 * hostname with optional port), values in the path or query are percent-encoded, and a value that stands for the
 * whole base URL (`${connectionConfig.instance_url}/path`) must be an absolute https URL without userinfo, query or
 * fragment. Empty values count as missing, so `a || b` falls back on them.
 * @throws LatchkeyError `invalid_connection_config` naming the field (never its value).
 */
export function buildProviderUrl(
  template: string,
  connectionConfig: Record<string, string>,
  options: ProviderUrlOptions = {},
): URL {
  const config = Object.fromEntries(Object.entries(connectionConfig).filter(([, value]) => value !== ''));
  const operands = splitFallback(template);
  const missing: string[] = [];
  for (const operand of operands) {
    const unresolved = fill(operand, { connectionConfig: config }).missing;
    if (unresolved.length === 0) return fillUrl(operand, config, options);
    missing.push(...unresolved);
  }
  const fields = unique(missing.map(fieldName));
  throw new LatchkeyError(
    'invalid_connection_config',
    `Invalid connection configuration: ${fields.map((field) => `${field}: is missing`).join('; ')}`,
    { errors: fields.map((field) => ({ code: 'missing', message: 'is missing', path: ['params', field] })) },
  );
}

/** Connection-config fields a URL template places in its host (or port), in any `||` operand. */
export function hostFieldsOfUrlTemplate(template: string): string[] {
  return unique(
    splitFallback(template).flatMap((operand) =>
      layoutUrl(operand).pieces.flatMap((piece) => {
        const inHost = 'expression' in piece && (piece.zone === 'host' || piece.zone === 'port');
        const field = inHost ? configFieldOf(piece.expression) : undefined;
        return field === undefined ? [] : [field];
      }),
    ),
  );
}

/** Connection-config fields a template cannot do without: those outside the left side of a `||`. */
export function requiredFieldsOfTemplate(template: string): string[] {
  const operands = splitFallback(template);
  const used = operands[operands.length - 1]!;
  return unique(
    parseTemplate(used)
      .map((part) => (typeof part === 'string' ? undefined : configFieldOf(part.expression)))
      .filter((field) => field !== undefined),
  );
}

// --- URL templates ----------------------------------------------------------------------------------------------

/** Where in the URL a piece sits. `base` is a placeholder standing for the whole scheme-and-host prefix. */
type Zone = 'base' | 'host' | 'port' | 'path';
/** How much of the host a placeholder covers, which decides what its value may look like. */
type HostSpan = 'host-and-port' | 'hostname' | 'labels' | 'label';
type UrlPiece = { text: string; zone: Zone } | { expression: string; zone: Zone; span: HostSpan };

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const ONE_LABEL = new RegExp(`^${LABEL}$`);
const HOSTNAME = new RegExp(`^(?=[^:]{1,253}(?::|$))${LABEL}(?:\\.${LABEL})*$`);
const HOSTNAME_AND_PORT = new RegExp(`^(?=[^:]{1,253}(?::|$))${LABEL}(?:\\.${LABEL})*(?::\\d{1,5})?$`);
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** The path part of a provider-written host value: unreserved characters and slashes only. */
const ENUM_PATH = /\/[A-Za-z0-9._~/-]*$/;

/** A DNS host name of ASCII labels (letters, digits, inner dashes), at most 253 characters; no port, no IP forms. */
export function isHostname(value: string): boolean {
  return HOSTNAME.test(value);
}

function layoutUrl(operand: string): { scheme: string | undefined; pieces: UrlPiece[] } {
  const parts = parseTemplate(operand);
  const head = parts[0];
  if (head !== undefined && typeof head !== 'string') {
    const rest = parts.slice(1).map((part) => toPiece(part, 'path', 'label'));
    return { scheme: undefined, pieces: [{ ...head, zone: 'base', span: 'label' }, ...rest] };
  }
  const scheme = SCHEME.exec(head ?? '');
  if (scheme === null)
    return { scheme: undefined, pieces: parts.map((part) => toPiece(part, 'path', 'label')) };
  parts[0] = head!.slice(scheme[0].length);
  const pieces: UrlPiece[] = [{ text: scheme[0], zone: 'path' }];
  let zone: Zone = 'host';
  let before = '';
  parts.forEach((part, index) => {
    if (typeof part !== 'string') {
      const next = parts[index + 1];
      const after = next === undefined ? '' : typeof next === 'string' ? next[0]! : '$';
      pieces.push({ ...part, zone, span: hostSpan(before, after) });
      before = '$';
      return;
    }
    for (const char of part) {
      if (zone === 'host' && char === ':') zone = 'port';
      else if (zone !== 'path' && '/?#'.includes(char)) zone = 'path';
      pieces.push({ text: char, zone });
      before = char;
    }
  });
  return { scheme: scheme[1]!.toLowerCase(), pieces };
}

function toPiece(part: TemplatePart, zone: Zone, span: HostSpan): UrlPiece {
  return typeof part === 'string' ? { text: part, zone } : { ...part, zone, span };
}

/** `before`/`after` are the template characters around the placeholder ('' at the host's edge, '$' another one). */
function hostSpan(before: string, after: string): HostSpan {
  const startsHost = before === '';
  const endsHost = after === '' || '/?#'.includes(after);
  if (startsHost && endsHost) return 'host-and-port';
  if (startsHost && after === ':') return 'hostname';
  if ((startsHost || before === '.') && (endsHost || after === '.' || after === ':')) return 'labels';
  return 'label';
}

function fillUrl(operand: string, config: Record<string, string>, options: ProviderUrlOptions): URL {
  const { scheme, pieces } = layoutUrl(operand);
  let text = '';
  let host = '';
  let base: URL | undefined;
  for (const piece of pieces) {
    if ('text' in piece) {
      text += piece.text;
      if (piece.zone === 'host') host += piece.text;
      continue;
    }
    const field = fieldName(piece.expression);
    const value = resolveExpression(piece.expression, { connectionConfig: config }) as string;
    if (piece.zone === 'base') {
      base = checkBaseUrl(field, value, options);
      const next = pieces[1];
      text += next && 'text' in next && next.text.startsWith('/') ? value.replace(/\/+$/, '') : value;
    } else if (piece.zone === 'host') {
      const declaration = options.fields?.[field];
      // An enum value was written by the provider entry, not the end user: it may carry a path after the host
      // (ModMed's `stage.ema-api.com/ema-dev`). The host part is still checked, and only it counts as the host.
      const enumPath =
        piece.span === 'host-and-port' && declaration?.enum?.includes(value) ? ENUM_PATH.exec(value) : null;
      const hostValue = enumPath === null ? value : value.slice(0, enumPath.index);
      checkHostValue(field, hostValue, piece.span, declaration);
      text += value;
      host += hostValue.replace(/:\d+$/, '');
    } else if (piece.zone === 'port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
        throw invalidField(field, 'is not a valid port', 'invalid_port');
      }
      text += value;
    } else {
      if (value === '.' || value === '..')
        throw invalidField(field, 'is not a valid path segment', 'invalid_path');
      text += encodeURIComponent(value);
    }
  }
  // Values placed outside the path are to blame when the URL does not come out as the template meant it.
  const placed = pieces.find((piece) => 'expression' in piece && piece.zone !== 'path');
  const blame = placed && 'expression' in placed ? fieldName(placed.expression) : undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    if (blame === undefined) throw invalidTemplate(operand, 'unparseable');
    throw invalidField(blame, 'does not form a valid URL', 'invalid_url');
  }
  const expected = base ?? (scheme === undefined ? undefined : { protocol: `${scheme}:`, hostname: host });
  if (expected === undefined) throw invalidTemplate(operand, 'no scheme');
  const keepsHost = url.hostname === expected.hostname.toLowerCase() && url.protocol === expected.protocol;
  if (!keepsHost || url.username !== '' || url.password !== '') {
    if (blame === undefined) throw invalidTemplate(operand, 'host differs from the template');
    throw invalidField(blame, 'changes the host of the URL', 'invalid_host');
  }
  return url;
}

function checkHostValue(field: string, value: string, span: HostSpan, declaration?: FieldDeclaration): void {
  const valid =
    span === 'host-and-port'
      ? HOSTNAME_AND_PORT.test(value)
      : span === 'hostname' || (span === 'labels' && declaration?.enum?.includes(value))
        ? HOSTNAME.test(value)
        : ONE_LABEL.test(value);
  if (!valid) {
    const reason =
      span === 'label' || span === 'labels' ? 'is not a valid host name label' : 'is not a valid host name';
    throw invalidField(field, reason, 'invalid_host');
  }
}

/** A value standing for the whole base URL: absolute, https (http when allowed), nothing but scheme, host and path. */
function checkBaseUrl(field: string, value: string, options: ProviderUrlOptions): URL {
  const refuse = () => invalidField(field, 'is not a valid base URL', 'invalid_url');
  if (!/^https?:\/\/[^\\\s?#]+$/i.test(value)) throw refuse();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse();
  }
  const protocolAllowed =
    url.protocol === 'https:' || (url.protocol === 'http:' && options.allowHttp === true);
  if (!protocolAllowed || url.username !== '' || url.password !== '') throw refuse();
  return url;
}

function invalidField(field: string, reason: string, code: string): LatchkeyError {
  return new LatchkeyError(
    'invalid_connection_config',
    `Invalid connection configuration: ${field}: ${reason}`,
    {
      errors: [{ code, message: reason, path: ['params', field] }],
    },
  );
}

function invalidTemplate(template: string, reason: string): LatchkeyError {
  return new LatchkeyError('invalid_provider_definition', 'The provider URL template is not a valid URL.', {
    internal: { template, reason },
  });
}
