/** What happened in an environment: auth events (JSON pages or SSE), operation logs, webhook deliveries. */
import {
  authEventPageSchema,
  authEventSchema,
  authEventsQuerySchema,
  listLogsQuerySchema,
  listWebhookDeliveriesQuerySchema,
  operationLogSchema,
  webhookDeliverySchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { jsonResponse, type RouteDocs } from '../route-doc';

export const activityDocs: RouteDocs = {
  'GET /events': {
    summary: 'Auth events',
    description:
      'Events after the `after` cursor as a JSON page, or with `Accept: text/event-stream` a Server-Sent Events ' +
      'stream of `auth` events that resumes from `Last-Event-ID`.',
    tag: 'Activity',
    security: 'secretKey',
    query: authEventsQuerySchema,
    responses: {
      200: {
        description: 'A page of events, or the event stream',
        content: { 'application/json': authEventPageSchema, 'text/event-stream': authEventSchema },
      },
    },
    errors: [403],
  },
  'GET /logs': {
    summary: 'Operation logs of auth flows',
    tag: 'Activity',
    security: 'secretKey',
    query: listLogsQuerySchema,
    responses: { 200: jsonResponse(z.object({ data: z.array(operationLogSchema) })) },
    errors: [403],
  },
  'GET /webhooks/deliveries': {
    summary: 'Webhook deliveries',
    tag: 'Activity',
    security: 'secretKey',
    query: listWebhookDeliveriesQuerySchema,
    responses: { 200: jsonResponse(z.object({ data: z.array(webhookDeliverySchema) })) },
    errors: [403],
  },
  'POST /webhooks/deliveries/:id/replay': {
    summary: 'Replay a webhook delivery',
    description: 'Queues a new delivery of the same event.',
    tag: 'Activity',
    security: 'secretKey',
    params: { id: z.uuid() },
    responses: { 201: jsonResponse(z.object({ data: webhookDeliverySchema }), 'Queued') },
    errors: [403, 404],
  },
};
