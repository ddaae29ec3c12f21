/**
 * WSSE UsernameToken header values, computed as Nango computes them for SIGNATURE entries (Emarsys's variant of the
 * OASIS WS-Security UsernameToken profile): the nonce is 16 random bytes in hex, `Created` an ISO 8601 instant with
 * milliseconds, and the digest is the base64 of the *hex text* of SHA-1(nonce + created + password), not of the raw
 * SHA-1 bytes as in the OASIS profile.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The parts of one UsernameToken. */
export interface WsseUsernameToken {
  username: string;
  nonce: string;
  created: string;
  passwordDigest: string;
}

/** `PasswordDigest = base64(hex(sha1(nonce + created + password)))`. */
export function wssePasswordDigest(nonce: string, created: string, password: string): string {
  const hex = createHash('sha1')
    .update(nonce + created + password, 'utf8')
    .digest('hex');
  return Buffer.from(hex, 'utf8').toString('base64');
}

/** The UsernameToken for a given nonce and instant (deterministic, for tests and for {@link freshWsseHeader}). */
export function wsseUsernameToken(
  username: string,
  password: string,
  nonce: string,
  created: string,
): WsseUsernameToken {
  return { username, nonce, created, passwordDigest: wssePasswordDigest(nonce, created, password) };
}

/** The `X-WSSE` header value: `UsernameToken Username="…", PasswordDigest="…", Nonce="…", Created="…"`. */
export function formatWsseHeader(token: WsseUsernameToken): string {
  return (
    `UsernameToken Username="${token.username}", PasswordDigest="${token.passwordDigest}", ` +
    `Nonce="${token.nonce}", Created="${token.created}"`
  );
}

/** A header with a new nonce and the current time: each one is meant to be used once. */
export function freshWsseHeader(username: string, password: string, now: Date = new Date()): string {
  const nonce = randomBytes(16).toString('hex');
  return formatWsseHeader(wsseUsernameToken(username, password, nonce, now.toISOString()));
}
