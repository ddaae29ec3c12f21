/**
 * Connect sessions bound to the end user's browser (`end_user.binding: "browser"`). The first browser request that
 * uses the token binds it: a random secret goes to that browser in the `latchkey_csb` cookie and its SHA-256 to the
 * session row, in one conditional UPDATE so that of two racing browsers only one wins. From then on a request with the
 * token but without the matching cookie is refused before anything is written. Transports only read the cookie and
 * set it; every decision is made here.
 */
import { LatchkeyError } from '@latchkey/schema';
import { hashesEqual, hashSecret, randomToken } from '../platform/crypto/secret-hash';
import type { Db } from '../platform/database/database';
import {
  claimSessionBinding,
  findSessionBindingHash,
  latestBoundSessionExpiry,
} from './connect-session.repository';

export const BINDING_COOKIE = 'latchkey_csb';

const SECRET_PATTERN = /^[0-9a-f]{64}$/;

/** What one request tells about the browser that sent it. */
export interface SessionBrowser {
  /** The binding cookie the request carried; once this request has bound a session, the secret it issued. */
  cookie: string | undefined;
  /** Adds a `Set-Cookie` value to the response; absent where the transport sets no cookies, which then cannot bind. */
  setCookie?: (value: string) => void;
}

/** The binding secret in a `Cookie` header; anything not shaped like one of ours counts as no cookie. */
export function bindingCookieFrom(header: string | null | undefined): string | undefined {
  if (header == null || !header.includes(BINDING_COOKIE)) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === BINDING_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return SECRET_PATTERN.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/**
 * HttpOnly, whole origin. Over https `SameSite=None; Secure`, so an app on another site can send it with its widget's
 * requests (`credentials: 'include'`); over plain http browsers refuse `None` without `Secure`, so `Lax`: top-level
 * navigations (the OAuth popup) and same-site requests still carry it.
 */
export function bindingSetCookie(secret: string, maxAgeSeconds: number, secure: boolean): string {
  const sameSite = secure ? 'SameSite=None; Secure' : 'SameSite=Lax';
  return `${BINDING_COOKIE}=${secret}; Path=/; HttpOnly; ${sameSite}; Max-Age=${Math.max(1, maxAgeSeconds)}`;
}

export interface BindableSession {
  id: string;
  binding: 'browser' | null;
  binding_secret_hash: string | null;
  expires_at: Date;
}

function otherBrowser(): LatchkeyError {
  return new LatchkeyError('session_bound_to_other_browser');
}

/**
 * Passes, binds (setting the cookie through `browser`), or throws 403 `session_bound_to_other_browser`. Sessions
 * created without a binding always pass.
 */
export async function enforceBrowserBinding(
  db: Db,
  session: BindableSession,
  browser: SessionBrowser,
  options: { secureCookie: boolean },
): Promise<void> {
  if (session.binding !== 'browser') return;
  if (session.binding_secret_hash !== null) {
    if (
      browser.cookie === undefined ||
      !hashesEqual(hashSecret(browser.cookie), session.binding_secret_hash)
    ) {
      throw otherBrowser();
    }
    return;
  }
  if (browser.setCookie === undefined) {
    throw new LatchkeyError(
      'session_bound_to_other_browser',
      'This connect link is bound to the browser that opens it first and no browser has opened it yet: open it in the Connect UI or widget first.',
    );
  }
  // A browser already holding a binding (for another session) keeps its secret, so its other sessions stay usable.
  const secret = browser.cookie ?? randomToken();
  const secretHash = hashSecret(secret);
  if (!(await claimSessionBinding(db, session.id, secretHash))) {
    // Bound meanwhile by another request: this one passes only if that was the same browser (the same secret).
    const stored = await findSessionBindingHash(db, session.id);
    if (stored === null || !hashesEqual(secretHash, stored)) throw otherBrowser();
    return;
  }
  const expiresAt = (await latestBoundSessionExpiry(db, secretHash)) ?? session.expires_at;
  browser.cookie = secret;
  browser.setCookie(
    bindingSetCookie(secret, Math.ceil((expiresAt.getTime() - Date.now()) / 1000), options.secureCookie),
  );
}
