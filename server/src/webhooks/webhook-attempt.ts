/**
 * One delivery attempt: sign the body for this moment, POST it through the outbound policy, judge the answer. Never
 * throws: whatever happened becomes a verdict, plus the status code or error the delivery log records.
 */
import { LatchkeyError } from '@latchkey/schema';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { type AttemptVerdict, verdictOfError, verdictOfStatus } from './retry-policy';
import { signWebhook } from './webhook-signature';

export interface WebhookAttempt {
  url: string;
  payload: unknown;
  /** Stable per event (`msg_<event id>`). */
  messageId: string;
  /** Opens the signing key; called per attempt so a rotated key applies to retries too. */
  signingKey: () => string;
  /** The environment's `legacy_webhook_signature`, as it stood when the delivery was claimed. */
  legacySignature: boolean;
  attemptedAt: Date;
  timeoutMs: number;
  userAgent: string;
}

export interface AttemptResult {
  verdict: AttemptVerdict;
  statusCode: number | null;
  /** `HTTP <status>` for an answer that did not deliver; `<code>: <message>` when there was no answer. */
  error: string | null;
}

export async function attemptWebhook(
  outbound: OutboundFetch,
  attempt: WebhookAttempt,
): Promise<AttemptResult> {
  try {
    const signed = signWebhook({
      payload: attempt.payload,
      signingKey: attempt.signingKey(),
      messageId: attempt.messageId,
      timestamp: Math.floor(attempt.attemptedAt.getTime() / 1000),
      userAgent: attempt.userAgent,
      legacySignature: attempt.legacySignature,
    });
    const response = await outbound({
      method: 'POST',
      url: attempt.url,
      headers: signed.headers,
      body: signed.body,
      timeoutMs: attempt.timeoutMs,
      // A signed POST is not replayed to wherever a redirect points; a 3xx fails the delivery.
      maxRedirects: 0,
    });
    const verdict = verdictOfStatus(response.status, response.headers.get('retry-after'), new Date());
    return {
      verdict,
      statusCode: response.status,
      error: verdict.kind === 'delivered' ? null : `HTTP ${response.status}`,
    };
  } catch (cause) {
    return {
      verdict: verdictOfError(cause),
      statusCode: null,
      error:
        cause instanceof LatchkeyError
          ? `${cause.code}: ${cause.message}`
          : `internal_error: ${String(cause)}`,
    };
  }
}
