/**
 * The browser behind a REST request, for connect sessions bound to one (connect-sessions/browser-binding.ts decides):
 * the binding cookie it sent, and a way to set one on the answer, errors included.
 */
import type { Context } from 'hono';
import { bindingCookieFrom, type SessionBrowser } from '../../connect-sessions/browser-binding';

export function sessionBrowser(c: Context): SessionBrowser {
  return {
    cookie: bindingCookieFrom(c.req.header('cookie')),
    setCookie: (value) => c.header('Set-Cookie', value, { append: true }),
  };
}
