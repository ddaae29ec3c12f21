/**
 * A daily chart with what a screen reader needs: a text summary (totals, the busiest day) as its caption and the
 * numbers in a table behind a disclosure. The canvas itself (uPlot) loads lazily and is hidden from assistive tech.
 */
import { lazy, Suspense } from 'react';
import { Card, CardBody, CardHeader } from '../ui/card';
import { Skeleton } from '../ui/skeleton';
import type { ChartSeries } from './uplot-chart';

const UplotChart = lazy(() => import('./uplot-chart'));

export type { ChartSeries };

function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

function summarize(days: string[], series: ChartSeries[]): string {
  return series
    .map((s) => {
      const total = s.values.reduce((sum, value) => sum + value, 0);
      if (total === 0) return `${s.label}: none`;
      let peak = 0;
      s.values.forEach((value, index) => {
        if (value > (s.values[peak] ?? 0)) peak = index;
      });
      return `${s.label}: ${total} in total, most on ${formatDay(days[peak] ?? '')} (${s.values[peak]})`;
    })
    .join('. ');
}

export function TimeSeriesChart({
  title,
  description,
  days,
  series,
}: {
  title: string;
  description?: string;
  days: string[];
  series: ChartSeries[];
}) {
  const summary = summarize(days, series);
  return (
    <Card>
      <CardHeader
        title={title}
        description={description}
        actions={
          <ul className="chart-legend" aria-hidden="true">
            {series.map((s) => (
              <li key={s.label}>
                <span className="chart-swatch" style={{ background: `var(${s.color})` }} />
                {s.label}
              </li>
            ))}
          </ul>
        }
      />
      <CardBody>
        <figure className="chart">
          <Suspense fallback={<Skeleton height={200} />}>
            <UplotChart days={days} series={series} />
          </Suspense>
          <figcaption className="chart-summary">{summary}.</figcaption>
        </figure>
        <details className="chart-data">
          <summary>Data table</summary>
          <div className="table-wrap">
            <table className="table table-compact">
              <caption className="sr-only">{title}, per day (UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  {series.map((s) => (
                    <th scope="col" key={s.label}>
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {days.map((day, index) => (
                  <tr key={day}>
                    <th scope="row">{formatDay(day)}</th>
                    {series.map((s) => (
                      <td key={s.label} className="num">
                        {s.values[index] ?? 0}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </CardBody>
    </Card>
  );
}
