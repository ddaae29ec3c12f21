/**
 * `Subscription.authEvents`: the environment's auth events, live, resuming after a cursor without loss or repetition
 * (the event bus reads the outbox by cursor). A client that reconnects passes the `id` of the last event it received
 * as `after`. With a connect session token, only that session's own events are delivered.
 */
import { z } from 'zod';
import type { AuthEventFilter } from '../../../events/auth-event-filter';
import { authEventStream } from '../../../events/auth-event-stream';
import type { AuthEventView } from '../../../events/event.service';
import { builder } from '../builder';
import type { GraphqlContext } from '../graphql-context';
import { givenValues } from './input-values';

const AuthOperation = builder.enumType('AuthOperation', {
  values: {
    CREATION: { value: 'creation' },
    OVERRIDE: { value: 'override', description: 'An existing connection got new credentials.' },
    REFRESH: { value: 'refresh' },
    DELETION: { value: 'deletion' },
  } as const,
});

const AuthEventEndUser = builder
  .objectRef<NonNullable<AuthEventView['endUser']>>('AuthEventEndUser')
  .implement({
    fields: (t) => ({
      endUserId: t.exposeString('endUserId'),
      endUserEmail: t.string({ nullable: true, resolve: (user) => user.endUserEmail ?? null }),
      organizationId: t.string({ nullable: true, resolve: (user) => user.organizationId ?? null }),
      tags: t.field({ type: 'JSON', resolve: (user) => user.tags }),
    }),
  });

const AuthEventError = builder.objectRef<NonNullable<AuthEventView['error']>>('AuthEventError').implement({
  fields: (t) => ({ type: t.exposeString('type'), description: t.exposeString('description') }),
});

const AuthEvent = builder.objectRef<AuthEventView>('AuthEvent').implement({
  description: "An auth event, as the webhook body says it (Nango's shape), with its cursor and commit time.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The cursor: pass it as `after` to resume after this event.' }),
    createdAt: t.exposeString('created_at'),
    operation: t.field({ type: AuthOperation, resolve: (event) => event.operation }),
    success: t.exposeBoolean('success'),
    connectionId: t.exposeString('connectionId'),
    providerConfigKey: t.exposeString('providerConfigKey'),
    provider: t.exposeString('provider'),
    authMode: t.exposeString('authMode'),
    environment: t.exposeString('environment'),
    tags: t.field({ type: 'JSON', nullable: true, resolve: (event) => event.tags ?? null }),
    endUser: t.field({ type: AuthEventEndUser, nullable: true, resolve: (event) => event.endUser ?? null }),
    error: t.field({ type: AuthEventError, nullable: true, resolve: (event) => event.error ?? null }),
  }),
});

const AuthEventFilterInput = builder.inputType('AuthEventFilter', {
  description: 'Every condition given must hold.',
  fields: (t) => ({
    connectionId: t.string(),
    providerConfigKey: t.string(),
    operations: t.field({ type: [AuthOperation] }),
    success: t.boolean(),
  }),
});

const cursorSchema = z.string().regex(/^\d{1,18}$/, 'must be an event id');

/**
 * The caller's events after `after` (or, without it, those committed from now on) that pass the filter: the
 * environment's for a secret key, its own session's for a connect session token.
 */
async function subscribeAuthEvents(
  { services, caller, auth }: GraphqlContext,
  filter: AuthEventFilter,
  after: string | undefined,
): Promise<AsyncIterableIterator<AuthEventView>> {
  const stop = new AbortController();
  let stream: AsyncGenerator<AuthEventView, void, undefined>;
  if (caller.kind === 'connectSession') {
    stream = authEventStream(
      (onEvent) => services.events.subscribeForSession(caller.session, after, onEvent),
      {
        filter,
        signal: stop.signal,
      },
    );
  } else {
    const cursor = await services.events.streamCursor(auth, after);
    stream = authEventStream((onEvent) => services.events.subscribe(auth, cursor, onEvent), {
      filter,
      signal: stop.signal,
    });
  }
  // A generator waiting for its next event would run `return()` only after that event: a client that leaves a
  // quiet environment would hold its subscription until something happens. Aborting ends the wait at once.
  const iterator: AsyncIterableIterator<AuthEventView> = {
    next: () => stream.next(),
    return: () => {
      stop.abort();
      return stream.return(undefined);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

builder.subscriptionField('authEvents', (t) =>
  t.field({
    type: AuthEvent,
    authScopes: { secretKey: true, connectSession: true },
    args: {
      filter: t.arg({ type: AuthEventFilterInput, required: false }),
      after: t.arg
        .string({ required: false, description: 'Resume after this event id.' })
        .validate(cursorSchema.nullish()),
    },
    subscribe: (_root, args, context) =>
      subscribeAuthEvents(
        context,
        givenValues({
          connectionId: args.filter?.connectionId,
          providerConfigKey: args.filter?.providerConfigKey,
          operations: args.filter?.operations,
          success: args.filter?.success,
        }),
        args.after ?? undefined,
      ),
    resolve: (event) => event,
  }),
);
