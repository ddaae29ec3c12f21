/**
 * "Add test connection": names a test end user, creates a connect session for this integration only (tagged
 * `source: dashboard-test`), runs the real flow with the widget (a popup for the browser modes, the typed credentials
 * for the one-request modes), and lands on the new connection.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError, useTRPC } from '../../api/trpc';
import { useOperator } from '../layout/use-operator';
import { Button } from '../ui/button';
import { Dialog, DialogClose } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { PlusIcon } from '../ui/icons';
import { MACHINE_VALUE } from './integration-input';
import {
  connectionConfigFieldsOf,
  credentialFieldsOf,
  credentialsToSend,
  declaresAssertion,
  type ProviderOutput,
} from './provider-view';
import { fieldProblemsOf } from './server-errors';
import {
  ConnectError,
  needsPopup,
  reservePopup,
  startTestConnection,
  type TestConnectionFlow,
} from './test-connection-flow';

export const TEST_CONNECTION_TAGS = { source: 'dashboard-test' } as const;

const CONNECT_ERRORS: Record<string, string> = {
  window_closed: 'The window was closed before the connection was made.',
  network_error: 'Latchkey could not be reached.',
};

export function TestConnectionDialog({
  env,
  integration,
  provider,
  authMode,
  baseUrl,
}: {
  env: string;
  integration: string;
  provider: ProviderOutput | undefined;
  authMode: string;
  /** Latchkey's public URL: where the flow runs and its result comes from. */
  baseUrl: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const operator = useOperator();
  const [open, setOpen] = useState(false);
  const [endUserId, setEndUserId] = useState('');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [config, setConfig] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [flowError, setFlowError] = useState<string | null>(null);
  const flow = useRef<TestConnectionFlow | null>(null);
  const createSession = useMutation(trpc.connectSessions.create.mutationOptions());
  const fields = provider ? connectionConfigFieldsOf(provider) : [];
  const signsAssertion = provider !== undefined && declaresAssertion(provider);
  const popupMode = needsPopup(authMode, signsAssertion);
  // Typed here only when the flow is one request from the dialog; the hosted page asks them otherwise.
  const credentialFields = provider && !popupMode ? credentialFieldsOf(provider, authMode) : [];
  const [credentials, setCredentials] = useState<Record<string, string>>({});

  // A sensible test user: the operator themself (once per opening; the fields stay editable).
  const prefilled = useRef(false);
  useEffect(() => {
    if (!open) {
      prefilled.current = false;
      return;
    }
    if (operator && !prefilled.current) {
      prefilled.current = true;
      setEndUserId((current) => current || `test-${operator.email.split('@')[0]}`);
      setEmail((current) => current || operator.email);
      setDisplayName((current) => current || (operator.displayName ?? ''));
    }
  }, [open, operator]);

  useEffect(() => () => flow.current?.cancel(), []);

  const server = fieldProblemsOf(createSession.error);
  const configValue = (name: string, field: { default_value?: string }) =>
    config[name] ?? field.default_value ?? '';
  const missingConfig = fields.find(
    ([name, field]) => field.optional !== true && !configValue(name, field).trim(),
  );
  const missingCredential = credentialFields.find(
    ([name, field]) => field.optional !== true && !credentials[name],
  );
  const emailInvalid = email.trim() !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());
  const errors = {
    endUserId: touched && endUserId.trim() === '' ? 'Name the test end user.' : server['end_user.id'],
    email: touched && emailInvalid ? 'Not an email address.' : server['end_user.email'],
    displayName: server['end_user.display_name'],
  };

  function reset() {
    flow.current?.cancel();
    flow.current = null;
    setWaiting(false);
    setFlowError(null);
    setTouched(false);
    setCredentials({});
    createSession.reset();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    setFlowError(null);
    if (endUserId.trim() === '' || emailInvalid || missingConfig || missingCredential) {
      // After the re-render that marks them: focus the first field in error.
      const form = event.currentTarget as HTMLFormElement;
      window.setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    // Opened now, inside the click: after the round trip below a popup blocker would refuse it.
    const popup = popupMode ? reservePopup() : null;
    setWaiting(true);
    let session: { token: string; connect_link: string };
    try {
      session = await createSession.mutateAsync({
        end_user: {
          id: endUserId.trim(),
          ...(email.trim() ? { email: email.trim() } : {}),
          ...(displayName.trim() ? { display_name: displayName.trim() } : {}),
        },
        allowed_integrations: [integration],
        tags: { ...TEST_CONNECTION_TAGS },
      });
    } catch {
      popup?.close();
      setWaiting(false);
      return;
    }
    const connectionConfig = Object.fromEntries(
      fields
        .map(([name, field]) => [name, configValue(name, field).trim()] as const)
        .filter(([, value]) => value !== ''),
    );
    const running = startTestConnection({
      popup,
      baseUrl,
      sessionToken: session.token,
      connectLink: session.connect_link,
      integration,
      authMode,
      signsAssertion,
      connectionConfig,
      credentials: provider
        ? credentialsToSend(
            provider,
            authMode,
            Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== '')),
          )
        : {},
    });
    flow.current = running;
    try {
      const result = await running.result;
      if (flow.current !== running) return;
      flow.current = null;
      setWaiting(false);
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
      await navigate({
        to: '/dashboard/$env/connections/$integration/$connectionId',
        params: { env, integration: result.integration, connectionId: result.connectionId },
      });
    } catch (error) {
      if (flow.current !== running) return;
      flow.current = null;
      setWaiting(false);
      setFlowError(
        error instanceof ConnectError
          ? (CONNECT_ERRORS[error.code] ?? `${error.message} (${error.code})`)
          : describeError(error).message,
      );
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) reset();
      }}
      title="Add test connection"
      description={
        popupMode
          ? 'Runs the real authorization flow in a popup, as your end users will, then opens the new connection.'
          : 'Connects with the credentials you type here, checked as your end users’ would be, then opens the connection.'
      }
      trigger={
        <Button variant="primary">
          <PlusIcon />
          Add test connection
        </Button>
      }
      footer={
        <>
          <DialogClose asChild>
            <Button>Cancel</Button>
          </DialogClose>
          <Button type="submit" form="test-connection-form" variant="primary" loading={waiting}>
            Connect
          </Button>
        </>
      }
    >
      <form id="test-connection-form" className="stack" onSubmit={submit} noValidate>
        <TextField
          label="Test end user ID"
          value={endUserId}
          onChange={(event) => setEndUserId(event.target.value)}
          required
          {...MACHINE_VALUE}
          hint="Your app’s id for the user; the connection is filed under it."
          error={errors.endUserId}
        />
        <TextField
          label="Email (optional)"
          type="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          autoComplete="off"
          error={errors.email}
        />
        <TextField
          label="Display name (optional)"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          autoComplete="off"
          error={errors.displayName}
        />
        {fields.map(([name, field]) => (
          <TextField
            key={name}
            label={field.optional === true ? `${field.title} (optional)` : field.title}
            value={configValue(name, field)}
            onChange={(event) => setConfig((current) => ({ ...current, [name]: event.target.value }))}
            required={field.optional !== true}
            autoComplete="off"
            spellCheck={false}
            placeholder={field.example}
            hint={field.description}
            error={touched && missingConfig?.[0] === name ? 'Required.' : undefined}
          />
        ))}
        {credentialFields.map(([name, field]) => (
          <TextField
            key={`credential-${name}`}
            label={field.optional === true ? `${field.title} (optional)` : field.title}
            type={field.secret === true ? 'password' : 'text'}
            value={credentials[name] ?? ''}
            onChange={(event) => setCredentials((current) => ({ ...current, [name]: event.target.value }))}
            required={field.optional !== true}
            autoComplete="off"
            spellCheck={false}
            hint={field.description}
            error={touched && missingCredential?.[0] === name ? 'Required.' : undefined}
          />
        ))}
        {waiting && popupMode && !createSession.isPending ? (
          <div className="int-waiting" role="status">
            <span className="spinner" aria-hidden="true" />
            <span>Waiting for the popup: sign in with the provider there.</span>
          </div>
        ) : null}
        {createSession.isError && !errors.endUserId && !errors.email && !errors.displayName ? (
          <FormError error={createSession.error} />
        ) : null}
        {flowError ? <FormError error={flowError} /> : null}
      </form>
    </Dialog>
  );
}
