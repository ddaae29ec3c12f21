import { ValidationError } from '@latchkey/schema';

/**
 * Nango's `?search=` is a case-insensitive regular expression over provider names. User-supplied patterns are a
 * ReDoS risk, so the ones able to backtrack catastrophically (a quantified group that is itself quantified, or a
 * back-reference) are refused; everything a person types to filter a list still works.
 */
export function compileProviderSearch(search: string): RegExp {
  if (/\)[*+?{]/.test(search) || /\\[1-9]/.test(search)) {
    throw searchError('Quantified groups and back-references are not supported in search.');
  }
  try {
    return new RegExp(search, 'i');
  } catch {
    throw searchError('search is not a valid regular expression.');
  }
}

function searchError(message: string): ValidationError {
  return new ValidationError('invalid_query_params', message, {
    errors: [{ code: 'invalid_string', message, path: ['search'] }],
  });
}
