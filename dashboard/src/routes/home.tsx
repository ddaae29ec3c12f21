/** Home: the environment's last 14 days (UTC) in numbers and charts, and what needs attention. */
import type { HomeStats } from '@latchkey/schema';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useTRPC } from '../api/trpc';
import { AttentionPanel } from '../components/home/attention-panel';
import { GettingStarted } from '../components/home/getting-started';
import { StatCard } from '../components/home/stat-card';
import { TimeSeriesChart } from '../components/home/time-series-chart';
import { PageHeader } from '../components/layout/page-header';
import { ErrorState } from '../components/ui/error-state';
import { Skeleton } from '../components/ui/skeleton';

const route = getRouteApi('/_app/dashboard/$env/');
const DAYS = 14;

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function rate(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;
}

export function HomePage() {
  const { env } = route.useParams();
  const trpc = useTRPC();
  const stats = useQuery(trpc.stats.home.queryOptions({ days: DAYS }));

  return (
    <>
      <PageHeader title="Home" description={`Activity in ${env} over the last ${DAYS} days (UTC).`} />
      {stats.isPending ? (
        <HomeSkeleton />
      ) : stats.isError ? (
        <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <HomeContent env={env} stats={stats.data} />
      )}
    </>
  );
}

function HomeContent({ env, stats }: { env: string; stats: HomeStats }) {
  const { days, series, attention } = stats;
  const created = sum(series.connectionsCreated);
  const failures = sum(series.refreshFailures);
  const ok = sum(series.webhooksOk);
  const failed = sum(series.webhooksFailed);
  const started = sum(series.flowsStarted);
  const completed = sum(series.flowsCompleted);
  const quiet = created + started + ok + failed === 0;
  return (
    <>
      <section className="grid-cards" aria-label="Totals">
        <StatCard label="Connections created" value={created} detail={`last ${days.length} days`} />
        <StatCard
          label="Refresh failures"
          value={failures}
          detail={failures === 0 ? 'none' : 'tokens that failed to refresh'}
        />
        <StatCard
          label="Webhook deliveries"
          value={ok + failed}
          detail={`${rate(ok, ok + failed)} delivered · ${failed} failed`}
        />
        <StatCard
          label="Auth flows"
          value={started}
          detail={`${rate(completed, started)} completed (${completed})`}
        />
      </section>
      {quiet ? <GettingStarted env={env} /> : null}
      <AttentionPanel env={env} attention={attention} />
      <section className="grid-2" aria-label="Charts">
        <TimeSeriesChart
          title="Connections created"
          days={days}
          series={[{ label: 'Created', values: series.connectionsCreated, color: '--chart-1' }]}
        />
        <TimeSeriesChart
          title="Refresh failures"
          days={days}
          series={[{ label: 'Failures', values: series.refreshFailures, color: '--chart-3' }]}
        />
        <TimeSeriesChart
          title="Webhook deliveries"
          days={days}
          series={[
            { label: 'Delivered', values: series.webhooksOk, color: '--chart-2' },
            { label: 'Failed', values: series.webhooksFailed, color: '--chart-3' },
          ]}
        />
        <TimeSeriesChart
          title="Auth flows"
          days={days}
          series={[
            { label: 'Started', values: series.flowsStarted, color: '--chart-1' },
            { label: 'Completed', values: series.flowsCompleted, color: '--chart-2' },
          ]}
        />
      </section>
    </>
  );
}

function HomeSkeleton() {
  return (
    <div role="status" aria-label="Loading activity" className="stack">
      <div className="grid-cards">
        {[0, 1, 2, 3].map((index) => (
          <Skeleton key={index} height={104} />
        ))}
      </div>
      <Skeleton height={140} />
      <div className="grid-2">
        <Skeleton height={300} />
        <Skeleton height={300} />
      </div>
    </div>
  );
}
