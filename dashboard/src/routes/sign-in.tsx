/**
 * Sign-in: email and password, then the TOTP step when the account has one; "Sign in with SSO" when the instance
 * has an OpenID Connect issuer. The first page most operators load, so it stays light (no Radix, no charts).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useEffect, useState } from 'react';
import { currentEnvironment } from '../api/environment';
import { useTRPC } from '../api/trpc';
import { AuthLayout, safeReturnPath } from '../components/auth/auth-layout';
import { TwoFactorForm } from '../components/auth/two-factor-form';
import { Button } from '../components/ui/button';
import { FormError } from '../components/ui/error-state';
import { TextField } from '../components/ui/field';
import { Skeleton } from '../components/ui/skeleton';

const route = getRouteApi('/dashboard/sign-in');

/** OIDC failures come back as `?error=<code>`; these read better than the code alone. */
const SSO_ERRORS: Record<string, string> = {
  oidc_not_configured: 'Sign-in with SSO is not configured on this instance.',
  oidc_invalid_return_to: 'The sign-in link was not valid. Try again.',
  oidc_state_invalid: 'The single sign-on attempt expired or did not start here. Try again.',
  oidc_denied: 'Your identity provider did not sign you in.',
  oidc_failed: 'Your identity provider’s answer could not be verified. Try again.',
  oidc_email_unverified: 'Your identity provider has not verified your email address.',
  oidc_domain_not_allowed: 'Your email domain may not sign in to this instance.',
  oidc_unknown_operator: 'No operator has this email address. Ask an admin to invite you.',
  oidc_identity_mismatch:
    'This email belongs to an operator who signs in with another identity-provider account.',
};

export function SignInPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const search = route.useSearch();
  const status = useQuery(trpc.auth.status.queryOptions());
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async (result) => {
        if (result.twoFactorPending) {
          setStep('totp');
          return;
        }
        await finish();
      },
    }),
  );
  const signOut = useMutation(trpc.auth.signOut.mutationOptions());

  async function finish() {
    await queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() });
    const target = safeReturnPath(search.redirect);
    if (target && !target.startsWith('/dashboard/sign-in')) await navigate({ href: target, replace: true });
    else await navigate({ to: '/dashboard/$env', params: { env: currentEnvironment() }, replace: true });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate({ email: email.trim(), password });
  }

  const data = status.data;
  // Already signed in (a bookmark to this page): straight on.
  const alreadySignedIn =
    data?.operator != null && !data.twoFactorPending && step === 'password' && signIn.isIdle;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once the status says so
  useEffect(() => {
    if (alreadySignedIn) void finish();
  }, [alreadySignedIn]);
  const awaitingCode = step === 'totp' || data?.twoFactorPending === true;
  const ssoError = search.error
    ? (SSO_ERRORS[search.error] ?? `Single sign-on failed (${search.error}).`)
    : null;
  const ssoStart = `/operator-auth/oidc/start?return_to=${encodeURIComponent(safeReturnPath(search.redirect) ?? '/dashboard')}`;

  if (awaitingCode) {
    return (
      <AuthLayout title="Two-factor authentication" description="Enter the code to finish signing in.">
        <TwoFactorForm
          onVerified={() => void finish()}
          onCancel={() => {
            signOut.mutate(undefined, {
              onSettled: async () => {
                setStep('password');
                await queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() });
              },
            });
          }}
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Sign in"
      description="Operators of this Latchkey instance."
      footer={
        data?.setupRequired ? (
          <p>No operator exists yet: open the setup link printed by the server when it started.</p>
        ) : (
          <p>Accounts are created by invitation from an admin.</p>
        )
      }
    >
      {ssoError ? <FormError error={ssoError} /> : null}
      <form className="stack" onSubmit={submit}>
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          autoFocus
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <FormError error={signIn.error} />
        <Button type="submit" variant="primary" loading={signIn.isPending} className="btn-block">
          Sign in
        </Button>
      </form>
      {status.isPending ? (
        <Skeleton height={40} style={{ marginTop: 16 }} />
      ) : data?.oidcEnabled ? (
        <>
          <div className="divider" aria-hidden="true">
            <span>or</span>
          </div>
          <a className="btn btn-secondary btn-block" href={ssoStart}>
            Sign in with SSO
          </a>
        </>
      ) : null}
    </AuthLayout>
  );
}
