/** The team: each operator's role (changeable), two-factor state, and removal (never the last admin). */
import type { OperatorRole } from '@latchkey/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError, useTRPC } from '../../api/trpc';
import { useOperator } from '../layout/use-operator';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader } from '../ui/card';
import { ConfirmDialog } from '../ui/dialog';
import { ErrorState, FormError } from '../ui/error-state';
import { SkeletonRows } from '../ui/skeleton';
import { Table } from '../ui/table';
import { useToast } from '../ui/toast';
import { ROLES } from './role-names';

export function OperatorsTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const me = useOperator();
  const operators = useQuery(trpc.operators.list.queryOptions());
  const [removing, setRemoving] = useState<{ id: string; email: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.operators.list.queryKey() });
  const setRole = useMutation(
    trpc.operators.setRole.mutationOptions({
      onSuccess: () => {
        toast('Role changed');
        void refresh();
      },
      onError: (error) => toast(describeError(error).message, 'error'),
    }),
  );
  const remove = useMutation(
    trpc.operators.remove.mutationOptions({
      onSuccess: () => {
        toast('Operator removed');
        setRemoving(null);
        void refresh();
      },
    }),
  );

  return (
    <Card>
      <CardHeader title="Operators" description="Everyone who can sign in to this instance." />
      {operators.isPending ? (
        <SkeletonRows rows={3} label="Loading operators" />
      ) : operators.isError ? (
        <div className="card-body">
          <ErrorState error={operators.error} onRetry={() => void operators.refetch()} />
        </div>
      ) : (
        <Table caption="Operators">
          <thead>
            <tr>
              <th scope="col">Operator</th>
              <th scope="col">Role</th>
              <th scope="col">Two-factor</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {operators.data.map((operator) => {
              const isMe = operator.id === me?.id;
              return (
                <tr key={operator.id}>
                  <td>
                    <div className="stack-tight">
                      <span className="strong">
                        {operator.displayName || operator.email}
                        {isMe ? <span className="subtle"> (you)</span> : null}
                      </span>
                      {operator.displayName ? <span className="subtle">{operator.email}</span> : null}
                    </div>
                  </td>
                  <td>
                    <label className="sr-only" htmlFor={`role-${operator.id}`}>
                      Role of {operator.email}
                    </label>
                    <select
                      id={`role-${operator.id}`}
                      className="input select input-inline"
                      value={operator.role}
                      disabled={setRole.isPending}
                      onChange={(event) =>
                        setRole.mutate({ id: operator.id, role: event.target.value as OperatorRole })
                      }
                    >
                      {ROLES.map((role) => (
                        <option key={role.value} value={role.value}>
                          {role.label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {operator.twoFactorEnabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
                    {operator.oidc ? (
                      <>
                        {' '}
                        <Badge tone="info">SSO</Badge>
                      </>
                    ) : null}
                  </td>
                  <td className="subtle nowrap">{new Date(operator.createdAt).toLocaleDateString()}</td>
                  <td className="cell-actions">
                    {isMe ? null : (
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => setRemoving({ id: operator.id, email: operator.email })}
                        aria-label={`Remove ${operator.email}`}
                      >
                        Remove
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => {
          if (!open) {
            setRemoving(null);
            remove.reset();
          }
        }}
        title="Remove operator?"
        description={`${removing?.email ?? ''} will be signed out everywhere and can no longer sign in.`}
        confirmLabel="Remove operator"
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate({ id: removing.id })}
        error={remove.error ? <FormError error={remove.error} /> : undefined}
      />
    </Card>
  );
}
