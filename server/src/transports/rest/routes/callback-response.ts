/**
 * How a redirect flow's return leg answers (compat doc 3.5): JSON for a client that accepts only JSON, a 303 back to
 * the app in redirect mode, else the callback page that posts the result to the opener. Shared by `/oauth/callback`
 * and GitHub's setup URL `/app-auth/connect`, so both end a flow the same way.
 */
import { LatchkeyError } from '@latchkey/schema';
import type { Context } from 'hono';
import type { CallbackResult } from '../../../auth-flows/auth-flow.service';
import { renderCallbackPage } from '../../../auth-flows/callback-page';
import { returnRedirectUrl } from '../../../auth-flows/return-url';
import type { RestEnv } from '../rest-env';

export function answerCallback(c: Context<RestEnv>, result: CallbackResult): Response {
  if (wantsJson(c)) {
    return result.ok
      ? c.json({ providerConfigKey: result.providerConfigKey, connectionId: result.connectionId })
      : c.json(result.error!.toBody(), result.error!.status as 400);
  }
  if (result.returnUrl !== undefined) {
    const outcome =
      result.ok && result.connectionId !== undefined && result.providerConfigKey !== undefined
        ? {
            ok: true as const,
            connectionId: result.connectionId,
            providerConfigKey: result.providerConfigKey,
          }
        : { ok: false as const, error: result.error ?? new LatchkeyError('server_error') };
    return backToApp(c, returnRedirectUrl(result.returnUrl, result.latchkeyNonce, outcome));
  }
  return callbackPage(c, renderCallbackPage(result));
}

/** 303 to the app's return URL (redirect mode); no referrer, so the callback's query never leaves in a header. */
export function backToApp(c: Context<RestEnv>, target: URL): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(target.href, 303);
}

export function callbackPage(
  c: Context<RestEnv>,
  rendered: { status: number; html: string; csp: string },
): Response {
  c.header('Content-Security-Policy', rendered.csp);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.html(rendered.html, rendered.status as 200);
}

export function wantsJson(c: Context<RestEnv>): boolean {
  const accept = c.req.header('accept') ?? '';
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}
