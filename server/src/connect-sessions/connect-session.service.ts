/**
 * Connect sessions: an app's backend asks for a short-lived token; its frontend starts flows with it. The token is
 * random (256 bits), shown once, stored as a SHA-256 hash, and valid for any number of flows until it expires (as
 * Nango's). A reconnect session pins one existing connection: flows started with it override that connection. A
 * session created with `end_user.binding: "browser"` works only from the browser that first used it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  AuthenticationError,
  CONNECT_SESSION_TOKEN_PATTERN,
  type CreateConnectSessionInput,
  type CreateReconnectSessionInput,
  ValidationError,
} from '@latchkey/schema';
import { type AuthContext, requireScope } from '../auth/auth-context';
import { findConnectionRowByKey } from '../connections/connection.repository';
import type { EndUser } from '../connections/connection.table';
import { findIntegrationRow } from '../integrations/integration.repository';
import { hashSecret } from '../platform/crypto/secret-hash';
import type { Db } from '../platform/database/database';
import { enforceBrowserBinding, type SessionBrowser } from './browser-binding';
import {
  deleteConnectSessionRow,
  deleteExpiredConnectSessions,
  findLiveConnectSession,
  insertConnectSession,
} from './connect-session.repository';
import type { IntegrationConfigDefaults } from './connect-session.table';

export const CONNECT_SESSION_TOKEN_PREFIX = 'nango_connect_session_';

export interface ConnectSession {
  id: string;
  environment: { id: string; name: string };
  endUser: EndUser | null;
  organization: { id: string; display_name?: string | null } | null;
  tags: Record<string, string>;
  allowedIntegrations: string[] | null;
  integrationsConfigDefaults: Record<string, IntegrationConfigDefaults>;
  /** The pinned connection's row id, for reconnect sessions. */
  reconnectConnectionRowId: string | null;
  webhookUrlOverride: string | null;
  /** `browser`: usable only from the browser that first used it (browser-binding.ts). */
  binding: 'browser' | null;
  expiresAt: Date;
}

export interface CreatedConnectSession {
  token: string;
  connect_link: string;
  expires_at: string;
}

export interface ConnectSessionService {
  create(auth: AuthContext, input: CreateConnectSessionInput): Promise<CreatedConnectSession>;
  createReconnect(auth: AuthContext, input: CreateReconnectSessionInput): Promise<CreatedConnectSession>;
  /**
   * Resolves a bearer or query token; 401 with Nango's codes when malformed or unknown/expired. A browser-bound
   * session is bound to `browser` on first use, and refused (403) to any other browser, before anything is written.
   */
  authenticate(token: string, browser: SessionBrowser): Promise<ConnectSession>;
  /**
   * The environment of a live session token, for deciding CORS only: it authenticates nobody (no browser binding is
   * checked), so a refusal still reaches the page that made the request.
   */
  environmentIdOf(token: string): Promise<string | undefined>;
  delete(session: ConnectSession): Promise<void>;
}

export function createConnectSessionService(deps: {
  db: Db;
  publicUrl: string;
  ttlSeconds: number;
}): ConnectSessionService {
  const { db } = deps;
  const secureCookie = new URL(deps.publicUrl).protocol === 'https:';

  async function checkIntegrationsExist(
    environmentId: string,
    keys: string[],
    path: string[],
  ): Promise<void> {
    const errors = [];
    for (const [index, key] of keys.entries()) {
      if ((await findIntegrationRow(db, environmentId, key)) === undefined) {
        errors.push({
          code: 'unknown_integration',
          message: `Integration ${key} does not exist`,
          path: [...path, String(index)],
        });
      }
    }
    if (errors.length > 0) throw new ValidationError('invalid_body', errors[0]!.message, { errors });
  }

  async function insert(
    environmentId: string,
    values: {
      endUser: EndUser | null;
      organization: ConnectSession['organization'];
      tags: Record<string, string>;
      allowed: string[] | null;
      defaults: Record<string, IntegrationConfigDefaults>;
      reconnectConnectionRowId: string | null;
      webhookUrlOverride: string | null;
      binding: 'browser' | null;
    },
  ): Promise<CreatedConnectSession> {
    const token = `${CONNECT_SESSION_TOKEN_PREFIX}${randomBytes(32).toString('hex')}`;
    const expiresAt = new Date(Date.now() + deps.ttlSeconds * 1000);
    await insertConnectSession(db, {
      id: randomUUID(),
      environment_id: environmentId,
      token_hash: hashSecret(token),
      end_user: values.endUser === null ? null : JSON.stringify(values.endUser),
      organization: values.organization === null ? null : JSON.stringify(values.organization),
      tags: JSON.stringify(values.tags),
      allowed_integrations: values.allowed === null ? null : JSON.stringify(values.allowed),
      integrations_config_defaults: JSON.stringify(values.defaults),
      reconnect_connection_id: values.reconnectConnectionRowId,
      webhook_url_override: values.webhookUrlOverride,
      binding: values.binding,
      expires_at: expiresAt,
    });
    // Housekeeping on the write path keeps the table small without a scheduler.
    void deleteExpiredConnectSessions(db, new Date(Date.now() - 86_400_000)).catch(() => {});
    return {
      token,
      connect_link: `${deps.publicUrl}/connect?session_token=${token}`,
      expires_at: expiresAt.toISOString(),
    };
  }

  return {
    async create(auth, input) {
      requireScope(auth, 'environment:connect_sessions:write');
      const defaults = input.integrations_config_defaults ?? {};
      await checkIntegrationsExist(auth.environment.id, input.allowed_integrations ?? [], [
        'allowed_integrations',
      ]);
      await checkIntegrationsExist(auth.environment.id, Object.keys(defaults), [
        'integrations_config_defaults',
      ]);
      return insert(auth.environment.id, {
        endUser: endUserOf(input.end_user, input.organization),
        organization: input.organization ?? null,
        tags: sessionTags(input),
        allowed: input.allowed_integrations ?? null,
        defaults,
        reconnectConnectionRowId: null,
        webhookUrlOverride: input.webhook_url_override || null,
        binding: input.end_user?.binding ?? null,
      });
    },

    async createReconnect(auth, input) {
      requireScope(auth, 'environment:connect_sessions:write');
      const integration = await findIntegrationRow(db, auth.environment.id, input.integration_id);
      const connection =
        integration === undefined
          ? undefined
          : await findConnectionRowByKey(db, integration.id, input.connection_id);
      if (connection === undefined) {
        throw new ValidationError('invalid_body', 'ConnectionID or IntegrationId does not exists', {
          errors: [
            {
              code: 'unknown_connection',
              message: 'No such connection for this integration',
              path: ['connection_id'],
            },
          ],
        });
      }
      const defaults = input.integrations_config_defaults ?? {};
      await checkIntegrationsExist(auth.environment.id, Object.keys(defaults), [
        'integrations_config_defaults',
      ]);
      return insert(auth.environment.id, {
        endUser: endUserOf(input.end_user, input.organization) ?? connection.end_user,
        organization: input.organization ?? null,
        tags: sessionTags(input),
        allowed: [input.integration_id],
        defaults,
        reconnectConnectionRowId: connection.id,
        webhookUrlOverride: input.webhook_url_override || null,
        binding: input.end_user?.binding ?? null,
      });
    },

    async authenticate(token, browser) {
      if (!CONNECT_SESSION_TOKEN_PATTERN.test(token))
        throw new AuthenticationError('invalid_connect_session_token_format');
      const row = await findLiveConnectSession(db, hashSecret(token));
      if (row === undefined) throw new AuthenticationError('unknown_connect_session_token');
      await enforceBrowserBinding(db, row, browser, { secureCookie });
      return {
        id: row.id,
        environment: { id: row.environment_id, name: row.environment_name },
        endUser: row.end_user,
        organization: row.organization,
        tags: row.tags,
        allowedIntegrations: row.allowed_integrations,
        integrationsConfigDefaults: row.integrations_config_defaults,
        reconnectConnectionRowId: row.reconnect_connection_id,
        webhookUrlOverride: row.webhook_url_override,
        binding: row.binding,
        expiresAt: row.expires_at,
      };
    },

    async environmentIdOf(token) {
      if (!CONNECT_SESSION_TOKEN_PATTERN.test(token)) return undefined;
      return (await findLiveConnectSession(db, hashSecret(token)))?.environment_id;
    },

    async delete(session) {
      await deleteConnectSessionRow(db, session.id);
    },
  };
}

export function endUserOf(
  endUser: CreateConnectSessionInput['end_user'],
  organization: CreateConnectSessionInput['organization'],
): EndUser | null {
  if (endUser === undefined) return null;
  return {
    id: endUser.id,
    email: endUser.email ?? null,
    display_name: endUser.display_name ?? null,
    tags: endUser.tags ?? null,
    organization:
      organization === undefined
        ? null
        : { id: organization.id, display_name: organization.display_name ?? null },
  };
}

/** Body tags plus Nango's automatic ones from the end user and organization (body tags win). */
export function sessionTags(
  input: CreateConnectSessionInput | CreateReconnectSessionInput,
): Record<string, string> {
  const auto: Record<string, string> = {};
  if (input.end_user !== undefined) {
    auto.end_user_id = input.end_user.id;
    if (input.end_user.email !== undefined) auto.end_user_email = input.end_user.email;
    if (input.end_user.display_name) auto.end_user_display_name = input.end_user.display_name;
  }
  if (input.organization !== undefined) {
    auto.organization_id = input.organization.id;
    if (input.organization.display_name) auto.organization_display_name = input.organization.display_name;
  }
  return { ...auto, ...input.tags };
}
