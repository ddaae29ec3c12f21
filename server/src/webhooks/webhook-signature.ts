/**
 * Signing a webhook body (compat doc 6.2, plus Standard Webhooks). Pure: the caller passes the key, the message id
 * and the attempt's timestamp; the result is the exact body to send and every header that goes with it.
 */
import { createHash, createHmac } from 'node:crypto';
import { stableStringify } from './stable-stringify';

export interface WebhookSigningInput {
  payload: unknown;
  /** The environment's webhook signing key, as the API shows it (a UUID). */
  signingKey: string;
  /** Stable across retries and replays of one event, so receivers can deduplicate (`msg_<event id>`). */
  messageId: string;
  /** Unix seconds of this attempt; receivers reject stale timestamps to stop replays. */
  timestamp: number;
  userAgent: string;
  /**
   * Nango's `X-Nango-Signature` (SHA-256 of key + body, open to length extension): only for environments that opt in
   * (`legacy_webhook_signature`), for receivers still on the SDK's deprecated `verifyWebhookSignature`.
   */
  legacySignature?: boolean;
}

export interface SignedWebhook {
  /** Send exactly these bytes: every signature covers them. */
  body: string;
  headers: Record<string, string>;
}

export function signWebhook(input: WebhookSigningInput): SignedWebhook {
  const body = stableStringify(input.payload);
  const timestamp = String(input.timestamp);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': input.userAgent,
    'x-nango-hmac-sha256': nangoHmacSignature(input.signingKey, body),
    'webhook-id': input.messageId,
    'webhook-timestamp': timestamp,
    'webhook-signature': standardWebhookSignature(input.signingKey, input.messageId, timestamp, body),
  };
  if (input.legacySignature === true) {
    headers['x-nango-signature'] = legacyNangoSignature(input.signingKey, body);
  }
  return { body, headers };
}

/** `X-Nango-Hmac-Sha256`: hex HMAC-SHA256 keyed with the signing key over the raw body; what `@nangohq/node` checks. */
export function nangoHmacSignature(signingKey: string, body: string): string {
  return createHmac('sha256', signingKey).update(body).digest('hex');
}

/** `X-Nango-Signature`: hex SHA-256 of key followed by body. Open to length extension; kept for old receivers. */
export function legacyNangoSignature(signingKey: string, body: string): string {
  return createHash('sha256').update(`${signingKey}${body}`).digest('hex');
}

/**
 * `webhook-signature` per the Standard Webhooks spec: `v1,` + base64 HMAC-SHA256 over `<id>.<timestamp>.<body>`.
 * The spec's secret is raw bytes; ours are the UTF-8 bytes of the signing key, so a Standard Webhooks library is
 * given `whsec_` + base64(signing key).
 */
export function standardWebhookSignature(
  signingKey: string,
  messageId: string,
  timestamp: string,
  body: string,
): string {
  const mac = createHmac('sha256', Buffer.from(signingKey, 'utf8'))
    .update(`${messageId}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}
