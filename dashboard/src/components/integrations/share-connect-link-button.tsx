/**
 * "Share connect link": a connect session for this integration alone, whose hosted page (`connect_link`) anyone
 * can open to connect, on another device or by email. The link is copied and shown with its expiry.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { CopyField } from '../ui/copy-button';
import { Dialog } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { LinkIcon } from '../ui/icons';
import { useToast } from '../ui/toast';
import { TEST_CONNECTION_TAGS } from './test-connection-dialog';

export function ShareConnectLinkButton({ integration }: { integration: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const create = useMutation(
    trpc.connectSessions.create.mutationOptions({
      onSuccess: async (session) => {
        setOpen(true);
        try {
          await navigator.clipboard.writeText(session.connect_link);
          toast('Connect link copied');
        } catch {
          // The clipboard may refuse after the round trip; the dialog has a copy button.
        }
      },
    }),
  );

  return (
    <>
      <Button
        loading={create.isPending}
        onClick={() =>
          create.mutate({ allowed_integrations: [integration], tags: { ...TEST_CONNECTION_TAGS } })
        }
      >
        <LinkIcon />
        Share connect link
      </Button>
      {create.isError ? <FormError error={create.error} /> : null}
      <Dialog
        open={open && create.data !== undefined}
        onOpenChange={setOpen}
        title="Connect link"
        description={`Whoever opens it can connect ${integration} until it expires${
          create.data ? ` (${new Date(create.data.expires_at).toLocaleString()})` : ''
        }. Share it only with the person who should connect.`}
      >
        {create.data ? <CopyField label="Connect link" value={create.data.connect_link} /> : null}
      </Dialog>
    </>
  );
}
