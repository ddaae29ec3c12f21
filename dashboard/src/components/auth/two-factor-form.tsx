/** The second sign-in step: a 6-digit code from the authenticator app, or one of the recovery codes. */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';

export function TwoFactorForm({ onVerified, onCancel }: { onVerified: () => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const verify = useMutation(trpc.auth.verifyTwoFactor.mutationOptions({ onSuccess: onVerified }));

  function submit(event: FormEvent) {
    event.preventDefault();
    verify.mutate({ code: code.replace(/\s+/g, '') });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {useRecovery ? (
        <TextField
          label="Recovery code"
          name="code"
          autoComplete="off"
          autoFocus
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
          hint="Each recovery code works once."
        />
      ) : (
        <TextField
          label="Authentication code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          autoFocus
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
          hint="The 6-digit code from your authenticator app."
        />
      )}
      <FormError error={verify.error} />
      <Button type="submit" variant="primary" loading={verify.isPending} className="btn-block">
        Verify
      </Button>
      <div className="auth-links">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
          }}
        >
          {useRecovery ? 'Use an authentication code' : 'Use a recovery code'}
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          Sign in as someone else
        </button>
      </div>
    </form>
  );
}
