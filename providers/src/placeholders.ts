/**
 * Template placeholders in provider definitions: `${connectionConfig.subdomain}`, `${credentials.apiKey}`, Nango's bare
 * names (`${apiKey}`, `${method}`), `${assertionOption.privateKey}`, `${step1.access_token}` (TWO_STEP's earlier
 * answers), the clock (`${now}`, `${now:YYYY-MM-DD}`, `${now+7:days:X}`) and helpers such as `${base64(${apiKey}:)}`.
 * This module only finds and classifies them; substitution happens where values are known (auth flows, proxy).
 */

export interface Placeholder {
  /** The text between `${` and the matching `}`. */
  expression: string;
  kind: 'connectionConfig' | 'credentials' | 'assertionOption' | 'step' | 'function' | 'bare';
  /**
   * The name after the prefix (`connectionConfig.`, `credentials.`, `assertionOption.`); for step, the whole
   * `stepN.path`; for function, the function name (`now` for the clock forms).
   */
  name: string;
}

/** Every placeholder in a string, including those nested inside helper calls. */
export function findPlaceholders(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  let index = template.indexOf('${');
  while (index !== -1) {
    const end = matchingBrace(template, index + 2);
    if (end === -1) break;
    const expression = template.slice(index + 2, end);
    found.push(classify(expression));
    found.push(...findPlaceholders(expression));
    index = template.indexOf('${', end + 1);
  }
  return found;
}

/** Every string value anywhere inside a value (objects and arrays walked). */
export function collectStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectStrings(item, into);
  return into;
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const PREFIXED = ['connectionConfig', 'credentials', 'assertionOption'] as const;

function classify(expression: string): Placeholder {
  const trimmed = expression.trim();
  const fn = /^([a-zA-Z_][a-zA-Z0-9_]*)\(/.exec(trimmed);
  if (fn !== null) return { expression, kind: 'function', name: fn[1]! };
  if (/^now($|[+:-])/.test(trimmed)) return { expression, kind: 'function', name: 'now' };
  for (const kind of PREFIXED) {
    if (trimmed.startsWith(`${kind}.`)) return { expression, kind, name: trimmed.slice(kind.length + 1) };
  }
  if (/^step\d+\./.test(trimmed)) return { expression, kind: 'step', name: trimmed };
  return { expression, kind: 'bare', name: trimmed };
}
