/** Accepting an invitation: the link an admin shared (`/dashboard/invite?token=…`) creates the account, signed in. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { currentEnvironment } from '../api/environment';
import { useTRPC } from '../api/trpc';
import { AuthLayout } from '../components/auth/auth-layout';
import { Badge } from '../components/ui/badge';
import { Button } from '../components/ui/button';
import { ErrorState, FormError } from '../components/ui/error-state';
import { TextField } from '../components/ui/field';
import { SkeletonRows } from '../components/ui/skeleton';

const route = getRouteApi('/dashboard/invite');

export function InvitePage() {
  const { token } = route.useSearch();
  if (!token) {
    return (
      <AuthLayout
        title="Invitation link incomplete"
        description="The link has no token. Ask your admin for a new one."
      >
        <Link to="/dashboard/sign-in" search={{}} className="btn btn-secondary btn-block">
          Go to sign-in
        </Link>
      </AuthLayout>
    );
  }
  return <AcceptInvitation token={token} />;
}

function AcceptInvitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const invitation = useQuery({ ...trpc.auth.invitation.queryOptions({ token }), retry: false });
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const accept = useMutation(
    trpc.auth.acceptInvitation.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() });
        await navigate({ to: '/dashboard/$env', params: { env: currentEnvironment() }, replace: true });
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    accept.mutate({ token, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) });
  }

  if (invitation.isPending) {
    return (
      <AuthLayout title="Join Latchkey">
        <SkeletonRows rows={3} label="Loading invitation" />
      </AuthLayout>
    );
  }
  if (invitation.isError) {
    return (
      <AuthLayout title="This invitation cannot be used">
        <div className="stack">
          <ErrorState error={invitation.error} title="Invitation not valid" />
          <p className="muted">Invitations work once and expire. Ask an admin for a new link.</p>
        </div>
      </AuthLayout>
    );
  }
  const { email, role, expiresAt } = invitation.data;
  return (
    <AuthLayout
      title="Join Latchkey"
      description={
        <>
          You were invited as <Badge tone="accent">{role}</Badge>. The link expires{' '}
          {new Date(expiresAt).toLocaleString()}.
        </>
      }
    >
      <form className="stack" onSubmit={submit}>
        <TextField label="Email" type="email" value={email} readOnly autoComplete="username" />
        <TextField
          label="Your name"
          autoComplete="name"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          hint="Optional."
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          autoFocus
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint="At least 8 characters."
        />
        <FormError error={accept.error} />
        <Button type="submit" variant="primary" loading={accept.isPending} className="btn-block">
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
