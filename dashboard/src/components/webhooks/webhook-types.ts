/** The shapes the webhooks page reads, typed by the server's router (type imports only). */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../api/trpc';

type Outputs = inferRouterOutputs<AppRouter>;

export type WebhookDelivery = Outputs['webhooks']['deliveries'][number];
export type WebhookDeliveryDetail = Outputs['webhooks']['get'];
export type WebhookAttempt = WebhookDeliveryDetail['attempts'][number];
export type EnvironmentSettings = Outputs['environment']['get'];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
