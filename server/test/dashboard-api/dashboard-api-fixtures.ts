/** Shared by the dashboard API tests: a typed tRPC client over a test Latchkey's app, and a signed-in admin. */
import { TRPCClientError } from '@trpc/client';
import type { LatchkeyClient } from '../../client/src/index';
import { appDashboardClient, type DashboardClient } from '../support/dashboard-client';
import type { TestLatchkey } from '../support/test-latchkey';
import { latchkeyClient } from '../support/trpc-client';

export const ADMIN = { email: 'dashboard-admin@example.com', password: 'dashboard admin password' };
export const ADMIN_ENV = { LATCHKEY_ADMIN_EMAIL: ADMIN.email, LATCHKEY_ADMIN_PASSWORD: ADMIN.password };

/** `@latchkey/client` with a secret key, answered by the app itself (no socket). */
export function keyClient(t: TestLatchkey, secretKey = t.secretKey): LatchkeyClient {
  return latchkeyClient('http://latchkey.test', { secretKey }, async (input, init) =>
    t.latchkey.app.request(input instanceof Request ? input.url : String(input), init),
  );
}

/** The admin operator (created from LATCHKEY_ADMIN_*), signed in with a session cookie. */
export async function signedInAdmin(t: TestLatchkey): Promise<DashboardClient> {
  const admin = appDashboardClient(t.latchkey.app);
  const signIn = await admin.mutate('auth.signIn', ADMIN);
  if (signIn.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(signIn.error)}`);
  return admin;
}

/** tRPC's code, the HTTP status and our stable code of a failed call. */
export async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TRPCClientError))
    throw new Error(`expected a TRPCClientError, got ${String(error)}`);
  return error.data as { code: string; httpStatus: number; errorCode: string };
}
