import { z } from 'zod';
import { namedProviderDefinitionSchema } from './provider.schema';

/** The definition as the API takes it (with `name`), in JSON Schema draft 2020-12, for editors and other languages. */
export function providerJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(namedProviderDefinitionSchema, { unrepresentable: 'any' }),
    title: 'Latchkey provider definition',
    description:
      "A provider entry in the field names of Nango's providers.yaml (a Nango entry validates as it is), with `name` at the top level.",
  };
}
