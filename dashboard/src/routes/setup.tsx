/**
 * First run: the one-time setup link the server printed (`/setup?code=…`) creates the first admin. Only that code
 * works, so an instance reachable from the internet cannot be claimed by a stranger.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { DEFAULT_ENVIRONMENT } from '../api/environment';
import { useTRPC } from '../api/trpc';
import { AuthLayout } from '../components/auth/auth-layout';
import { Button } from '../components/ui/button';
import { FormError } from '../components/ui/error-state';
import { TextField } from '../components/ui/field';

const route = getRouteApi('/setup');

export function SetupPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const search = route.useSearch();
  const status = useQuery(trpc.auth.status.queryOptions());
  const [code, setCode] = useState(search.code ?? '');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() });
        await navigate({ to: '/dashboard/$env', params: { env: DEFAULT_ENVIRONMENT }, replace: true });
      },
    }),
  );

  if (status.data && !status.data.setupRequired && !setup.isSuccess) {
    return (
      <AuthLayout title="Already set up" description="This instance has its first admin.">
        <Link to="/dashboard/sign-in" search={{}} className="btn btn-primary btn-block">
          Go to sign-in
        </Link>
      </AuthLayout>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setup.mutate({
      code: code.trim(),
      email: email.trim(),
      password,
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    });
  }

  return (
    <AuthLayout
      title="Set up Latchkey"
      description="Create the first admin account. You can invite the rest of your team afterwards."
      footer={<p>The setup link was printed in the server’s log when it first started.</p>}
    >
      <form className="stack" onSubmit={submit}>
        {search.code ? null : (
          <TextField
            label="Setup code"
            name="code"
            autoComplete="off"
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
            hint="From the /setup?code=… link in the server log."
          />
        )}
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
          label="Your name"
          name="name"
          autoComplete="name"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          hint="Optional: shown to your team and in the audit log."
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint="At least 8 characters; a long passphrase is best."
        />
        <FormError error={setup.error} />
        <Button type="submit" variant="primary" loading={setup.isPending} className="btn-block">
          Create admin account
        </Button>
      </form>
    </AuthLayout>
  );
}
