/** The environment's provider catalog (shipped and custom), read once and shared by every integrations page. */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../../api/trpc';
import type { ProviderOutput } from './provider-view';

export function useProviders() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.providers.list.queryOptions(), staleTime: 5 * 60_000 });
  const byName = useMemo(
    () => new Map<string, ProviderOutput>((query.data ?? []).map((provider) => [provider.name, provider])),
    [query.data],
  );
  return { ...query, byName };
}
