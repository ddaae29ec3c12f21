/** The webhook delivery log, and replaying one delivery as a fresh pending copy. */
import { z } from 'zod';
import type { WebhookDeliveryView } from '../../../webhooks/webhook-delivery.service';
import { builder } from '../builder';
import { READ_ERRORS } from './errors';

const DeliveryStatus = builder.enumType('WebhookDeliveryStatus', {
  values: {
    PENDING: { value: 'pending' },
    DELIVERED: { value: 'delivered' },
    FAILED: { value: 'failed', description: 'The last attempt failed; another is scheduled.' },
    DEAD: { value: 'dead', description: 'Retries are exhausted.' },
  } as const,
});

const DeliveryAttempt = builder
  .objectRef<WebhookDeliveryView['attempts'][number]>('WebhookDeliveryAttempt')
  .implement({
    fields: (t) => ({
      statusCode: t.exposeInt('status_code', { nullable: true }),
      error: t.exposeString('error', { nullable: true }),
      durationMs: t.exposeInt('duration_ms'),
      attemptedAt: t.exposeString('attempted_at'),
    }),
  });

const WebhookDelivery = builder.objectRef<WebhookDeliveryView>('WebhookDelivery').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    eventId: t.exposeString('event_id', {
      description: 'The auth event delivered (its cursor in `authEvents`).',
    }),
    connectionId: t.exposeString('connection_id'),
    providerConfigKey: t.exposeString('provider_config_key'),
    operation: t.exposeString('operation'),
    success: t.exposeBoolean('success'),
    url: t.exposeString('url'),
    status: t.field({ type: DeliveryStatus, resolve: (delivery) => delivery.status }),
    attemptCount: t.exposeInt('attempt_count'),
    nextAttemptAt: t.exposeString('next_attempt_at', { nullable: true }),
    lastStatusCode: t.exposeInt('last_status_code', { nullable: true }),
    lastError: t.exposeString('last_error', { nullable: true }),
    deliveredAt: t.exposeString('delivered_at', { nullable: true }),
    createdAt: t.exposeString('created_at'),
    attempts: t.field({ type: [DeliveryAttempt], resolve: (delivery) => delivery.attempts }),
  }),
});

builder.queryField('webhookDeliveries', (t) =>
  t.field({
    type: [WebhookDelivery],
    authScopes: { secretKey: true },
    description: 'Newest first.',
    args: {
      status: t.arg({ type: DeliveryStatus, required: false }),
      connectionId: t.arg.string({ required: false }),
      limit: t.arg.int({ required: false }).validate(z.number().int().min(1).max(500).nullish()),
    },
    resolve: (_root, args, { services, auth }) =>
      services.webhookDeliveries.list(auth, {
        status: args.status ?? undefined,
        connectionId: args.connectionId ?? undefined,
        limit: args.limit ?? undefined,
      }),
  }),
);

builder.mutationField('replayWebhookDelivery', (t) =>
  t.field({
    type: WebhookDelivery,
    authScopes: { secretKey: true },
    description: 'Queues the same event to the same URL again; returns the new, pending delivery.',
    errors: { types: READ_ERRORS },
    args: { id: t.arg.id({ required: true }).validate(z.uuid()) },
    resolve: (_root, args, { services, auth }) => services.webhookDeliveries.replay(auth, String(args.id)),
  }),
);
