/**
 * Which environment every page shows, and (admins) creating a new one, whose secret key is shown once. Switching
 * keeps the section (connections stay connections) but not ids that belong to the old environment.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { setCurrentEnvironment, useCurrentEnvironment } from '../../api/environment';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { PlusIcon } from '../ui/icons';
import { OneTimeSecret } from '../ui/one-time-secret';
import { useIsAdmin } from './use-operator';

const SECTIONS = new Set(['integrations', 'connections', 'logs', 'webhooks', 'settings']);

export function EnvironmentSwitcher() {
  const trpc = useTRPC();
  const env = useCurrentEnvironment();
  const isAdmin = useIsAdmin();
  const navigate = useNavigate();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const environments = useQuery(trpc.environments.list.queryOptions());
  const [creating, setCreating] = useState(false);

  const names = environments.data?.map((environment) => environment.name) ?? [env];
  if (!names.includes(env)) names.unshift(env);

  function switchTo(name: string) {
    const segments = pathname.split('/');
    // /dashboard/<env>/<section>/… → /dashboard/<name>/<section>
    if (segments[1] === 'dashboard' && segments[2] === env && segments.length > 2) {
      const section = segments[3];
      const to =
        section !== undefined && SECTIONS.has(section)
          ? `/dashboard/${name}/${section}`
          : `/dashboard/${name}`;
      void navigate({ to });
      return;
    }
    setCurrentEnvironment(name);
  }

  return (
    <div className="env-switcher">
      <label htmlFor="environment-select" className="env-switcher-label">
        Environment
      </label>
      <select
        id="environment-select"
        className="input select env-select"
        value={env}
        onChange={(event) => switchTo(event.target.value)}
      >
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      {isAdmin ? (
        <>
          <button
            type="button"
            className="icon-button"
            aria-label="Create environment"
            title="Create environment"
            onClick={() => setCreating(true)}
          >
            <PlusIcon size={18} />
          </button>
          <CreateEnvironmentDialog
            open={creating}
            onOpenChange={setCreating}
            onDone={(name) => {
              setCreating(false);
              void navigate({ to: '/dashboard/$env', params: { env: name } });
            }}
          />
        </>
      ) : null}
    </div>
  );
}

function CreateEnvironmentDialog({
  open,
  onOpenChange,
  onDone,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDone: (name: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.environments.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() }),
    }),
  );
  const created = create.data;

  function close(next: boolean) {
    if (!next) {
      create.reset();
      setName('');
    }
    onOpenChange(next);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim() });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={created ? `Environment ${created.environment.name} created` : 'Create environment'}
      description={
        created
          ? 'Its secret key authenticates your backend against this environment.'
          : 'Environments keep integrations, connections and keys apart (dev, staging, prod).'
      }
    >
      {created ? (
        <div className="stack">
          <OneTimeSecret label="Secret key" value={created.secretKey} />
          <div className="dialog-footer">
            <Button variant="primary" onClick={() => onDone(created.environment.name)}>
              Open {created.environment.name}
            </Button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={submit}>
          <TextField
            label="Name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="staging"
            pattern="[a-z0-9][a-z0-9_-]*"
            hint="Lowercase letters, digits, - and _."
            required
            autoFocus
          />
          <FormError error={create.error} />
          <div className="dialog-footer">
            <Button onClick={() => close(false)}>Cancel</Button>
            <Button type="submit" variant="primary" loading={create.isPending}>
              Create environment
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
