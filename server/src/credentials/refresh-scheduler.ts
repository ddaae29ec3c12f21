/**
 * Proactive refresh: tokens are renewed before anyone asks, and idle refresh tokens are exercised for providers that
 * revoke unused ones (`refresh_token_keepalive`). Every instance may run it: each candidate is taken with
 * `FOR UPDATE SKIP LOCKED`, so two instances never refresh the same row, and a bounded number run at once.
 */
import { sql } from 'kysely';
import { allAuthModes } from '../auth-modes/registry';
import type { Db } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';
import type { ProviderService } from '../providers/provider.service';
import type { RefreshingCredentialService } from './credential.service';
import type { RefreshPolicy } from './refresh-policy';

export interface RefreshSchedulerStats {
  runs: number;
  refreshed: number;
  failed: number;
  skipped: number;
  lastRunAt: string | null;
}

export interface RefreshScheduler {
  runOnce(): Promise<RefreshSchedulerStats>;
  stats(): RefreshSchedulerStats;
  stop(): Promise<void>;
}

/** Modes with a renew step: their tokens are renewed ahead of expiry. */
const RENEWABLE_MODES = allAuthModes()
  .filter((mode) => mode.renew !== undefined)
  .map((mode) => mode.mode);

export function startRefreshScheduler(deps: {
  db: Db;
  credentials: RefreshingCredentialService;
  providers: ProviderService;
  logger: Logger;
  policy: RefreshPolicy;
  intervalMs: number;
  concurrency: number;
  batchSize?: number;
  enabled: boolean;
}): RefreshScheduler {
  const totals: RefreshSchedulerStats = { runs: 0, refreshed: 0, failed: 0, skipped: 0, lastRunAt: null };
  let running: Promise<RefreshSchedulerStats> | undefined;
  const batchSize = deps.batchSize ?? 200;

  async function candidates(): Promise<Array<{ id: string; keepAlive: boolean }>> {
    // Due by the global margin; providers with a longer buffer are caught by the read path.
    const due = await sql<{ id: string }>`
      select id::text as id from connections
      where auth_mode in (${sql.join(RENEWABLE_MODES)}) and refresh_state <> 'needs_reauth'
        and expires_at is not null and expires_at < now() + make_interval(secs => ${deps.policy.marginSeconds})
      order by expires_at limit ${batchSize}`.execute(deps.db);
    const keepAlive = await keepAliveCandidates();
    const seen = new Set(due.rows.map((r) => r.id));
    return [
      ...due.rows.map((r) => ({ id: r.id, keepAlive: false })),
      ...keepAlive.filter((id) => !seen.has(id)).map((id) => ({ id, keepAlive: true })),
    ];
  }

  /** Connections of providers declaring a keep-alive period whose refresh token has not been used for that long. */
  async function keepAliveCandidates(): Promise<string[]> {
    const rows = await sql<{ id: string; provider: string; environment_id: string; idle_seconds: number }>`
      select id::text as id, provider, environment_id::text as environment_id,
        extract(epoch from now() - coalesce(last_refresh_success_at, created_at))::int as idle_seconds
      from connections where auth_mode = 'OAUTH2' and refresh_state = 'active'
      order by coalesce(last_refresh_success_at, created_at) limit ${batchSize}`.execute(deps.db);
    const result: string[] = [];
    for (const row of rows.rows) {
      const provider = await deps.providers.resolve(row.environment_id, row.provider);
      const period = provider?.refresh_token_keepalive;
      if (period !== undefined && row.idle_seconds >= period) result.push(row.id);
    }
    return result;
  }

  async function run(): Promise<RefreshSchedulerStats> {
    const round: RefreshSchedulerStats = {
      runs: 1,
      refreshed: 0,
      failed: 0,
      skipped: 0,
      lastRunAt: new Date().toISOString(),
    };
    const queue = await candidates();
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const outcome = await deps.credentials.refreshIfDue(next.id, { keepAlive: next.keepAlive });
        round[outcome === 'refreshed' ? 'refreshed' : outcome === 'failed' ? 'failed' : 'skipped'] += 1;
      }
    };
    await Promise.all(Array.from({ length: deps.concurrency }, worker));
    totals.runs += 1;
    totals.refreshed += round.refreshed;
    totals.failed += round.failed;
    totals.skipped += round.skipped;
    totals.lastRunAt = round.lastRunAt;
    if (round.refreshed + round.failed > 0) deps.logger.info({ refresher: round }, 'proactive refresh round');
    return round;
  }

  const runOnce = () => {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = deps.enabled
    ? setInterval(
        () => void runOnce().catch((error) => deps.logger.error({ err: error }, 'proactive refresh failed')),
        deps.intervalMs,
      )
    : undefined;
  timer?.unref();

  return {
    runOnce,
    stats: () => ({ ...totals }),
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
