/** A providers file's text (YAML or JSON) read into entries for `ProviderService.importFile`, for every transport. */
import { ProvidersFileError, type ProvidersFileFormat, parseProvidersFile } from '@latchkey/providers';
import { ValidationError } from '@latchkey/schema';

/** A file that cannot be parsed is a 400 `invalid_yaml` / `invalid_json` with the parser's message. */
export function readProvidersFile(text: string, format: ProvidersFileFormat): Record<string, unknown> {
  try {
    return parseProvidersFile(text, format);
  } catch (error) {
    if (!(error instanceof ProvidersFileError)) throw error;
    throw new ValidationError(error.format === 'json' ? 'invalid_json' : 'invalid_yaml', error.message);
  }
}
