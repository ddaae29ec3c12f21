/** Change password: every other session of this operator ends; this one gets a fresh cookie. */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { useToast } from '../ui/toast';

export function ChangePasswordCard() {
  const trpc = useTRPC();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setNext('');
        setConfirm('');
        toast('Password changed; your other sessions were signed out');
      },
    }),
  );
  const mismatch = confirm.length > 0 && confirm !== next;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    change.mutate({ currentPassword: current, newPassword: next });
  }

  return (
    <Card>
      <CardHeader title="Password" description="Changing it signs you out of every other browser." />
      <CardBody>
        <form className="stack form-narrow" onSubmit={submit}>
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={next}
            onChange={(event) => setNext(event.target.value)}
            hint="At least 8 characters."
          />
          <TextField
            label="Confirm new password"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
            error={mismatch ? 'The passwords do not match.' : undefined}
          />
          <FormError error={change.error} />
          <div>
            <Button type="submit" variant="primary" loading={change.isPending}>
              Change password
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
