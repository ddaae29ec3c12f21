/**
 * How many connections an integration has. No procedure counts them, so this reads one keyset page of the list
 * (cheap at any size) and shows "100+" past it.
 */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';

const PAGE = 100;

export function ConnectionCount({ integration }: { integration: string }) {
  const trpc = useTRPC();
  const page = useQuery({
    ...trpc.connections.list.queryOptions({ integrationIds: [integration], first: PAGE }),
    staleTime: 60_000,
    retry: false,
  });
  if (page.isPending)
    return (
      <span className="subtle">
        …<span className="sr-only">Loading</span>
      </span>
    );
  if (page.isError)
    return (
      <span className="subtle" title="Not available with your role">
        —
      </span>
    );
  const count = page.data.items.length;
  return <span className="num">{page.data.next_cursor === null ? count : `${PAGE}+`}</span>;
}
