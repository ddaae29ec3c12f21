/** The dashboard's home page: daily series over the last days (UTC) and what needs an operator's attention. */
import type { HomeStats } from '@latchkey/schema';
import { type AuthContext, requireScope } from '../auth/auth-context';
import type { Db } from '../platform/database/database';
import {
  connectionsCreatedByDay,
  deadDeliveries,
  flowsByDay,
  needsReauthConnections,
  refreshFailuresByDay,
  webhookOutcomesByDay,
} from './stats.repository';

export interface StatsService {
  home(auth: AuthContext, options: { days: number; now?: Date }): Promise<HomeStats>;
}

const ATTENTION_ROWS = 10;
const DAY_MS = 86_400_000;

export function createStatsService(deps: { db: Db }): StatsService {
  const { db } = deps;
  return {
    async home(auth, options) {
      requireScope(auth, 'environment:connections:read');
      const environmentId = auth.environment.id;
      const now = options.now ?? new Date();
      const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      const since = new Date(today - (options.days - 1) * DAY_MS);
      const days = Array.from({ length: options.days }, (_, i) =>
        new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10),
      );
      const [connections, refreshFailures, webhooks, flows, reauth, dead] = await Promise.all([
        connectionsCreatedByDay(db, environmentId, since),
        refreshFailuresByDay(db, environmentId, since),
        webhookOutcomesByDay(db, environmentId, since),
        flowsByDay(db, environmentId, since),
        needsReauthConnections(db, environmentId, ATTENTION_ROWS),
        deadDeliveries(db, environmentId, ATTENTION_ROWS),
      ]);
      // Days without rows are zeros, so every series lines up with `days`.
      const series = <R extends { day: string }>(rows: R[], value: (row: R) => string | number) => {
        const byDay = new Map(rows.map((row) => [row.day, Number(value(row))]));
        return days.map((d) => byDay.get(d) ?? 0);
      };
      return {
        days,
        series: {
          connectionsCreated: series(connections, (r) => r.count),
          refreshFailures: series(refreshFailures, (r) => r.count),
          webhooksOk: series(webhooks, (r) => r.ok),
          webhooksFailed: series(webhooks, (r) => r.failed),
          flowsStarted: series(flows, (r) => r.started),
          flowsCompleted: series(flows, (r) => r.completed),
        },
        attention: {
          needsReauth: reauth.rows.map((row) => ({
            connectionId: row.connection_id,
            integration: row.unique_key,
            since: new Date(row.since).toISOString(),
          })),
          needsReauthCount: reauth.total,
          deadDeliveries: dead.rows.map((row) => ({
            id: row.id,
            eventType: `auth.${row.operation}`,
            connectionId: row.connection_id,
            lastError: row.last_error,
            at: new Date(row.at).toISOString(),
          })),
          deadDeliveriesCount: dead.total,
        },
      };
    },
  };
}
