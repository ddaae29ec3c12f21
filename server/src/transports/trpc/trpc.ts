/**
 * tRPC initialised once (tRPC examples style). Procedures come in a few kinds, each built from named middleware:
 * `authedProcedure` (a secret key or a connect session token), `secretKeyProcedure` (a secret key or a signed-in
 * operator), `sessionProcedure`, and for the dashboard `operatorProcedure` and `adminProcedure`. The fine scopes are
 * checked by the services themselves, exactly as for REST and GraphQL.
 */
import { LatchkeyError } from '@latchkey/schema';
import { initTRPC } from '@trpc/server';
import { databaseUnavailable } from '../../platform/database/availability';
import { refuseUnstorableStrings } from '../../platform/database/storable-strings';
import type { TrpcContext } from './trpc-context';
import { formatTrpcError, toTrpcError } from './trpc-errors';

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter: formatTrpcError,
  isDev: false,
  sse: {
    // Proxies close silent connections; a ping comment keeps a quiet event stream open.
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 45_000 },
  },
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;

/**
 * Services (and the middleware below) throw `LatchkeyError`s, which tRPC would wrap as INTERNAL_SERVER_ERROR; this
 * gives each the tRPC code, and so the HTTP status, of its own status. A database that cannot be reached is
 * SERVICE_UNAVAILABLE (503) `database_unavailable`.
 */
const latchkeyErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') {
    const cause = result.error.cause;
    if (cause instanceof LatchkeyError) return { ...result, error: toTrpcError(cause) };
    if (databaseUnavailable(cause)) {
      return {
        ...result,
        error: toTrpcError(new LatchkeyError('database_unavailable', undefined, { cause })),
      };
    }
  }
  return result;
});

const authenticated = t.middleware(async ({ ctx, next }) =>
  next({ ctx: { caller: await ctx.resolveCaller() } }),
);

// Both run after `authenticated`; the caller it resolved is memoized in the context.
// A signed-in operator counts as a secret key here: its role's scopes are checked by the services.
const secretKeyOnly = t.middleware(async ({ ctx, next }) => {
  const caller = await ctx.resolveCaller();
  if (caller.kind !== 'secretKey' && caller.kind !== 'operator') {
    throw new LatchkeyError('forbidden', 'A connect session token cannot do this; use a secret key.');
  }
  return next({ ctx: { auth: caller.auth } });
});

const connectSessionOnly = t.middleware(async ({ ctx, next }) => {
  const caller = await ctx.resolveCaller();
  if (caller.kind !== 'connectSession') {
    throw new LatchkeyError('forbidden', 'This operation takes a connect session token.');
  }
  return next({
    ctx: { auth: caller.auth, session: caller.session, sessionToken: caller.token, browser: caller.browser },
  });
});

/** Input PostgreSQL cannot store (an escaped NUL or lone surrogate) is refused before any procedure sees it. */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  refuseUnstorableStrings('invalid_body', await getRawInput());
  return next();
});

export const publicProcedure = t.procedure.use(latchkeyErrors).use(storableInput);
/** A secret key or a connect session token; `ctx.auth` limits the latter to its session's integrations. */
export const authedProcedure = publicProcedure
  .use(authenticated)
  .use(async ({ ctx, next }) => next({ ctx: { auth: ctx.caller.auth } }));
export const secretKeyProcedure = publicProcedure.use(authenticated).use(secretKeyOnly);
export const sessionProcedure = publicProcedure.use(authenticated).use(connectSessionOnly);

const operatorOnly = t.middleware(async ({ ctx, next }) => {
  const caller = await ctx.resolveCaller();
  if (caller.kind !== 'operator') {
    throw new LatchkeyError('forbidden', 'Only a signed-in dashboard operator can do this.');
  }
  return next({ ctx: { caller, auth: caller.auth, operator: caller.operator, sessionId: caller.sessionId } });
});

const adminOnly = t.middleware(async ({ ctx, next }) => {
  const caller = await ctx.resolveCaller();
  if (caller.kind !== 'operator' || caller.operator.role !== 'admin') {
    throw new LatchkeyError('forbidden', 'Only an admin can do this.');
  }
  return next();
});

/** A signed-in operator (any role, two-factor done), `ctx.auth` in the environment of `X-Latchkey-Environment`. */
export const operatorProcedure = publicProcedure.use(operatorOnly);
/** An operator whose role is admin (operators, instance settings, environments). */
export const adminProcedure = operatorProcedure.use(adminOnly);
