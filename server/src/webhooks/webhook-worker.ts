/**
 * The webhook delivery worker: claims due deliveries from the database, POSTs them through the outbound policy, and
 * records every attempt. All its state is in the database, so a restart loses nothing and every instance may run one.
 * It wakes when a commit writes auth events (`wake`) and otherwise polls.
 */
import { webhookSigningKeyContext } from '../environments/environment-settings.service';
import type { Vault } from '../platform/crypto/vault';
import { databaseUnavailable } from '../platform/database/availability';
import type { Db } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { type DeliveryTransition, nextTransition, type RetryPolicy } from './retry-policy';
import { attemptWebhook } from './webhook-attempt';
import {
  type AttemptRecord,
  type ClaimedDelivery,
  claimDueDeliveries,
  finishAttempt,
} from './webhook-delivery.repository';

export interface WebhookWorkerOptions extends RetryPolicy {
  pollMs: number;
  /** Per attempt: connect plus the whole response. */
  timeoutMs: number;
  /** Attempts in flight at once in this instance. */
  concurrency: number;
  userAgent: string;
}

export interface WebhookWorker {
  /** Look for due deliveries now (a commit wrote events, a delivery was replayed). */
  wake(): void;
  /** Stops claiming and waits for the attempts in flight, whose results are recorded. */
  stop(): Promise<void>;
}

/** A claimed delivery stays with its worker this long beyond the attempt's own timeout. */
const LEASE_MARGIN_MS = 30_000;
const ERROR_BACKOFF_MS = 1000;
const RECORD_RETRY_MS = 100;

export function startWebhookWorker(deps: {
  db: Db;
  vault: Vault;
  outbound: OutboundFetch;
  logger: Logger;
  options: WebhookWorkerOptions;
}): WebhookWorker {
  const { db, options } = deps;
  const logger = deps.logger.child({ component: 'webhook-worker' });
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let woken = false;
  let wakeSleeper: (() => void) | undefined;

  function wake(): void {
    woken = true;
    wakeSleeper?.();
  }

  function sleep(ms: number): Promise<void> {
    if (woken || stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      woken = false;
      const capacity = options.concurrency - inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      // Taken before the claim, so the lease of what it returns lasts at least until then.
      const leaseEnds = Date.now() + options.timeoutMs + LEASE_MARGIN_MS;
      if (capacity > 0) {
        try {
          claimed = await claimDueDeliveries(db, {
            limit: capacity,
            leaseMs: options.timeoutMs + LEASE_MARGIN_MS,
          });
        } catch (error) {
          if (stopped) return;
          logger.error({ err: error }, 'claiming webhook deliveries failed');
          await sleep(ERROR_BACKOFF_MS);
          continue;
        }
      }
      for (const delivery of claimed) track(deliver(delivery, leaseEnds));
      // A full batch means more may be due; otherwise wait for a wake-up, a freed slot or the next poll.
      if (capacity === 0 || claimed.length < capacity) await sleep(options.pollMs);
    }
  }

  function track(attempt: Promise<void>): void {
    inFlight.add(attempt);
    void attempt.finally(() => {
      inFlight.delete(attempt);
      // A finished delivery frees a slot and may unblock the next event of its connection.
      wake();
    });
  }

  async function deliver(delivery: ClaimedDelivery, leaseEnds: number): Promise<void> {
    const attemptedAt = new Date();
    const started = performance.now();
    const { verdict, statusCode, error } = await attemptWebhook(deps.outbound, {
      url: delivery.url,
      payload: delivery.payload,
      messageId: `msg_${delivery.eventId}`,
      signingKey: () =>
        deps.vault.open(delivery.signingKeySealed, webhookSigningKeyContext(delivery.environmentId)),
      legacySignature: delivery.legacySignature,
      attemptedAt,
      timeoutMs: options.timeoutMs,
      userAgent: options.userAgent,
    });
    const now = new Date();
    const transition = nextTransition(
      verdict,
      { attempts: delivery.attempts + 1, firstAttemptAt: delivery.firstAttemptedAt ?? attemptedAt, now },
      options,
    );
    const durationMs = Math.round(performance.now() - started);
    const attempt = { statusCode, error, durationMs, attemptedAt };
    if (!(await recordAttempt(delivery.id, attempt, transition, leaseEnds))) return;
    const log = {
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      status: transition.status,
      statusCode,
      error,
    };
    if (transition.status === 'delivered') logger.debug(log, 'webhook delivered');
    else logger.info(log, 'webhook attempt did not deliver');
    if (transition.status === 'pending') {
      // Retries due before the next poll are not left waiting for it.
      const delay = transition.nextAttemptAt.getTime() - Date.now();
      if (delay < options.pollMs) setTimeout(wake, Math.max(0, delay)).unref();
    }
  }

  /**
   * The POST went out, so its result must be recorded: an unrecorded attempt is sent again when the lease expires. A
   * database outage is waited out while the lease still keeps the delivery ours; past it, on another error or when
   * stopping, the delivery is left to be attempted again: at least once, never lost.
   */
  async function recordAttempt(
    deliveryId: string,
    attempt: AttemptRecord,
    transition: DeliveryTransition,
    leaseEnds: number,
  ): Promise<boolean> {
    for (let delay = RECORD_RETRY_MS; ; delay = Math.min(delay * 2, ERROR_BACKOFF_MS)) {
      try {
        await finishAttempt(db, deliveryId, attempt, transition);
        return true;
      } catch (cause) {
        if (stopped || !databaseUnavailable(cause) || Date.now() + delay >= leaseEnds) {
          logger.error({ err: cause, deliveryId }, 'recording a webhook attempt failed');
          return false;
        }
        logger.warn({ err: cause, deliveryId }, 'recording a webhook attempt failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  const running = loop().catch((error) => logger.error({ err: error }, 'webhook worker stopped'));

  return {
    wake,
    async stop() {
      stopped = true;
      wakeSleeper?.();
      await running;
      await Promise.allSettled([...inFlight]);
    },
  };
}
