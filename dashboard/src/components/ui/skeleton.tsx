/** Placeholders shaped like what is loading, so the page does not jump when it arrives. */
import type { CSSProperties } from 'react';

export function Skeleton({
  width,
  height = 16,
  style,
}: {
  width?: number | string;
  height?: number | string;
  style?: CSSProperties;
}) {
  return <span className="skeleton" aria-hidden="true" style={{ width, height, ...style }} />;
}

/** Rows of a table or list while it loads; announced once as "Loading". */
export function SkeletonRows({ rows = 5, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <div className="skeleton-rows" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <Skeleton key={index} height={36} />
      ))}
    </div>
  );
}

export function PageSkeleton() {
  return (
    <div className="page-skeleton" role="status" aria-label="Loading page">
      <Skeleton width={220} height={28} />
      <Skeleton width={360} height={16} style={{ marginTop: 8 }} />
      <div className="grid-cards" style={{ marginTop: 32 }}>
        <Skeleton height={96} />
        <Skeleton height={96} />
        <Skeleton height={96} />
        <Skeleton height={96} />
      </div>
      <Skeleton height={240} style={{ marginTop: 24 }} />
    </div>
  );
}
