/** Who a connection belongs to: display name and email when known, always the end user's id. */
import type { EndUser } from './connection-types';

export function EndUserLabel({ endUser }: { endUser: EndUser | null | undefined }) {
  if (endUser === null || endUser === undefined) return <span className="subtle">—</span>;
  const name = endUser.display_name ?? endUser.email ?? null;
  return (
    <span className="conn-end-user">
      {name === null ? null : <span className="conn-end-user-name">{name}</span>}
      {endUser.email && endUser.display_name ? <span className="subtle">{endUser.email}</span> : null}
      <span className="subtle mono">{endUser.id}</span>
    </span>
  );
}
