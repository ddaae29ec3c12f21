import { z } from 'zod';
import { namedProviderDefinitionSchema } from './provider.schema';
import { tokenParamValueSchema } from './provider-fields.schema';
import { proxyBodyValueSchema } from './provider-proxy.schema';

/**
 * The definition as the API takes it (with `name`), in JSON Schema draft 2020-12, for editors and other languages.
 * It describes what is accepted (zod's input side: `token_headers` values may be numbers, kept as text).
 */
export function providerJsonSchema(): Record<string, unknown> {
  const names = z.registry<{ id: string }>();
  names.add(tokenParamValueSchema, { id: 'TokenParamValue' });
  names.add(proxyBodyValueSchema, { id: 'ProxyBodyValue' });
  return {
    ...z.toJSONSchema(namedProviderDefinitionSchema, {
      io: 'input',
      unrepresentable: 'any',
      metadata: names,
    }),
    title: 'Latchkey provider definition',
    description:
      "A provider entry in the field names of Nango's providers.yaml (a Nango entry validates as it is), with `name` at the top level.",
  };
}
