/**
 * Deleting an integration deletes its connections too, so the dialog asks for the integration's ID to be typed:
 * a click alone must not be enough.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { Dialog, DialogClose } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { useToast } from '../ui/toast';
import { MACHINE_VALUE } from './integration-input';

export function DeleteIntegrationDialog({ env, uniqueKey }: { env: string; uniqueKey: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const remove = useMutation(
    trpc.integrations.delete.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        toast(`Integration ${uniqueKey} deleted`);
        queryClient.removeQueries({ queryKey: trpc.integrations.get.queryKey({ uniqueKey }) });
        await queryClient.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
        await navigate({ to: '/dashboard/$env/integrations', params: { env } });
      },
    }),
  );
  const matches = typed === uniqueKey;
  const formId = `delete-${uniqueKey}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) remove.mutate({ uniqueKey });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          setTyped('');
          remove.reset();
        }
      }}
      size="sm"
      title="Delete this integration?"
      description={
        <>
          Every connection of <strong className="mono">{uniqueKey}</strong> is deleted with it, and your app’s
          calls naming it will fail. This cannot be undone.
        </>
      }
      trigger={<Button variant="danger">Delete integration</Button>}
      footer={
        <>
          <DialogClose asChild>
            <Button>Cancel</Button>
          </DialogClose>
          <Button type="submit" form={formId} variant="danger" disabled={!matches} loading={remove.isPending}>
            Delete integration
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="stack-sm">
        <TextField
          label={
            <>
              Type <span className="mono">{uniqueKey}</span> to confirm
            </>
          }
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          {...MACHINE_VALUE}
        />
        {remove.isError ? <FormError error={remove.error} /> : null}
      </form>
    </Dialog>
  );
}
