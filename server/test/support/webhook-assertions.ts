/**
 * Checks on received webhooks that do not trust Latchkey's own code: signatures verified with the real
 * `@nangohq/node` SDK and recomputed the way a Standard Webhooks library does from the documented secret.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Nango } from '@nangohq/node';
import type { ReceivedWebhook } from './webhook-receiver';

export interface WebhookCheck {
  nango: boolean;
  standard: boolean;
  legacy: boolean;
}

export function checkSignatures(request: ReceivedWebhook, signingKey: string): WebhookCheck {
  const nango = new Nango({
    host: 'http://127.0.0.1:1',
    secretKey: randomUUID(),
    webhookSigningKey: signingKey,
  });
  // The README's Standard Webhooks secret: `whsec_` + base64 of the key; libraries sign with the decoded bytes.
  const secret = `whsec_${Buffer.from(signingKey, 'utf8').toString('base64')}`;
  const secretBytes = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const expected = createHmac('sha256', secretBytes)
    .update(`${id}.${timestamp}.${request.body}`)
    .digest('base64');
  const offered = (request.headers['webhook-signature'] ?? '').split(' ');
  return {
    nango: nango.verifyIncomingWebhookRequest(request.body, request.headers),
    standard: offered.includes(`v1,${expected}`),
    legacy:
      request.headers['x-nango-signature'] ===
      createHash('sha256').update(`${signingKey}${request.body}`).digest('hex'),
  };
}

/** The event id behind a delivery (`webhook-id` is `msg_<event id>`). */
export function eventIdOf(request: ReceivedWebhook): number {
  return Number((request.headers['webhook-id'] ?? '').replace(/^msg_/, ''));
}

export function connectionOf(request: ReceivedWebhook): string {
  return (JSON.parse(request.body) as { connectionId: string }).connectionId;
}

/**
 * Order per connection, judged on every request the receiver saw (failed ones included): no request for a later
 * event of a connection arrived before the earlier event had been accepted. Returns the violations.
 */
export function orderViolations(requests: ReceivedWebhook[]): string[] {
  const violations: string[] = [];
  const acceptedAt = new Map<number, number>();
  for (const request of requests) {
    if (request.status >= 200 && request.status < 300 && !acceptedAt.has(eventIdOf(request))) {
      acceptedAt.set(eventIdOf(request), request.receivedAt);
    }
  }
  for (const request of requests) {
    const connection = connectionOf(request);
    const event = eventIdOf(request);
    for (const earlier of requests) {
      if (connectionOf(earlier) !== connection || eventIdOf(earlier) >= event) continue;
      const accepted = acceptedAt.get(eventIdOf(earlier));
      if (accepted === undefined || accepted > request.receivedAt) {
        violations.push(
          `event ${event} of ${connection} sent before event ${eventIdOf(earlier)} was accepted`,
        );
        break;
      }
    }
  }
  return violations;
}
