/** The environment's settings and their update, shared by the settings tabs (one query, one cache entry). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import { useToast } from '../ui/toast';

export function useEnvironmentSettings() {
  const trpc = useTRPC();
  return useQuery(trpc.environment.get.queryOptions());
}

export function useUpdateEnvironmentSettings(success = 'Settings saved') {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.environment.update.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.environment.get.queryKey(), data);
        void queryClient.invalidateQueries({ queryKey: trpc.environment.get.pathKey() });
        toast(success);
      },
    }),
  );
}
