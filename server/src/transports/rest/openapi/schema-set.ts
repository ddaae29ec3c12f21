/**
 * The zod → JSON Schema step of the document. Requests and responses are converted apart (zod's input type for what
 * callers send, its output type for what we answer), each set in one `z.toJSONSchema` registry conversion so that a
 * named component met inside any schema becomes a `$ref` to `#/components/schemas/<name>`. Schemas used by routes
 * but not named are registered under local ids and inlined back after the conversion.
 */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export const COMPONENT_REF_PREFIX = '#/components/schemas/';
const LOCAL_ID_PREFIX = '~local';

export class SchemaSet {
  private readonly registry = z.registry<{ id: string }>();
  private readonly ids = new Map<z.ZodType, string>();
  private converted: Record<string, JsonSchema> | undefined;

  constructor(
    private readonly io: 'input' | 'output',
    readonly components: Record<string, z.ZodType>,
  ) {
    for (const [id, schema] of Object.entries(components)) this.add(schema, id);
  }

  /** Registers a schema a route uses; before `convert()` only. */
  use(schema: z.ZodType): void {
    if (this.converted !== undefined) throw new Error('SchemaSet.use after convert');
    if (!this.ids.has(schema)) this.add(schema, `${LOCAL_ID_PREFIX}${this.ids.size}`);
  }

  convert(): void {
    const { schemas } = z.toJSONSchema(this.registry, {
      io: this.io,
      target: 'draft-2020-12',
      // Refinements and transforms have no JSON Schema form; their input (or output) side is what is documented.
      unrepresentable: 'any',
      uri: (id) => `${COMPONENT_REF_PREFIX}${id}`,
    }) as { schemas: Record<string, JsonSchema> };
    if ('__shared' in schemas) {
      throw new Error('A recursive schema needs a name: add it to the OpenAPI components.');
    }
    for (const schema of Object.values(schemas)) {
      delete schema.$schema;
      delete schema.$id;
    }
    this.converted = schemas;
  }

  /** The JSON Schema of a registered schema: a `$ref` for a named component, else the schema itself, inlined. */
  jsonOf(schema: z.ZodType): JsonSchema {
    const id = this.ids.get(schema);
    if (id === undefined || this.converted === undefined) throw new Error('SchemaSet.jsonOf: not converted');
    return isLocal(id) ? this.inlineLocal(this.converted[id]!) : { $ref: `${COMPONENT_REF_PREFIX}${id}` };
  }

  /** The named components, with any local schema they contain inlined. */
  componentSchemas(): Record<string, JsonSchema> {
    if (this.converted === undefined) throw new Error('SchemaSet.componentSchemas: not converted');
    return Object.fromEntries(
      Object.keys(this.components).map((id) => [id, this.inlineLocal(this.converted![id]!)]),
    );
  }

  private add(schema: z.ZodType, id: string): void {
    if (this.ids.has(schema))
      throw new Error(`Schema registered twice, as ${this.ids.get(schema)} and ${id}`);
    this.registry.add(schema, { id });
    this.ids.set(schema, id);
  }

  private inlineLocal(json: JsonSchema): JsonSchema {
    return rewrite(json, (ref) => {
      const id = ref.startsWith(COMPONENT_REF_PREFIX) ? ref.slice(COMPONENT_REF_PREFIX.length) : undefined;
      return id !== undefined && isLocal(id) ? this.inlineLocal(this.converted![id]!) : undefined;
    }) as JsonSchema;
  }
}

function isLocal(id: string): boolean {
  return id.startsWith(LOCAL_ID_PREFIX);
}

/** A deep copy where each `{$ref}` the replacer answers for is replaced (siblings of the `$ref` are kept). */
function rewrite(value: unknown, replace: (ref: string) => JsonSchema | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, replace));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = rewrite(item, replace);
  if (typeof copy.$ref === 'string') {
    const replacement = replace(copy.$ref);
    if (replacement !== undefined) {
      const { $ref: _ref, ...siblings } = copy;
      return { ...replacement, ...siblings };
    }
  }
  return copy;
}
