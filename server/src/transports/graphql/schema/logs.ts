/** Operation logs of auth flows and refreshes, newest first, with their messages (metadata redacted when stored). */
import { z } from 'zod';
import type { OperationView } from '../../../logs/log.service';
import { builder } from '../builder';

const LogMessage = builder.objectRef<OperationView['messages'][number]>('LogMessage').implement({
  fields: (t) => ({
    level: t.exposeString('level'),
    message: t.exposeString('message'),
    meta: t.field({ type: 'JSON', nullable: true, resolve: (message) => message.meta }),
    createdAt: t.exposeString('created_at'),
  }),
});

const Operation = builder.objectRef<OperationView>('Operation').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.exposeString('kind'),
    action: t.exposeString('action'),
    integration: t.exposeString('integration', { nullable: true }),
    connectionId: t.exposeString('connection_id', { nullable: true }),
    status: t.exposeString('status'),
    errorCode: t.exposeString('error_code', { nullable: true }),
    startedAt: t.exposeString('started_at'),
    endedAt: t.exposeString('ended_at', { nullable: true }),
    messages: t.field({ type: [LogMessage], resolve: (operation) => operation.messages }),
  }),
});

builder.queryField('logs', (t) =>
  t.field({
    type: [Operation],
    authScopes: { secretKey: true },
    args: {
      connectionId: t.arg.string({ required: false }),
      integration: t.arg.string({ required: false }),
      limit: t.arg.int({ required: false }).validate(z.number().int().min(1).max(500).nullish()),
    },
    resolve: (_root, args, { services, auth }) =>
      services.logs.list(auth, {
        connectionId: args.connectionId ?? undefined,
        integrationKey: args.integration ?? undefined,
        limit: args.limit ?? undefined,
      }),
  }),
);
