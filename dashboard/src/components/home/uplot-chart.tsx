/**
 * The uPlot canvas for one daily chart. Loaded on demand (React.lazy in time-series-chart.tsx): uPlot and its CSS
 * stay out of the first page load.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useResolvedColors } from './use-resolved-colors';

export interface ChartSeries {
  label: string;
  values: number[];
  /** A CSS variable name, `--chart-1`. */
  color: string;
}

const HEIGHT = 200;

export default function UplotChart({ days, series }: { days: string[]; series: ChartSeries[] }) {
  const container = useRef<HTMLDivElement>(null);
  const [axis, grid, ...lineColors] = useResolvedColors([
    '--text-muted',
    '--chart-grid',
    ...series.map((s) => s.color),
  ]);

  const dataKey = JSON.stringify([days, series, axis, grid, lineColors]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: redrawn when the numbers or colours change (dataKey), not on every new array
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const xs = days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    const data: uPlot.AlignedData = [xs, ...series.map((s) => s.values)];
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: HEIGHT,
      legend: { show: false },
      cursor: { points: { size: 6 }, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
      axes: [
        {
          stroke: axis,
          grid: { show: false },
          ticks: { stroke: grid, width: 1 },
          font: '11px system-ui, sans-serif',
          values: (_u, splits) =>
            splits.map((split) =>
              new Date(split * 1000).toLocaleDateString(undefined, {
                month: 'short',
                day: 'numeric',
                timeZone: 'UTC',
              }),
            ),
        },
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { show: false },
          font: '11px system-ui, sans-serif',
          size: 40,
          values: (_u, splits) => splits.map((split) => (Number.isInteger(split) ? String(split) : '')),
        },
      ],
      series: [
        {},
        ...series.map((s, index) => ({
          label: s.label,
          stroke: lineColors[index],
          width: 2,
          fill: `${lineColors[index]?.replace('rgb(', 'rgba(').replace(')', ', 0.08)')}`,
          points: { show: false },
        })),
      ],
    };
    const plot = new uPlot(options, data, element);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(element.clientWidth, 200), height: HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [dataKey]);

  return <div ref={container} className="chart-canvas" aria-hidden="true" />;
}
