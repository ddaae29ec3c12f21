/**
 * TOTP two-factor: enrol (the secret and its otpauth:// URI for the authenticator app, then a code to prove it
 * works, then recovery codes shown once), regenerate recovery codes, or disable (password required).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { useOperator } from '../layout/use-operator';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { CopyField } from '../ui/copy-button';
import { Dialog } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { useToast } from '../ui/toast';
import { RecoveryCodes } from './recovery-codes';

export function TwoFactorCard() {
  const operator = useOperator();
  const enabled = operator?.twoFactorEnabled === true;
  return (
    <Card>
      <CardHeader
        title="Two-factor authentication"
        description="A code from an authenticator app (1Password, Google Authenticator, …) at every sign-in."
        actions={enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
      />
      <CardBody>{enabled ? <ManageTwoFactor /> : <EnrolTwoFactor />}</CardBody>
    </Card>
  );
}

function EnrolTwoFactor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const begin = useMutation(trpc.account.totpBegin.mutationOptions());
  const confirm = useMutation(trpc.account.totpConfirm.mutationOptions());

  if (confirm.data) {
    return (
      <div className="stack">
        <p>Two-factor authentication is on.</p>
        <RecoveryCodes codes={confirm.data.recoveryCodes} />
        <div>
          <Button
            variant="primary"
            onClick={() => void queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() })}
          >
            I saved my recovery codes
          </Button>
        </div>
      </div>
    );
  }

  if (!begin.data) {
    return (
      <div className="stack">
        <FormError error={begin.error} />
        <div>
          <Button variant="primary" onClick={() => begin.mutate()} loading={begin.isPending}>
            Set up two-factor
          </Button>
        </div>
      </div>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate({ code: code.trim() });
  }

  return (
    <div className="stack form-narrow">
      <ol className="steps steps-compact">
        <li>
          <p className="step-title">Add Latchkey to your authenticator app</p>
          <p className="subtle">Open the link on a device with the app, or paste the setup key.</p>
          <div className="stack-sm">
            <a className="btn btn-secondary btn-sm" href={begin.data.uri}>
              Open in authenticator app
            </a>
            <CopyField label="Setup key" value={begin.data.secret} />
            <CopyField label="otpauth URI" value={begin.data.uri} />
          </div>
        </li>
        <li>
          <p className="step-title">Enter the 6-digit code it shows</p>
          <form className="stack-sm" onSubmit={submit}>
            <TextField
              label="Authentication code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
            <FormError error={confirm.error} />
            <div>
              <Button type="submit" variant="primary" loading={confirm.isPending}>
                Turn on two-factor
              </Button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

function ManageTwoFactor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [dialog, setDialog] = useState<'disable' | 'regenerate' | null>(null);
  const [password, setPassword] = useState('');
  const disable = useMutation(
    trpc.account.totpDisable.mutationOptions({
      onSuccess: () => {
        toast('Two-factor authentication turned off');
        close();
        void queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() });
      },
    }),
  );
  const regenerate = useMutation(trpc.account.regenerateRecoveryCodes.mutationOptions());

  function close() {
    setDialog(null);
    setPassword('');
    disable.reset();
    regenerate.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (dialog === 'disable') disable.mutate({ password });
    else regenerate.mutate({ password });
  }

  const pending = disable.isPending || regenerate.isPending;
  return (
    <div className="row">
      <Button onClick={() => setDialog('regenerate')}>New recovery codes</Button>
      <Button variant="ghost" onClick={() => setDialog('disable')}>
        Turn off two-factor
      </Button>
      <Dialog
        open={dialog !== null}
        onOpenChange={(open) => !open && close()}
        title={dialog === 'disable' ? 'Turn off two-factor?' : 'New recovery codes'}
        description={
          regenerate.data
            ? undefined
            : dialog === 'disable'
              ? 'Sign-in will need only your password. Confirm with it.'
              : 'The old codes stop working. Confirm with your password.'
        }
      >
        {regenerate.data ? (
          <div className="stack">
            <RecoveryCodes codes={regenerate.data.recoveryCodes} />
            <div className="dialog-footer">
              <Button variant="primary" onClick={close}>
                Done
              </Button>
            </div>
          </div>
        ) : (
          <form className="stack" onSubmit={submit}>
            <TextField
              label="Password"
              type="password"
              autoComplete="current-password"
              required
              autoFocus
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <FormError error={disable.error ?? regenerate.error} />
            <div className="dialog-footer">
              <Button onClick={close}>Cancel</Button>
              <Button type="submit" variant={dialog === 'disable' ? 'danger' : 'primary'} loading={pending}>
                {dialog === 'disable' ? 'Turn off two-factor' : 'Generate new codes'}
              </Button>
            </div>
          </form>
        )}
      </Dialog>
    </div>
  );
}
