/**
 * GitHub App setup URL (compat doc 3.3): after an installation GitHub sends the browser to
 * `<public URL>/app-auth/connect?installation_id=…&setup_action=install|update&state=…`. The state names the flow
 * started at `/oauth/connect`, which ends here exactly as at `/oauth/callback`.
 */
import { LatchkeyError } from '@latchkey/schema';
import { Hono } from 'hono';
import type { Services } from '../../../services';
import type { RestEnv } from '../rest-env';
import { answerCallback } from './callback-response';

export function appAuthRoutes(services: Services) {
  return new Hono<RestEnv>({ strict: false }).get('/app-auth/connect', async (c) => {
    const query = new URL(c.req.url).searchParams;
    if ((query.get('state') ?? '') === '') {
      // An installation made from GitHub's own pages, or approved later by an organization owner, carries no
      // state: no flow of ours waits for it, so nothing can be connected.
      const error = new LatchkeyError(
        'invalid_state',
        'GitHub sent this installation without a state: start the connection from the app to connect it.',
      );
      return answerCallback(c, {
        ok: false,
        error,
        providerConfigKey: undefined,
        connectionId: undefined,
        openerOrigin: undefined,
        wsClientId: undefined,
        latchkeyNonce: undefined,
        returnUrl: undefined,
      });
    }
    return answerCallback(c, await services.authFlows.completeCallback(query));
  });
}
