/**
 * Writing an auth event: the outbox row and one pending webhook delivery per target URL, inside the caller's
 * transaction, so the event exists exactly when the change it describes committed. Publishing to live subscribers
 * happens after the commit (see event-bus.ts).
 */
import { randomUUID } from 'node:crypto';
import type { EndUser } from '../connections/connection.table';
import type { Db } from '../platform/database/database';
import type { AuthEventPayload, AuthEventRow, AuthOperation } from './auth-event.table';

export interface AuthEventInput {
  environmentId: string;
  connectionId: string;
  providerConfigKey: string;
  provider: string;
  authMode: string;
  operation: AuthOperation;
  success: boolean;
  tags?: Record<string, string> | undefined;
  endUser?: EndUser | null | undefined;
  error?: { type: string; description: string } | undefined;
  /** The connection's own webhook URL, which replaces the environment's primary and drops its secondary. */
  webhookUrlOverride?: string | null | undefined;
}

export async function recordAuthEvent(trx: Db, input: AuthEventInput): Promise<AuthEventRow> {
  const environment = await trx
    .selectFrom('environments')
    .select([
      'name',
      'webhook_url',
      'webhook_secondary_url',
      'webhook_on_auth_creation',
      'webhook_on_auth_refresh_error',
    ])
    .where('id', '=', input.environmentId)
    .executeTakeFirstOrThrow();

  const payload: AuthEventPayload = {
    from: 'nango',
    type: 'auth',
    connectionId: input.connectionId,
    providerConfigKey: input.providerConfigKey,
    authMode: input.authMode,
    provider: input.provider,
    environment: environment.name,
    operation: input.operation,
    success: input.success,
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    ...(input.endUser == null
      ? {}
      : {
          endUser: {
            endUserId: input.endUser.id,
            ...(input.endUser.email ? { endUserEmail: input.endUser.email } : {}),
            ...(input.endUser.organization ? { organizationId: input.endUser.organization.id } : {}),
            tags: input.endUser.tags ?? {},
          },
        }),
    ...(input.error === undefined ? {} : { error: input.error }),
  };

  const urls = wanted(input, environment) ? targets(input.webhookUrlOverride, environment) : [];
  const row = await trx
    .insertInto('auth_events')
    .values({
      environment_id: input.environmentId,
      connection_id: input.connectionId,
      integration_key: input.providerConfigKey,
      operation: input.operation,
      success: input.success,
      payload: JSON.stringify(payload),
      webhook_urls: JSON.stringify(urls),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (urls.length > 0) {
    await trx
      .insertInto('webhook_deliveries')
      .values(
        urls.map((url) => ({
          id: randomUUID(),
          event_id: row.id,
          environment_id: input.environmentId,
          url,
          status: 'pending' as const,
        })),
      )
      .execute();
  }
  return row;
}

/** Nango's gates (compat doc 6.1): creation and refresh errors can be switched off; overrides always go out. */
function wanted(
  input: AuthEventInput,
  environment: { webhook_on_auth_creation: boolean; webhook_on_auth_refresh_error: boolean },
): boolean {
  switch (input.operation) {
    case 'creation':
      return environment.webhook_on_auth_creation;
    case 'refresh':
      return environment.webhook_on_auth_refresh_error;
    default:
      return true;
  }
}

function targets(
  override: string | null | undefined,
  environment: { webhook_url: string | null; webhook_secondary_url: string | null },
): string[] {
  if (override) return [override];
  return [environment.webhook_url, environment.webhook_secondary_url].filter((url): url is string => !!url);
}
