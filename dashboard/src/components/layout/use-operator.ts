/** The signed-in operator (from `auth.status`, loaded by the `_app` guard before any page renders). */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';

export function useOperator() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.auth.status.queryOptions());
  return data?.operator ?? null;
}

export function useIsAdmin(): boolean {
  return useOperator()?.role === 'admin';
}
