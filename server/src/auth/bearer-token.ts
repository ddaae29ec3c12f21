/**
 * `Authorization: Bearer <token>` with the scheme case-insensitive (compat doc 1.1), for every transport: a missing
 * header and a header without a token are the two 401s Nango distinguishes.
 */
import { AuthenticationError } from '@latchkey/schema';

export function parseBearerHeader(header: string | null | undefined): string {
  if (header == null || header.trim() === '') {
    throw new AuthenticationError('missing_auth_header', undefined, { payload: {} });
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (match === null) throw new AuthenticationError('malformed_auth_header');
  return match[1]!;
}
