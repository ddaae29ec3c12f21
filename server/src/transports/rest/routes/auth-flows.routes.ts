/**
 * The public flow endpoints the frontend SDK and the widget call (compat doc 3.4, 4.1). No secret key: a connect
 * session token or a public key in the query. Errors on `/oauth/connect` answer directly (HTML, or JSON when asked)
 * and never redirect to the provider.
 */
import { type LatchkeyError, uniqueKeySchema } from '@latchkey/schema';
import { type Context, Hono } from 'hono';
import { asLatchkeyError } from '../../../auth-flows/auth-flow.service';
import { renderCallbackPage } from '../../../auth-flows/callback-page';
import { flowQuerySchema } from '../../../auth-flows/flow-request';
import { checkReturnUrl, LATCHKEY_NONCE_PATTERN, returnRedirectUrl } from '../../../auth-flows/return-url';
import { directEndpoints } from '../../../auth-modes/registry';
import type { Services } from '../../../services';
import { readBody, readParam, readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';
import { sessionBrowser } from '../session-browser';
import { answerCallback, backToApp, callbackPage, wantsJson } from './callback-response';

export function authFlowRoutes(services: Services) {
  const { authFlows } = services;
  const integrationKey = (c: Context<RestEnv>) => readParam(c, 'integration', uniqueKeySchema);
  const app = new Hono<RestEnv>({ strict: false })
    .get('/oauth/connect/:integration', async (c) => {
      const openerOrigin = openerOriginOf(c);
      const requestOrigin = requestOriginOf(c);
      try {
        const target = await authFlows.startRedirectFlow(integrationKey(c), readQuery(c, flowQuerySchema), {
          openerOrigin,
          requestOrigin,
          browser: sessionBrowser(c),
        });
        return c.redirect(target.href, 302);
      } catch (error) {
        const permittedOpener = await authFlows.errorOpenerOrigin(c.get('query'), openerOrigin);
        return flowErrorResponse(c, asLatchkeyError(error), permittedOpener, requestOrigin);
      }
    })
    .get('/oauth/callback', async (c) => {
      return answerCallback(c, await authFlows.completeCallback(new URL(c.req.url).searchParams));
    });
  // Nango's one-request endpoints, one per auth mode (`/api-auth/api-key`, `/auth/two-step`, …), from the registry.
  for (const { path, mode } of directEndpoints()) {
    app.post(`${path}/:integration`, async (c) => {
      const body = readBody(c, mode.flow.input);
      return c.json(
        await authFlows.connectDirect(
          mode.mode,
          integrationKey(c),
          readQuery(c, flowQuerySchema),
          body,
          sessionBrowser(c),
        ),
      );
    });
  }
  return app;
}

function flowErrorResponse(
  c: Context<RestEnv>,
  error: LatchkeyError,
  openerOrigin: string | undefined,
  requestOrigin: string | undefined,
): Response {
  if (error.status >= 500) c.get('log').error({ code: error.code, internal: error.internal }, error.message);
  if (wantsJson(c)) return c.json(error.toBody(), error.status as 400);
  const given = c.req.query('latchkey_nonce');
  const latchkeyNonce = given !== undefined && LATCHKEY_NONCE_PATTERN.test(given) ? given : undefined;
  // Redirect mode: a flow refused before it left still goes back to the app, when its return URL is acceptable.
  const returnUrl = c.req.query('return_url');
  if (returnUrl !== undefined && error.code !== 'invalid_return_url') {
    try {
      checkReturnUrl(returnUrl, requestOrigin);
      return backToApp(c, returnRedirectUrl(returnUrl, latchkeyNonce, { ok: false, error }));
    } catch {
      // not acceptable: the error page below
    }
  }
  return callbackPage(
    c,
    renderCallbackPage({
      ok: false,
      error,
      openerOrigin,
      latchkeyNonce,
      providerConfigKey: undefined,
      connectionId: undefined,
    }),
  );
}

/** The origin of the page that made this request, as the browser reports it (never a query value). */
function requestOriginOf(c: Context<RestEnv>): string | undefined {
  for (const candidate of [c.req.header('origin'), c.req.header('referer')]) {
    if (candidate === undefined || candidate === '' || candidate === 'null') continue;
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // not a URL: ignored
    }
  }
  return undefined;
}

/**
 * The page that opened the popup, where the callback page may post its result: an explicit `opener_origin`, else the
 * origin the browser reports in Referer (the popup's first navigation comes from the opener).
 */
function openerOriginOf(c: Context<RestEnv>): string | undefined {
  const explicit = c.req.query('opener_origin');
  for (const candidate of [explicit, c.req.header('referer')]) {
    if (candidate === undefined || candidate === '') continue;
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // not a URL: ignored
    }
  }
  return undefined;
}
