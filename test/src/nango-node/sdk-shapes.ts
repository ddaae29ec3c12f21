/**
 * The SDK's own published types as runtime checks. Each schema is declared through `conforms<SdkType>()`, which only
 * compiles (`tsc -p test`) when whatever the schema accepts is assignable to that `@nangohq/node` type: a schema
 * cannot demand less than the type's required fields, nor allow a value the type forbids. The suites parse every
 * response the SDK hands back with these, so a response that passes is, field for field, what the SDK's types promise.
 * Where the compat doc fixes a format the type leaves as `string` (timestamps), the schema also checks the format.
 */
import type {
  ApiProvider,
  ApiPublicConnectionFull,
  ApiPublicIntegration,
  GetPublicConnections,
  MetadataChangeResponse,
  Nango,
  NangoAuthWebhookBody,
  OAuth1Token,
} from '@nangohq/node';
import { z } from '../../../server/test/support/zod';

/** Only compiles when the schema's output is assignable to `T`. */
function conforms<T>() {
  return <S extends z.ZodType<T>>(schema: S): S => schema;
}

type Result<M extends keyof Nango> = Nango[M] extends (...args: never[]) => Promise<infer R> ? R : never;

/** `2026-08-21T10:00:00.000+00:00`: top-level connection timestamps (compat doc 2.3). */
const offsetTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
/** `…Z`: dates inside credentials, list items and integrations. */
const isoTimestamp = z.iso.datetime();
const stringRecord = z.record(z.string(), z.string());
const jsonObject = z.record(z.string(), z.unknown());

const endUser = z.object({
  id: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  tags: stringRecord.nullable(),
  organization: z.object({ id: z.string(), display_name: z.string().nullable() }).nullable(),
});
const errors = z.array(z.object({ type: z.string(), log_id: z.string() }));

type Credentials = ApiPublicConnectionFull['credentials'];
export const oauth2Credentials = conforms<Credentials>()(
  z.object({
    type: z.literal('OAUTH2'),
    access_token: z.string().min(1),
    refresh_token: z.string().min(1).optional(),
    expires_at: isoTimestamp.optional(),
    raw: jsonObject,
    config_override: z
      .object({ client_id: z.string().optional(), client_secret: z.string().optional() })
      .optional(),
  }),
);
export const oauth1Credentials = conforms<Credentials>()(
  z.object({
    type: z.literal('OAUTH1'),
    oauth_token: z.string().min(1),
    oauth_token_secret: z.string().min(1),
    raw: jsonObject,
  }),
);
export const clientCredentials = conforms<Credentials>()(
  z.object({
    type: z.literal('OAUTH2_CC'),
    token: z.string().min(1),
    expires_at: isoTimestamp.optional(),
    client_id: z.string(),
    client_secret: z.string(),
    client_certificate: z.string().optional(),
    client_private_key: z.string().optional(),
    raw: jsonObject,
  }),
);
export const apiKeyCredentials = conforms<Credentials>()(
  z.object({ type: z.literal('API_KEY'), apiKey: z.string() }),
);
export const basicCredentials = conforms<Credentials>()(
  z.object({ type: z.literal('BASIC'), username: z.string(), password: z.string() }),
);
const credentials = z.union([
  oauth2Credentials,
  oauth1Credentials,
  clientCredentials,
  apiKeyCredentials,
  basicCredentials,
]);

/** `getConnection`. */
export const connectionFull = conforms<Result<'getConnection'>>()(
  z.object({
    id: z.number().int(),
    connection_id: z.string(),
    provider_config_key: z.string(),
    provider: z.string(),
    errors,
    end_user: endUser.nullable(),
    tags: stringRecord,
    metadata: jsonObject.nullable(),
    connection_config: jsonObject,
    webhook_url_override: z.string().nullable(),
    created_at: offsetTimestamp,
    updated_at: offsetTimestamp,
    last_fetched_at: offsetTimestamp.nullable(),
    credentials,
  }),
);

/** `listConnections`, both forms, and the item `waitForConnection` resolves with. */
export const connectionListItem = conforms<GetPublicConnections['Success']['connections'][number]>()(
  z.object({
    id: z.number().int(),
    connection_id: z.string(),
    provider_config_key: z.string(),
    provider: z.string(),
    errors,
    end_user: endUser.nullable(),
    tags: stringRecord,
    metadata: jsonObject.nullable(),
    created: isoTimestamp,
  }),
);
export const connectionList = conforms<Result<'listConnections'>>()(
  z.object({ connections: z.array(connectionListItem) }),
);
conforms<Result<'waitForConnection'>>()(connectionListItem);

/** What `getToken` returns: the access token for OAuth 2, a pair for OAuth 1, the credentials otherwise. */
export const oauth1Token = conforms<OAuth1Token>()(
  z.object({ oAuthToken: z.string().min(1), oAuthTokenSecret: z.string().min(1) }).strict(),
);
export const token = conforms<Result<'getToken'>>()(z.union([z.string().min(1), oauth1Token, credentials]));

export const patchConnectionResult = conforms<Result<'patchConnection'>>()(
  z.object({ success: z.boolean() }),
);

/** The body of `setMetadata` / `updateMetadata` answers (the SDK hands back the Axios response). */
export const metadataChange = conforms<MetadataChangeResponse>()(
  z.object({
    metadata: jsonObject,
    provider_config_key: z.string(),
    connection_id: z.union([z.string(), z.array(z.string())]),
  }),
);

const integrationCredentials = z.union([
  z.object({
    type: z.enum(['OAUTH2', 'OAUTH1', 'TBA']),
    client_id: z.string().nullable(),
    client_secret: z.string().nullable(),
    scopes: z.string().nullable(),
    webhook_secret: z.string().nullable(),
  }),
  z.object({
    type: z.literal('APP'),
    app_id: z.string().nullable(),
    private_key: z.string().nullable(),
    app_link: z.string().nullable(),
  }),
  z.object({
    type: z.literal('CUSTOM'),
    client_id: z.string().nullable(),
    client_secret: z.string().nullable(),
    app_id: z.string().nullable(),
    app_link: z.string().nullable(),
    private_key: z.string().nullable(),
  }),
]);
export const integration = conforms<ApiPublicIntegration>()(
  z.object({
    unique_key: z.string(),
    provider: z.string(),
    display_name: z.string(),
    logo: z.string(),
    forward_webhooks: z.boolean(),
    created_at: isoTimestamp,
    updated_at: isoTimestamp,
    webhook_url: z.string().nullable().optional(),
    credentials: integrationCredentials.nullable().optional(),
  }),
);
export const integrationList = conforms<Result<'listIntegrations'>>()(
  z.object({ configs: z.array(integration) }),
);
export const integrationResult = conforms<Result<'getIntegration'>>()(z.object({ data: integration }));
conforms<Result<'createIntegration'>>()(integrationResult);
conforms<Result<'updateIntegration'>>()(integrationResult);

const authMode = z.enum([
  'OAUTH1',
  'OAUTH2',
  'OAUTH2_CC',
  'BASIC',
  'API_KEY',
  'CUSTOM',
  'APP',
  'NONE',
  'TBA',
  'JWT',
  'BILL',
  'TWO_STEP',
  'SIGNATURE',
  'MCP_OAUTH2',
  'MCP_OAUTH2_GENERIC',
  'INSTALL_PLUGIN',
  'AWS_SIGV4',
]);
export const provider = conforms<ApiProvider>()(
  z.object({
    name: z.string(),
    display_name: z.string(),
    auth_mode: authMode,
    docs: z.string(),
    logo_url: z.url(),
  }),
);
export const providerList = conforms<Result<'listProviders'>>()(z.object({ data: z.array(provider) }));
export const providerResult = conforms<Result<'getProvider'>>()(z.object({ data: provider }));

const session = z.object({
  token: z.string().regex(/^nango_connect_session_[a-f0-9]{64}$/),
  connect_link: z.url(),
  expires_at: isoTimestamp,
});
export const connectSession = conforms<Result<'createConnectSession'>>()(z.object({ data: session }));
export const reconnectSession = conforms<Result<'createReconnectSession'>>()(z.object({ data: session }));

const webhookEndUser = z.object({
  endUserId: z.string(),
  endUserEmail: z.string().nullable().optional(),
  organizationId: z.string().optional(),
  tags: stringRecord,
});
/** The auth webhook as `@nangohq/node` types it (compat doc 6.1). */
export const authWebhook = conforms<NangoAuthWebhookBody>()(
  z.union([
    z.object({
      from: z.literal('nango'),
      type: z.literal('auth'),
      connectionId: z.string(),
      providerConfigKey: z.string(),
      authMode,
      provider: z.string(),
      environment: z.string(),
      operation: z.enum(['creation', 'override', 'refresh']),
      success: z.literal(true),
      tags: stringRecord.optional(),
      endUser: webhookEndUser.optional(),
    }),
    z.object({
      from: z.literal('nango'),
      type: z.literal('auth'),
      connectionId: z.string(),
      providerConfigKey: z.string(),
      authMode,
      provider: z.string(),
      environment: z.string(),
      operation: z.enum(['creation', 'override', 'refresh']),
      success: z.literal(false),
      error: z.object({ type: z.string(), description: z.string() }),
      tags: stringRecord.optional(),
      endUser: webhookEndUser.optional(),
    }),
  ]),
);

/** What Latchkey answers for the sync/functions methods. */
export const notSupportedBody = z.object({
  error: z.object({
    code: z.literal('not_supported'),
    message: z.string().regex(/^Latchkey implements Nango's auth product; .+ not available\./),
  }),
});

// The guard is not vacuous: a schema that drops a field the SDK type requires, or widens one, does not compile.
// @ts-expect-error `credentials` is required by the SDK's connection type
conforms<Result<'getConnection'>>()(connectionFull.omit({ credentials: true }));
// @ts-expect-error `id` is a number in the SDK's connection type
conforms<Result<'getConnection'>>()(connectionFull.extend({ id: z.string() }));
