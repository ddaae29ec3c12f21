/**
 * A headless stand-in for the user's browser in an OAuth authorization: follows redirects with a cookie jar and
 * fills in oidc-provider's devInteractions login and consent forms, stopping where the issuer hands back to the client.
 */

export interface DriveAuthorizationOptions {
  /** The authorization server's origin; a redirect away from it, once visited, is the client's callback. */
  issuer: string;
  /** Account id typed into the login form (any password is accepted). Default `user-1`. */
  login?: string;
  /** Cancel at the first form shown (login or consent): the client gets `error=access_denied`. */
  deny?: boolean;
  /** Also stop at a redirect target this accepts, without fetching it. */
  stopWhen?: (url: URL) => boolean;
  /** When given, every request's client-observed time (sent to body read) is appended here (benchmarks). */
  timings?: DriverRequestTiming[];
}

export interface DriverRequestTiming {
  method: 'GET' | 'POST';
  url: URL;
  status: number;
  ms: number;
}

export interface DrivenAuthorization {
  /** The redirect that left the issuer (or matched `stopWhen`); never fetched. */
  callbackUrl: URL;
  /** `METHOD url` of every request made, for failure messages and step-count assertions. */
  steps: string[];
}

const MAX_STEPS = 20;

export async function driveAuthorization(
  startUrl: string,
  options: DriveAuthorizationOptions,
): Promise<DrivenAuthorization> {
  const issuer = new URL(options.issuer).origin;
  const jar = new CookieJar();
  const steps: string[] = [];
  let request: { url: URL; method: 'GET' | 'POST'; form?: string } = {
    url: new URL(startUrl),
    method: 'GET',
  };
  let visitedIssuer = false;

  while (steps.length < MAX_STEPS) {
    const { url, method, form } = request;
    steps.push(`${method} ${url.href}`);
    visitedIssuer ||= url.origin === issuer;
    const headers: Record<string, string> = {};
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const started = performance.now();
    const res = await fetch(url, { method, headers, body: form, redirect: 'manual' });
    jar.store(url, res.headers.getSetCookie());
    const timed = () =>
      options.timings?.push({ method, url, status: res.status, ms: performance.now() - started });

    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      timed();
      const next = new URL(location, url);
      if ((visitedIssuer && next.origin !== issuer) || options.stopWhen?.(next)) {
        return { callbackUrl: next, steps };
      }
      // 307/308 repeat the request as it was; every other redirect becomes a GET, as in browsers.
      request =
        res.status === 307 || res.status === 308 ? { ...request, url: next } : { url: next, method: 'GET' };
      continue;
    }

    const page = await res.text();
    timed();
    const interaction =
      res.status === 200 && url.origin === issuer ? findInteractionForm(page, url) : undefined;
    if (!interaction) throw stuck(steps, res.status, url, page);
    if (options.deny) {
      request = { url: new URL(`${interaction.action.pathname}/abort`, interaction.action), method: 'GET' };
    } else if (interaction.prompt === 'login') {
      const fields = new URLSearchParams({
        prompt: 'login',
        login: options.login ?? 'user-1',
        password: 'x',
      });
      request = { url: interaction.action, method: 'POST', form: fields.toString() };
    } else {
      request = { url: interaction.action, method: 'POST', form: 'prompt=consent' };
    }
  }
  throw new Error(`driveAuthorization: no callback after ${MAX_STEPS} requests:\n${steps.join('\n')}`);
}

/** devInteractions renders `<form action="…/interaction/<uid>">` with a hidden `prompt` of login or consent. */
function findInteractionForm(
  page: string,
  pageUrl: URL,
): { action: URL; prompt: 'login' | 'consent' } | undefined {
  for (const [, action, inner] of page.matchAll(/<form\b[^>]*\baction="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)) {
    const prompt = /name="prompt"\s+value="(login|consent)"/.exec(inner ?? '')?.[1];
    if (action && (prompt === 'login' || prompt === 'consent') && /\/interaction\/[^/]+$/.test(action)) {
      return { action: new URL(action.replaceAll('&amp;', '&'), pageUrl), prompt };
    }
  }
  return undefined;
}

function stuck(steps: string[], status: number, url: URL, page: string): Error {
  const excerpt = page.replace(/\s+/g, ' ').slice(0, 500);
  return new Error(
    `driveAuthorization: stuck at ${status} from ${url.href} (no redirect, no login or consent form)\n` +
      `body: ${excerpt}\nsteps:\n${steps.join('\n')}`,
  );
}

interface StoredCookie {
  name: string;
  value: string;
  hostname: string;
  path: string;
  expiresAt: number;
}

/**
 * Just enough of RFC 6265 for loopback flows: host-only cookies matched by hostname (like browsers, cookies do not
 * separate ports), path-matched, dropped when they arrive expired or empty.
 */
class CookieJar {
  private cookies: StoredCookie[] = [];

  store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, separator),
        value: pair.slice(separator + 1),
        hostname: url.hostname,
        path: defaultPath(url),
        expiresAt: Number.POSITIVE_INFINITY,
      };
      let maxAge: number | undefined;
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split(/=(.*)/s);
        const name = key.toLowerCase();
        if (name === 'path' && value.startsWith('/')) cookie.path = value;
        if (name === 'expires' && !Number.isNaN(Date.parse(value))) cookie.expiresAt = Date.parse(value);
        if (name === 'max-age') maxAge = Number(value);
      }
      // Max-Age wins over Expires (RFC 6265 5.3 step 3).
      if (maxAge !== undefined) cookie.expiresAt = Date.now() + maxAge * 1000;
      this.cookies = this.cookies.filter(
        (c) => !(c.name === cookie.name && c.hostname === cookie.hostname && c.path === cookie.path),
      );
      if (cookie.value !== '' && cookie.expiresAt > Date.now()) this.cookies.push(cookie);
    }
  }

  header(url: URL): string | undefined {
    const now = Date.now();
    const matching = this.cookies.filter(
      (c) => c.hostname === url.hostname && c.expiresAt > now && pathMatches(url.pathname, c.path),
    );
    // Longer paths first (RFC 6265 5.4 step 2).
    matching.sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ') || undefined;
  }
}

function defaultPath(url: URL): string {
  const lastSlash = url.pathname.lastIndexOf('/');
  return lastSlash <= 0 ? '/' : url.pathname.slice(0, lastSlash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return (
    requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/')
  );
}
