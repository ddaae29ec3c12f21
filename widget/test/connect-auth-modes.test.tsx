/**
 * Every auth mode of Nango's catalog through `<ConnectModal>` and `connect()`: the form built from the provider's
 * `credentials` and `connection_config` declarations (hidden and automated fields not shown, secrets as password
 * inputs, enums as selects, empty titles named, values checked before anything is sent), and the exact request each
 * one-request mode makes — path, `params[…]` and JSON body — as a recording server on loopback received it. Browser
 * modes open the popup; modes Latchkey cannot run yet say so.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from '../src/core/connect';
import { ConnectError } from '../src/core/connect-error';
import type { FieldDeclaration } from '../src/core/types';
import { type ConnectEvent, ConnectModal } from '../src/index';
import { axeViolations } from './support/axe';
import { stubWindowOpen } from './support/fake-popup';
import {
  type RecordingLatchkey,
  sessionIntegration,
  startRecordingLatchkey,
} from './support/recording-latchkey';

const field = (title: string, extra: Partial<FieldDeclaration> = {}): FieldDeclaration => ({
  type: 'string',
  title,
  description: `${title || 'Field'} help`,
  ...extra,
});

// Fictional providers, shaped like the entries of Nango's file for each mode.
const INTEGRATIONS = [
  sessionIntegration('two-step', 'TWO_STEP', {
    connection_config: { tenant: field('Tenant', { pattern: '^[a-z]+$', order: 1 }) },
    credentials: {
      clientId: field('Client ID', { pattern: '^[a-z0-9]+$' }),
      clientSecret: field('Client secret', { secret: true }),
      environment: field('Environment', { enum: ['live', 'sandbox'] }),
      userName: field(''),
      scope: field('Scope', { optional: true }),
      assertion: field('', { automated: true }),
      grantUser: field('', { hidden: true, default_value: 'public-client' }),
    },
  }),
  sessionIntegration('assertion', 'TWO_STEP', {
    credentials: { clientId: field('Client ID') },
    assertion_option: {
      privateKey: field('Private key', { secret: true }),
      signedAt: field('', { automated: true }),
    },
  }),
  sessionIntegration('bill', 'BILL'),
  sessionIntegration('tba', 'TBA', { connection_config: { accountId: field('Account ID') } }),
  sessionIntegration('signature', 'SIGNATURE', {
    credentials: { username: field('ID'), password: field('Client Secret') },
  }),
  sessionIntegration('jwt', 'JWT', {
    connection_config: { adminDomain: field('Admin domain') },
    credentials: {
      privateKey: field('API Key', { pattern: '^[a-fA-F0-9]{24}:[a-fA-F0-9]{64}$' }),
    },
  }),
  sessionIntegration('aws', 'AWS_SIGV4', {
    connection_config: { region: field('AWS Region', { optional: true }) },
    credentials: { role_arn: field('IAM Role ARN') },
  }),
  sessionIntegration('client-credentials', 'OAUTH2_CC'),
  sessionIntegration('freshdesk-like', 'BASIC', {
    credentials: {
      username: field('API Key', { secret: true }),
      password: field('', { hidden: true, default_value: 'X' }),
    },
  }),
  sessionIntegration('same-names', 'API_KEY', {
    connection_config: { apiKey: field('Public key') },
    credentials: { apiKey: field('API secret') },
  }),
  sessionIntegration('github-app', 'APP', {
    connection_config: {},
  }),
  sessionIntegration('mcp', 'MCP_OAUTH2'),
];

let lk: RecordingLatchkey;
beforeAll(async () => {
  lk = await startRecordingLatchkey(INTEGRATIONS);
});
afterAll(async () => {
  await lk[Symbol.asyncDispose]();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  lk.requests.length = 0;
});

async function openForm(name: string) {
  const events: ConnectEvent[] = [];
  const view = render(
    <ConnectModal sessionToken={lk.token} baseUrl={lk.url} onEvent={(event) => events.push(event)} />,
  );
  fireEvent.click(await screen.findByRole('button', { name: `${name} service` }, { timeout: 10_000 }));
  const type = (label: string, value: string) =>
    fireEvent.change(screen.getByLabelText(label, { exact: false }), { target: { value } });
  const submit = () => fireEvent.click(screen.getByRole('button', { name: `Connect ${name} service` }));
  const connected = async () => {
    await waitFor(() => expect(events.some((event) => event.type === 'connect')).toBe(true), {
      timeout: 10_000,
    });
    return lk.requests.at(-1)!;
  };
  return { events, type, submit, connected, ...view };
}

const params = (query: URLSearchParams) =>
  Object.fromEntries([...query].filter(([key]) => key.startsWith('params[')));

describe('one-request modes in <ConnectModal>', () => {
  it("TWO_STEP: the provider's own fields, checked before submit, posted with their type", async () => {
    const form = await openForm('two-step');
    // Automated and hidden fields are not shown; an empty title falls back to the field's name.
    expect(screen.queryByLabelText(/assertion/)).toBeNull();
    expect(screen.queryByLabelText(/grantUser/)).toBeNull();
    expect(screen.getByLabelText('userName')).toBeTruthy();
    expect((screen.getByLabelText('Client secret') as HTMLInputElement).type).toBe('password');
    expect((screen.getByLabelText('Client ID') as HTMLInputElement).type).toBe('text');
    expect(screen.getByLabelText('Environment').tagName).toBe('SELECT');
    expect(screen.getByLabelText('Scope', { exact: false }).getAttribute('aria-required')).toBeNull();
    expect(await axeViolations(form.container)).toEqual([]);

    // Empty and malformed values are refused in the browser: nothing is sent.
    form.submit();
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toEqual(
      Array(5).fill('This field is required.'),
    );
    form.type('Tenant', 'acme');
    form.type('Client ID', 'NOT LOWER');
    form.type('Client secret', 's3cret with spaces ');
    form.type('Environment', 'sandbox');
    form.type('userName', 'ada');
    form.submit();
    expect(screen.getByRole('alert').textContent).toBe('This value does not have the expected format.');
    expect(document.activeElement).toBe(screen.getByLabelText('Client ID'));
    expect(lk.requests).toEqual([]);

    form.type('Client ID', 'client1');
    form.submit();
    const request = await form.connected();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/auth/two-step/two-step');
    expect(request.contentType).toBe('application/json');
    expect(request.query.get('connect_session_token')).toBe(lk.token);
    expect(params(request.query)).toEqual({ 'params[tenant]': 'acme' });
    // Credentials go as typed; the hidden field's declared value goes too; the optional empty one does not.
    expect(request.body).toEqual({
      type: 'TWO_STEP',
      grantUser: 'public-client',
      clientId: 'client1',
      clientSecret: 's3cret with spaces ',
      environment: 'sandbox',
      userName: 'ada',
    });
    expect(form.container.innerHTML).not.toContain('s3cret');
  });

  it('TWO_STEP with a signed assertion: its inputs asked after the credentials, sent as assertionOption', async () => {
    const form = await openForm('assertion');
    const pem =
      '-----BEGIN PRIVATE KEY----- MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg -----END PRIVATE KEY-----';
    expect((screen.getByLabelText('Private key') as HTMLInputElement).type).toBe('password');
    expect(screen.queryByLabelText('signedAt')).toBeNull();
    form.type('Client ID', 'client-7');
    form.submit();
    expect(screen.getByRole('alert').textContent).toBe('This field is required.');
    expect(lk.requests).toEqual([]);
    form.type('Private key', pem);
    form.submit();
    const request = await form.connected();
    expect(request.path).toBe('/auth/two-step/assertion');
    expect(request.body).toEqual({
      type: 'TWO_STEP',
      clientId: 'client-7',
      assertionOption: { privateKey: pem },
    });
  });

  it("BILL: the mode's usual fields when the provider declares none", async () => {
    const form = await openForm('bill');
    expect((screen.getByLabelText('Password') as HTMLInputElement).type).toBe('password');
    expect((screen.getByLabelText('Developer key') as HTMLInputElement).type).toBe('password');
    form.type('User name', 'ada@example.com');
    form.type('Password', 'pw');
    form.type('Organization ID', 'org-1');
    form.type('Developer key', 'dev-1');
    form.submit();
    const request = await form.connected();
    expect(request.path).toBe('/auth/bill/bill');
    expect(request.body).toEqual({
      username: 'ada@example.com',
      password: 'pw',
      organization_id: 'org-1',
      dev_key: 'dev-1',
    });
  });

  it('TBA: token id and secret in the body, the account id as connection config', async () => {
    const form = await openForm('tba');
    form.type('Account ID', ' 1234567_SB1 ');
    form.type('Token ID', 'tid');
    form.type('Token secret', 'tsecret');
    form.submit();
    const request = await form.connected();
    expect(request.path).toBe('/auth/tba/tba');
    expect(params(request.query)).toEqual({ 'params[accountId]': '1234567_SB1' });
    expect(request.body).toEqual({ token_id: 'tid', token_secret: 'tsecret' });
  });

  it('SIGNATURE: user name and password with the type, under the titles the provider gives', async () => {
    const form = await openForm('signature');
    form.type('ID', 'wsse-user');
    form.type('Client Secret', 'wsse-secret');
    expect((screen.getByLabelText('Client Secret') as HTMLInputElement).type).toBe('password');
    form.submit();
    const request = await form.connected();
    expect(request.path).toBe('/auth/signature/signature');
    expect(request.body).toEqual({ type: 'SIGNATURE', username: 'wsse-user', password: 'wsse-secret' });
  });

  it('JWT: the key material as declared, with the type; a value off the pattern is refused first', async () => {
    const form = await openForm('jwt');
    const key = `${'a'.repeat(24)}:${'b'.repeat(64)}`;
    form.type('Admin domain', 'blog.example.com');
    form.type('API Key', 'not-a-key');
    form.submit();
    expect(screen.getByRole('alert').textContent).toBe('This value does not have the expected format.');
    form.type('API Key', key);
    form.submit();
    const request = await form.connected();
    expect(request.path).toBe('/auth/jwt/jwt');
    expect(params(request.query)).toEqual({ 'params[adminDomain]': 'blog.example.com' });
    expect(request.body).toEqual({ type: 'JWT', privateKey: key });
  });

  it('AWS SigV4: an ExternalId for the trust policy, the role ARN in the body, the optional region as config', async () => {
    const form = await openForm('aws');
    const shown = (screen.getByLabelText('External ID') as HTMLInputElement).value;
    expect(shown).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((screen.getByLabelText('External ID') as HTMLInputElement).readOnly).toBe(true);
    form.type('IAM Role ARN', 'arn:aws:iam::123456789012:role/Access');
    form.submit();
    let request = await form.connected();
    expect(request.path).toBe('/auth/aws-sigv4/aws');
    expect(params(request.query)).toEqual({ 'params[external_id]': shown });
    expect(request.body).toEqual({ role_arn: 'arn:aws:iam::123456789012:role/Access' });
    cleanup();

    const again = await openForm('aws');
    const secondId = (screen.getByLabelText('External ID') as HTMLInputElement).value;
    expect(secondId).not.toBe(shown);
    again.type('AWS Region', 'eu-west-3');
    again.type('IAM Role ARN', 'arn:aws:iam::123456789012:role/Access');
    again.submit();
    request = await again.connected();
    expect(params(request.query)).toEqual({ 'params[region]': 'eu-west-3', 'params[external_id]': secondId });
  });

  it('AWS SigV4 reconnect: the connection keeps its ExternalId, so none is shown or sent', async () => {
    await using reconnect = await startRecordingLatchkey(
      INTEGRATIONS.filter((integration) => integration.unique_key === 'aws'),
      { isReconnecting: true, allowed_integrations: ['aws'] },
    );
    const events: ConnectEvent[] = [];
    render(
      <ConnectModal
        sessionToken={reconnect.token}
        baseUrl={reconnect.url}
        onEvent={(event) => events.push(event)}
      />,
    );
    const role = await screen.findByLabelText('IAM Role ARN', {}, { timeout: 10_000 });
    expect(screen.queryByLabelText('External ID')).toBeNull();
    fireEvent.change(role, { target: { value: 'arn:aws:iam::123456789012:role/Access' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect aws service' }));
    await waitFor(() => expect(events.some((event) => event.type === 'connect')).toBe(true));
    expect(params(reconnect.requests[0]!.query)).toEqual({});
  });

  it("OAUTH2_CC: the end user's client id and secret", async () => {
    const form = await openForm('client-credentials');
    form.type('Client ID', 'my-client');
    form.type('Client secret', 'my-secret');
    form.submit();
    const request = await form.connected();
    expect(request.path).toBe('/oauth2/auth/client-credentials');
    expect(request.body).toEqual({ client_id: 'my-client', client_secret: 'my-secret' });
  });

  it('basic with a hidden password: only the key is asked, the declared password is sent', async () => {
    const form = await openForm('freshdesk-like');
    expect(screen.queryByLabelText('password')).toBeNull();
    expect(screen.queryByLabelText('Password')).toBeNull();
    form.type('API Key', 'fd-key');
    form.submit();
    const request = await form.connected();
    expect(request.path).toBe('/api-auth/basic/freshdesk-like');
    expect(request.body).toEqual({ username: 'fd-key', password: 'X' });
  });

  it('keeps a connection-config field and a credential of the same name apart', async () => {
    const form = await openForm('same-names');
    form.type('Public key', 'public-part');
    form.type('API secret', 'secret-part');
    form.submit();
    const request = await form.connected();
    expect(params(request.query)).toEqual({ 'params[apiKey]': 'public-part' });
    expect(request.body).toEqual({ apiKey: 'secret-part' });
  });
});

describe('browser and unavailable modes in <ConnectModal>', () => {
  it('APP: no form, the popup opens on the click at /oauth/connect', async () => {
    const popups = stubWindowOpen();
    render(<ConnectModal sessionToken={lk.token} baseUrl={lk.url} />);
    fireEvent.click(await screen.findByRole('button', { name: 'github-app service' }, { timeout: 10_000 }));
    expect(popups.opened).toHaveLength(1);
    expect(popups.opened[0]!.url().pathname).toBe('/oauth/connect/github-app');
    expect(lk.requests).toEqual([]);
  });

  it('MCP: says it cannot be connected here yet, and reports it, without sending anything', async () => {
    const popups = stubWindowOpen();
    const events: ConnectEvent[] = [];
    const { container } = render(
      <ConnectModal sessionToken={lk.token} baseUrl={lk.url} onEvent={(event) => events.push(event)} />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'mcp service' }, { timeout: 10_000 }));
    expect(screen.getByRole('alert').textContent).toBe('mcp service cannot be connected from here yet.');
    expect(events).toContainEqual({
      type: 'error',
      code: 'unsupported_auth_mode',
      message: 'mcp service cannot be connected from here yet.',
    });
    expect(screen.queryByRole('button', { name: 'Connect mcp service' })).toBeNull();
    expect(popups.calls).toEqual([]);
    expect(lk.requests).toEqual([]);
    expect(await axeViolations(container)).toEqual([]);
  });
});

describe('connect() without React', () => {
  const base = () => ({ sessionToken: lk.token, baseUrl: lk.url });

  it.each([
    [
      'TWO_STEP',
      { clientId: 'c', clientSecret: 's' },
      '/auth/two-step/k',
      { type: 'TWO_STEP', clientId: 'c', clientSecret: 's' },
    ],
    [
      'JWT',
      { privateKey: { id: 'i', secret: 's' } },
      '/auth/jwt/k',
      { type: 'JWT', privateKey: { id: 'i', secret: 's' } },
    ],
    [
      'SIGNATURE',
      { username: 'u', password: 'p' },
      '/auth/signature/k',
      { type: 'SIGNATURE', username: 'u', password: 'p' },
    ],
    [
      'BILL',
      { username: 'u', password: 'p', organization_id: 'o', dev_key: 'd' },
      '/auth/bill/k',
      { username: 'u', password: 'p', organization_id: 'o', dev_key: 'd' },
    ],
    ['TBA', { token_id: 'i', token_secret: 's' }, '/auth/tba/k', { token_id: 'i', token_secret: 's' }],
    ['AWS_SIGV4', { role_arn: 'arn' }, '/auth/aws-sigv4/k', { role_arn: 'arn' }],
    [
      'OAUTH2_CC',
      { client_id: 'c', client_secret: 's' },
      '/oauth2/auth/k',
      { client_id: 'c', client_secret: 's' },
    ],
    ['API_KEY', { apiKey: 'k' }, '/api-auth/api-key/k', { apiKey: 'k' }],
    ['BASIC', { username: 'u', password: 'p' }, '/api-auth/basic/k', { username: 'u', password: 'p' }],
  ] as const)('%s posts to its endpoint', async (authMode, credentials, path, body) => {
    const result = await connect({
      ...base(),
      integration: 'k',
      authMode,
      credentials,
      connectionConfig: { region: 'eu' },
    });
    expect(result).toEqual({ connectionId: 'conn-1', integration: 'k' });
    const request = lk.requests[0]!;
    expect(request.path).toBe(path);
    expect(params(request.query)).toEqual({ 'params[region]': 'eu' });
    expect(request.body).toEqual(body);
  });

  it('TWO_STEP sends the assertion inputs as assertionOption, as Nango’s SDK does', async () => {
    await connect({
      ...base(),
      integration: 'k',
      authMode: 'TWO_STEP',
      credentials: { clientId: 'c' },
      assertionOption: { privateKey: 'pem' },
    });
    expect(lk.requests[0]!.body).toEqual({
      type: 'TWO_STEP',
      clientId: 'c',
      assertionOption: { privateKey: 'pem' },
    });
  });

  it('NONE posts no body; a mode named by the credentials type needs no authMode', async () => {
    await connect({ ...base(), integration: 'open', authMode: 'NONE' });
    expect(lk.requests[0]).toMatchObject({ path: '/auth/unauthenticated/open', body: undefined });
    await connect({ ...base(), integration: 'two', credentials: { type: 'TWO_STEP', apiKey: 'k' } });
    expect(lk.requests[1]).toMatchObject({
      path: '/auth/two-step/two',
      body: { type: 'TWO_STEP', apiKey: 'k' },
    });
  });

  it('opens the popup for the browser modes and refuses the unavailable ones', async () => {
    const popups = stubWindowOpen();
    void connect({ ...base(), integration: 'plugin', authMode: 'INSTALL_PLUGIN' });
    expect(popups.opened[0]!.url().pathname).toBe('/oauth/connect/plugin');
    const refused = connect({ ...base(), integration: 'mcp', authMode: 'MCP_OAUTH2_GENERIC' });
    await expect(refused).rejects.toBeInstanceOf(ConnectError);
    await expect(refused).rejects.toMatchObject({ code: 'unsupported_auth_mode' });
    expect(lk.requests).toEqual([]);
  });
});
