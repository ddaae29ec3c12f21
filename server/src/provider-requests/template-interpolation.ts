/**
 * Filling provider templates (`${connectionConfig.subdomain}`, `${apiKey}`, `${base64(...)}`, `${now:YYYYMMDD}`,
 * `a || b`) with Nango's semantics. URL-valued templates have their own checks on top of this (provider-url.ts);
 * the functions and the clock are in template-functions.ts.
 */
import {
  clockValue,
  requestValue,
  splitArguments,
  type TemplateRequest,
  templateFunction,
} from './template-functions';

/** Values a template may refer to. */
export interface TemplateValues {
  connectionConfig?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
  /** The instant `${now…}` and signatures use; one per request, so a date header and a signature over it agree. */
  now?: Date;
  /** The request being sent, for `${method}`, `${host}`, `${path}`, `${params}` and `${awsSigV4(...)}`. */
  request?: TemplateRequest;
}

/** A filled template; `missing` lists the unresolved placeholders as written (`connectionConfig.subdomain`). */
export interface InterpolationResult {
  value: string;
  missing: string[];
}

/**
 * Fills every placeholder it can and leaves the others literal. `${connectionConfig.x}` and `${credentials.x}` look
 * `x` up as a dot path, then as a flat key; a bare `${x}` is a credential (Nango's `${apiKey}`), or a value of the
 * request when one is given (`${method}`); `${f(a, b)}` is a template function of its arguments filled
 * (`${base64(t)}`); `${now:FORMAT}` is the clock. Only strings and numbers are values. In `left || right`, the right
 * side is used when the left one has an unresolved placeholder.
 */
export function interpolateTemplate(template: string, values: TemplateValues): InterpolationResult {
  if (values.now === undefined) values = { ...values, now: new Date() };
  const operands = splitFallback(template);
  const first = fill(operands[0], values);
  if (operands[1] === undefined || first.missing.length === 0) return first;
  const second = fill(operands[1], values);
  return second.missing.length === 0
    ? second
    : { ...second, missing: unique([...first.missing, ...second.missing]) };
}

// --- template parsing and filling -------------------------------------------------------------------------------

/** A template is text and placeholders; a placeholder keeps its trimmed inner expression. */
export type TemplatePart = string | { expression: string };

export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (let start = template.indexOf('${'); start !== -1; start = template.indexOf('${', from)) {
    const end = matchingBrace(template, start + 2);
    if (end === -1) break;
    if (start > from) parts.push(template.slice(from, start));
    parts.push({ expression: template.slice(start + 2, end).trim() });
    from = end + 1;
  }
  if (from < template.length) parts.push(template.slice(from));
  return parts;
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

export function splitFallback(template: string): [string] | [string, string] {
  const at = template.indexOf('||');
  if (at === -1) return [template];
  return [template.slice(0, at).trim(), template.slice(at + 2).trim()];
}

export function fill(template: string, values: TemplateValues): InterpolationResult {
  let value = '';
  const missing: string[] = [];
  for (const part of parseTemplate(template)) {
    if (typeof part === 'string') {
      value += part;
      continue;
    }
    const resolved = resolveExpression(part.expression, values);
    if (typeof resolved === 'string') value += resolved;
    else {
      value += `\${${part.expression}}`;
      missing.push(...resolved.missing);
    }
  }
  return { value, missing };
}

export function resolveExpression(
  expression: string,
  values: TemplateValues,
): string | { missing: string[] } {
  const call = /^([A-Za-z_]\w*)\(([\s\S]*)\)$/.exec(expression);
  if (call !== null) return callFunction(expression, call[1]!, call[2]!, values);
  const computed =
    clockValue(expression, values.now ?? new Date()) ?? requestValue(expression, values.request);
  if (computed !== undefined) return computed;
  const field = configFieldOf(expression);
  const found =
    field !== undefined
      ? lookUp(values.connectionConfig, field)
      : lookUp(values.credentials, expression.replace(/^credentials\./, ''));
  return found ?? { missing: [expression] };
}

/** A function Latchkey does not compute, or arguments it cannot use, leave the placeholder unresolved. */
function callFunction(
  expression: string,
  name: string,
  inner: string,
  values: TemplateValues,
): string | { missing: string[] } {
  const fn = templateFunction(name);
  if (fn === undefined) return { missing: [expression] };
  const args = splitArguments(inner, fn.split).map((arg) => fill(arg, values));
  const missing = args.flatMap((arg) => arg.missing);
  if (missing.length > 0) return { missing: unique(missing) };
  if (args.length < fn.arity[0] || args.length > fn.arity[1]) return { missing: [expression] };
  const context = { now: values.now ?? new Date(), request: values.request };
  return (
    fn.run(
      args.map((arg) => arg.value),
      context,
    ) ?? { missing: [expression] }
  );
}

function lookUp(source: Record<string, unknown> | undefined, path: string): string | undefined {
  const found = valueAtPath(source, path, isScalar);
  return isScalar(found) ? String(found) : undefined;
}

/**
 * The value at a dot path (`team.id`), or else under the flat key (Nango stores some keys with dots in them) when the
 * path gives nothing `accept`s. Own properties only, so `constructor` or `__proto__` find nothing.
 */
export function valueAtPath(
  source: Record<string, unknown> | undefined,
  path: string,
  accept: (value: unknown) => boolean = (value) => value !== undefined,
): unknown {
  let node: unknown = source;
  for (const key of path.split('.')) {
    node = isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  if (accept(node) || !isRecord(source) || !Object.hasOwn(source, path)) return node;
  return source[path];
}

function isScalar(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function configFieldOf(expression: string): string | undefined {
  return expression.startsWith('connectionConfig.')
    ? expression.slice('connectionConfig.'.length)
    : undefined;
}

export function fieldName(expression: string): string {
  return configFieldOf(expression) ?? expression;
}

export function unique(items: string[]): string[] {
  return [...new Set(items)];
}
