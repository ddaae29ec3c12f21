/** Prints the provider definition schema as JSON Schema (checked in as providers/provider.schema.json). */
import { providerJsonSchema } from './json-schema';

process.stdout.write(`${JSON.stringify(providerJsonSchema(), null, 2)}\n`);
