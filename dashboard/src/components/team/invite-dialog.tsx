/** Invite an operator with a role; the link is shown once (no mail server: the admin sends it). */
import type { OperatorRole } from '@latchkey/schema';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { SelectField, TextField } from '../ui/field';
import { PlusIcon } from '../ui/icons';
import { OneTimeSecret } from '../ui/one-time-secret';
import { ROLES } from './role-names';

export function InviteDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OperatorRole>('developer');
  const invite = useMutation(
    trpc.operators.invite.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.operators.invitations.queryKey() }),
    }),
  );

  function change(next: boolean) {
    setOpen(next);
    if (!next) {
      invite.reset();
      setEmail('');
      setRole('developer');
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate({ email: email.trim(), role });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={change}
      trigger={
        <Button variant="primary">
          <PlusIcon /> Invite operator
        </Button>
      }
      title={invite.data ? 'Invitation created' : 'Invite an operator'}
      description={
        invite.data
          ? `Send this link to ${email}. It works once and expires ${new Date(invite.data.expiresAt).toLocaleString()}.`
          : 'They choose their own password when they open the link.'
      }
    >
      {invite.data ? (
        <div className="stack">
          <OneTimeSecret label="Invitation link" value={invite.data.url} />
          <div className="dialog-footer">
            <Button variant="primary" onClick={() => change(false)}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={submit}>
          <TextField
            label="Email"
            type="email"
            required
            autoFocus
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <SelectField
            label="Role"
            value={role}
            onChange={(event) => setRole(event.target.value as OperatorRole)}
            hint={ROLES.find((r) => r.value === role)?.description}
          >
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </SelectField>
          <FormError error={invite.error} />
          <div className="dialog-footer">
            <Button onClick={() => change(false)}>Cancel</Button>
            <Button type="submit" variant="primary" loading={invite.isPending}>
              Create invitation link
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
