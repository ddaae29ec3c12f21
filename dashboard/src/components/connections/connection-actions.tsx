/**
 * The connection page's actions: `Refresh now` (a forced refresh at the provider) and `Delete` behind a confirmation
 * that says what deleting does. Only roles that may write get them; the page tells support why they are absent.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { describeError, useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { useToast } from '../ui/toast';
import type { ConnectionSummary } from './connection-types';

export function ConnectionActions({
  env,
  connection,
  canWrite,
}: {
  env: string;
  connection: ConnectionSummary;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [confirmOpen, setConfirmOpen] = useState(false);
  const ref = { connectionId: connection.connection_id, providerConfigKey: connection.provider_config_key };
  const summaryKey = trpc.connections.summary.queryKey({
    integration: connection.provider_config_key,
    connectionId: connection.connection_id,
  });

  const refresh = useMutation({
    ...trpc.connections.refresh.mutationOptions({
      onSuccess: () => toast('Credentials refreshed'),
      onError: (error) => toast(`Refresh failed: ${describeError(error).message}`, 'error'),
      // A failed refresh changes the connection's state too.
      onSettled: () => queryClient.invalidateQueries({ queryKey: summaryKey }),
    }),
    // The answer holds the fresh credentials; nothing here shows them, so nothing keeps them.
    gcTime: 0,
  });

  const remove = useMutation(
    trpc.connections.delete.mutationOptions({
      onSuccess: async () => {
        setConfirmOpen(false);
        toast(`Connection ${connection.connection_id} deleted`);
        queryClient.removeQueries({ queryKey: summaryKey });
        await queryClient.invalidateQueries({ queryKey: trpc.connections.list.pathKey() });
        await navigate({ to: '/dashboard/$env/connections', params: { env }, search: {} });
      },
    }),
  );

  if (!canWrite) return null;
  return (
    <>
      <Button loading={refresh.isPending} onClick={() => refresh.mutate({ ...ref, refreshToken: false })}>
        Refresh now
      </Button>
      <Button className="conn-delete" onClick={() => setConfirmOpen(true)}>
        Delete
      </Button>
      <ConfirmDialog
        open={confirmOpen}
        onOpenChange={(open) => {
          setConfirmOpen(open);
          if (!open) remove.reset();
        }}
        title="Delete this connection?"
        description={
          <>
            <span className="mono">{connection.connection_id}</span> of{' '}
            <span className="mono">{connection.provider_config_key}</span> is deleted, a deletion webhook is
            sent, and its token is revoked at the provider. The end user must connect again. This cannot be
            undone.
          </>
        }
        confirmLabel="Delete connection"
        pending={remove.isPending}
        onConfirm={() => remove.mutate(ref)}
        error={remove.error ? <FormError error={remove.error} /> : undefined}
      />
    </>
  );
}
