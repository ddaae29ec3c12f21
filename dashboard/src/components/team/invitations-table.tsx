/** Invitations not yet accepted, with revoke. The links themselves were shown once and are not stored readable. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader } from '../ui/card';
import { ErrorState } from '../ui/error-state';
import { SkeletonRows } from '../ui/skeleton';
import { Table } from '../ui/table';
import { useToast } from '../ui/toast';

export function InvitationsTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const invitations = useQuery(trpc.operators.invitations.queryOptions());
  const revoke = useMutation(
    trpc.operators.revokeInvitation.mutationOptions({
      onSuccess: () => {
        toast('Invitation revoked');
        void queryClient.invalidateQueries({ queryKey: trpc.operators.invitations.queryKey() });
      },
    }),
  );
  if (invitations.isSuccess && invitations.data.length === 0) return null;
  return (
    <Card>
      <CardHeader title="Pending invitations" description="Revoke a link that went to the wrong person." />
      {invitations.isPending ? (
        <SkeletonRows rows={2} label="Loading invitations" />
      ) : invitations.isError ? (
        <div className="card-body">
          <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />
        </div>
      ) : (
        <Table caption="Pending invitations">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited by</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invitations.data.map((invitation) => (
              <tr key={invitation.id}>
                <td>{invitation.email}</td>
                <td>
                  <Badge tone="accent">{invitation.role}</Badge>
                </td>
                <td className="subtle">{invitation.invitedBy ?? '—'}</td>
                <td className="subtle nowrap">{new Date(invitation.expiresAt).toLocaleString()}</td>
                <td className="cell-actions">
                  <Button
                    size="sm"
                    variant="ghost"
                    loading={revoke.isPending && revoke.variables?.id === invitation.id}
                    onClick={() => revoke.mutate({ id: invitation.id })}
                    aria-label={`Revoke invitation for ${invitation.email}`}
                  >
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
