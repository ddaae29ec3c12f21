/**
 * The integration settings per auth mode (integration-settings-spec.ts): what the new-integration and settings forms
 * send for each mode, checked against the server's own input schema, and what the test-connection dialog asks an
 * end user for (provider-view.ts, the widget's table).
 */
import { createIntegrationInputSchema, updateIntegrationInputSchema } from '@latchkey/schema';
import { describe, expect, it } from 'vitest';
import {
  configFieldVisible,
  configKey,
  integrationConfigFieldsOf,
  needsSettings,
  settingErrors,
  settingsInput,
  settingsProblems,
  settingsSummary,
} from './integration-settings-spec';
import {
  credentialFieldsOf,
  credentialsToSend,
  declaresAssertion,
  type ProviderOutput,
} from './provider-view';
import { connectsInDialog } from './test-connection-flow';

const provider = (extra: Record<string, unknown> = {}) =>
  ({
    name: 'sim',
    display_name: 'Sim',
    logo_url: 'http://lk.test/images/template-logos/sim.svg',
    custom: true,
    ...extra,
  }) as ProviderOutput;

const createBody = (authMode: string, p: ProviderOutput, values: Record<string, string>) => ({
  unique_key: 'sim',
  provider: 'sim',
  ...settingsInput(authMode, p, values),
});

// A fictional AWS SigV4 entry's integration settings, shaped like Nango's.
const AWS = provider({
  auth_mode: 'AWS_SIGV4',
  integration_config: {
    service: { type: 'string', title: 'AWS Service', description: 'd', pattern: '^[a-z0-9-]+$', order: 1 },
    defaultRegion: { type: 'string', title: 'Default region', description: 'd', optional: true, order: 2 },
    stsMode: {
      type: 'string',
      title: 'STS mode',
      description: 'd',
      enum: ['builtin', 'custom'],
      default_value: 'builtin',
      optional: true,
      order: 3,
    },
    awsAccessKeyId: {
      type: 'string',
      title: 'Access key ID',
      description: 'd',
      secret: true,
      visible_when: { field: 'stsMode', equals: 'builtin' },
      order: 4,
    },
    stsEndpointUrl: {
      type: 'string',
      title: 'STS endpoint',
      description: 'd',
      visible_when: { field: 'stsMode', equals: 'custom' },
      order: 5,
    },
    automatedOne: { type: 'string', title: '', description: '', automated: true },
  },
});

describe('what an integration holds, per auth mode', () => {
  it('OAuth: client id, secret and scopes, as the server takes them', () => {
    const body = createBody('OAUTH2', provider({ auth_mode: 'OAUTH2' }), {
      client_id: ' id ',
      client_secret: ' secret ',
      scopes: 'read, write',
    });
    expect(body).toMatchObject({
      credentials: { type: 'OAUTH2', client_id: 'id', client_secret: ' secret ', scopes: 'read,write' },
    });
    expect(createIntegrationInputSchema.safeParse(body).success).toBe(true);
    expect(settingsProblems('OAUTH2', provider(), {})).toMatchObject({
      client_id: 'Required: the client ID of your OAuth app.',
      client_secret: 'Required: the client secret of your OAuth app.',
      scopes: null,
    });
  });

  it('TBA: the consumer key and secret as a TBA client', () => {
    const body = createBody('TBA', provider(), { client_id: 'consumer', client_secret: 'shh' });
    expect(body.credentials).toEqual({ type: 'TBA', client_id: 'consumer', client_secret: 'shh' });
    expect(createIntegrationInputSchema.safeParse(body).success).toBe(true);
    expect(settingsProblems('TBA', provider(), {}).client_id).toMatch(/consumer key/);
  });

  it('CUSTOM: the OAuth client and the GitHub App together', () => {
    const values = {
      client_id: 'Iv1.abc',
      client_secret: 'secret',
      app_id: '123',
      app_link: 'https://github.com/apps/sim',
      private_key: '-----BEGIN RSA PRIVATE KEY-----\nMII…\n-----END RSA PRIVATE KEY-----\n',
    };
    const body = createBody('CUSTOM', provider(), values);
    expect(body.credentials).toEqual({ type: 'CUSTOM', ...values });
    expect(createIntegrationInputSchema.safeParse(body).success).toBe(true);
    expect(
      settingsProblems('CUSTOM', provider(), { ...values, app_link: 'github.com/apps/sim' }).app_link,
    ).toBe('An http(s) URL.');
  });

  it('APP: id, link and private key', () => {
    const body = createBody('APP', provider(), {
      app_id: '1',
      app_link: 'https://x.test/a',
      private_key: 'k',
    });
    expect(body.credentials).toEqual({
      type: 'APP',
      app_id: '1',
      app_link: 'https://x.test/a',
      private_key: 'k',
    });
    expect(createIntegrationInputSchema.safeParse(body).success).toBe(true);
  });

  it('INSTALL_PLUGIN: install link and credentials in the sealed custom map', () => {
    const body = createBody('INSTALL_PLUGIN', provider({ auth_mode: 'INSTALL_PLUGIN', auth_type: 'BASIC' }), {
      app_link: 'https://marketplace.example.com/plugins/sim/install',
      username: 'plugin-id',
      password: 'plugin-key',
    });
    expect(body).toEqual({
      unique_key: 'sim',
      provider: 'sim',
      custom: {
        app_link: 'https://marketplace.example.com/plugins/sim/install',
        username: 'plugin-id',
        password: 'plugin-key',
      },
    });
    expect(createIntegrationInputSchema.safeParse(body).success).toBe(true);
  });

  it('AWS SigV4: the declared settings, secrets sealed in custom, defaults and visible_when honoured', () => {
    expect(integrationConfigFieldsOf(AWS).map(([name]) => name)).toEqual([
      'service',
      'defaultRegion',
      'stsMode',
      'awsAccessKeyId',
      'stsEndpointUrl',
    ]);
    const [, keyField] = integrationConfigFieldsOf(AWS)[3]!;
    const [, endpointField] = integrationConfigFieldsOf(AWS)[4]!;
    // stsMode left alone counts as its default, builtin.
    expect(configFieldVisible(AWS, {}, keyField)).toBe(true);
    expect(configFieldVisible(AWS, {}, endpointField)).toBe(false);

    const builtin = { [configKey('service')]: ' s3 ', [configKey('awsAccessKeyId')]: 'AKIA…' };
    const body = createBody('AWS_SIGV4', AWS, builtin);
    expect(body).toEqual({
      unique_key: 'sim',
      provider: 'sim',
      integration_config: { service: 's3', stsMode: 'builtin' },
      custom: { awsAccessKeyId: 'AKIA…' },
    });
    expect(createIntegrationInputSchema.safeParse(body).success).toBe(true);

    const custom = { [configKey('service')]: 's3', [configKey('stsMode')]: 'custom' };
    expect(settingsProblems('AWS_SIGV4', AWS, custom)).toMatchObject({
      [configKey('stsEndpointUrl')]: 'Required.',
      [configKey('awsAccessKeyId')]: null,
    });
    expect(settingsProblems('AWS_SIGV4', AWS, { [configKey('service')]: 'S3!' })[configKey('service')]).toBe(
      'Not in the expected format.',
    );
    expect(
      createBody('AWS_SIGV4', AWS, { ...custom, [configKey('stsEndpointUrl')]: 'https://sts.example.com' }),
    ).toMatchObject({
      integration_config: { service: 's3', stsMode: 'custom', stsEndpointUrl: 'https://sts.example.com' },
    });
  });

  it('a PATCH carries only what was typed, and the server takes it', () => {
    const patch = settingsInput('CUSTOM', provider(), { client_secret: 'rotated' });
    expect(patch).toEqual({ credentials: { type: 'CUSTOM', client_secret: 'rotated' } });
    expect(updateIntegrationInputSchema.safeParse(patch).success).toBe(true);
    expect(settingsProblems('CUSTOM', provider(), {}, { partial: true })).toMatchObject({
      client_id: null,
      private_key: null,
    });
  });

  it('describes what to do on the new-integration page', () => {
    expect(settingsSummary('OAUTH2', provider())).toMatch(/callback URL/);
    expect(settingsSummary('AWS_SIGV4', AWS)).toMatch(/settings the provider asks/);
    expect(settingsSummary('API_KEY', provider())).toMatch(/only needs an ID/);
    expect([needsSettings('OAUTH2', provider()), needsSettings('AWS_SIGV4', AWS)]).toEqual([true, true]);
    expect(needsSettings('API_KEY', provider())).toBe(false);
  });

  it("shows the form's own problem first, else the server's for the field where the body carried it", () => {
    const server = {
      'credentials.client_id': 'Unknown client.',
      'credentials.client_secret': 'Too short.',
      'patch.custom.username': 'Taken.',
      'integration_config.service': 'Unknown service.',
      'custom.awsAccessKeyId': 'Malformed.',
    };
    expect(
      settingErrors('OAUTH2', provider(), { client_id: 'Required.', client_secret: null }, server),
    ).toEqual({
      client_id: 'Required.',
      client_secret: 'Too short.',
      scopes: undefined,
    });
    expect(settingErrors('INSTALL_PLUGIN', provider(), {}, server, 'patch.')).toMatchObject({
      username: 'Taken.',
      password: undefined,
    });
    expect(settingErrors('AWS_SIGV4', AWS, {}, server)).toMatchObject({
      [configKey('service')]: 'Unknown service.',
      [configKey('awsAccessKeyId')]: 'Malformed.',
      [configKey('defaultRegion')]: undefined,
    });
  });
});

describe('what the test-connection dialog asks', () => {
  it("asks the widget's fields for every one-request mode, hidden ones sent with their value", () => {
    expect(credentialFieldsOf(provider(), 'BILL').map(([name, field]) => [name, field.title])).toEqual([
      ['username', 'User name'],
      ['password', 'Password'],
      ['organization_id', 'Organization ID'],
      ['dev_key', 'Developer key'],
    ]);
    const twoStep = provider({
      credentials: {
        clientId: { type: 'string', title: '', description: 'd' },
        grant: { type: 'string', title: '', description: '', hidden: true, default_value: 'public' },
        assertion: { type: 'string', title: '', description: '', automated: true },
      },
    });
    expect(credentialFieldsOf(twoStep, 'TWO_STEP').map(([name, field]) => [name, field.title])).toEqual([
      ['clientId', 'clientId'],
    ]);
    expect(credentialsToSend(twoStep, 'TWO_STEP', { clientId: 'c' })).toEqual({
      grant: 'public',
      clientId: 'c',
    });
    expect(credentialFieldsOf(provider(), 'OAUTH2')).toEqual([]);
  });

  it('runs one request from the dialog except where a window is needed', () => {
    expect(
      ['API_KEY', 'BASIC', 'OAUTH2_CC', 'TWO_STEP', 'JWT', 'SIGNATURE', 'BILL', 'TBA', 'NONE'].every((mode) =>
        connectsInDialog(mode),
      ),
    ).toBe(true);
    // OAuth and the GitHub App in a popup; AWS on the hosted page, which shows the ExternalId first.
    expect(
      ['OAUTH2', 'APP', 'INSTALL_PLUGIN', 'AWS_SIGV4', 'MCP_OAUTH2'].some((mode) => connectsInDialog(mode)),
    ).toBe(false);
    // A TWO_STEP entry that signs an assertion: the hosted page asks its inputs.
    expect(
      connectsInDialog('TWO_STEP', declaresAssertion(provider({ assertion_option: { privateKey: {} } }))),
    ).toBe(false);
    expect(declaresAssertion(provider())).toBe(false);
  });
});
