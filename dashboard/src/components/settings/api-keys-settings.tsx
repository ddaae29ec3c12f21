/** API keys: this environment's secret keys, created with scopes (the secret shown once) and revoked. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { SCOPES } from '../../../../schema/src/scopes';
import { useTRPC } from '../../api/trpc';
import { useIsAdmin } from '../layout/use-operator';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader } from '../ui/card';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { EmptyState } from '../ui/empty-state';
import { ErrorState, FormError } from '../ui/error-state';
import { CheckboxField, TextField } from '../ui/field';
import { KeyIcon, PlusIcon } from '../ui/icons';
import { OneTimeSecret } from '../ui/one-time-secret';
import { SkeletonRows } from '../ui/skeleton';
import { Table } from '../ui/table';
import { useToast } from '../ui/toast';

const FULL_ACCESS = 'environment:*';

/** Every scope: what "Full access" grants (an operator may grant only scopes it holds, never the wildcard). */
function isFullAccess(scopes: string[]): boolean {
  return scopes.includes(FULL_ACCESS) || SCOPES.every((scope) => scopes.includes(scope));
}

export function ApiKeysSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const isAdmin = useIsAdmin();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: () => {
        toast('API key revoked');
        setRevoking(null);
        void queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
    }),
  );
  return (
    <Card>
      <CardHeader
        title="Secret keys"
        description="Your backend authenticates with these (Authorization: Bearer …). Never ship one to a browser."
        actions={isAdmin ? <CreateApiKeyDialog /> : null}
      />
      {keys.isPending ? (
        <SkeletonRows rows={3} label="Loading API keys" />
      ) : keys.isError ? (
        <div className="card-body">
          <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
        </div>
      ) : keys.data.length === 0 ? (
        <EmptyState
          icon={<KeyIcon size={20} />}
          title="No API keys"
          description="Create one for your backend."
        />
      ) : (
        <Table caption="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id} className={key.revokedAt ? 'row-muted' : undefined}>
                <td className="strong">{key.name}</td>
                <td className="mono nowrap">…{key.hint}</td>
                <td>
                  <div className="badge-list">
                    {isFullAccess(key.scopes) ? (
                      <Badge tone="accent">Full access</Badge>
                    ) : (
                      key.scopes.map((scope) => (
                        <Badge key={scope}>{scope.replace(/^environment:/, '')}</Badge>
                      ))
                    )}
                  </div>
                </td>
                <td className="subtle nowrap">{new Date(key.createdAt).toLocaleDateString()}</td>
                <td className="cell-actions">
                  {key.revokedAt ? (
                    <Badge tone="danger">Revoked</Badge>
                  ) : isAdmin ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Revoke ${key.name}`}
                      onClick={() => setRevoking({ id: key.id, name: key.name })}
                    >
                      Revoke
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => {
          if (!open) {
            setRevoking(null);
            revoke.reset();
          }
        }}
        title="Revoke API key?"
        description={`Requests with “${revoking?.name ?? ''}” fail from now on. This cannot be undone.`}
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        error={revoke.error ? <FormError error={revoke.error} /> : undefined}
      />
    </Card>
  );
}

function CreateApiKeyDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [full, setFull] = useState(true);
  const [scopes, setScopes] = useState<string[]>([]);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }),
    }),
  );

  function change(next: boolean) {
    setOpen(next);
    if (!next) {
      create.reset();
      setName('');
      setFull(true);
      setScopes([]);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim(), scopes: full ? [...SCOPES] : scopes });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={change}
      size="lg"
      trigger={
        <Button variant="primary" size="sm">
          <PlusIcon /> Create API key
        </Button>
      }
      title={create.data ? 'API key created' : 'Create API key'}
      description={create.data ? undefined : 'Give the key only the scopes its service needs.'}
    >
      {create.data ? (
        <div className="stack">
          <OneTimeSecret label="Secret key" value={create.data.secretKey} />
          <div className="dialog-footer">
            <Button variant="primary" onClick={() => change(false)}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={submit}>
          <TextField
            label="Name"
            required
            autoFocus
            placeholder="billing-service"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <fieldset className="fieldset">
            <legend className="field-label">Access</legend>
            <div className="radio-row">
              <label>
                <input type="radio" name="access" checked={full} onChange={() => setFull(true)} /> Full access
              </label>
              <label>
                <input type="radio" name="access" checked={!full} onChange={() => setFull(false)} /> Custom
                scopes
              </label>
            </div>
            {full ? null : (
              <div className="scope-grid">
                {SCOPES.map((scope) => (
                  <CheckboxField
                    key={scope}
                    label={<span className="mono small">{scope.replace(/^environment:/, '')}</span>}
                    checked={scopes.includes(scope)}
                    onChange={(event) =>
                      setScopes(event.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                    }
                  />
                ))}
              </div>
            )}
          </fieldset>
          <FormError error={create.error} />
          <div className="dialog-footer">
            <Button onClick={() => change(false)}>Cancel</Button>
            <Button
              type="submit"
              variant="primary"
              loading={create.isPending}
              disabled={!full && scopes.length === 0}
            >
              Create key
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
