/** One headline number with what it counts and a secondary line (a rate, a comparison). */
import type { ReactNode } from 'react';

export function StatCard({ label, value, detail }: { label: string; value: ReactNode; detail?: ReactNode }) {
  return (
    <div className="card stat-card">
      <p className="stat-label">{label}</p>
      <p className="stat-value num">{value}</p>
      {detail ? <p className="stat-detail">{detail}</p> : null}
    </div>
  );
}
