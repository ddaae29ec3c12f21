/**
 * Operation logs: every auth flow (and later refresh and webhook delivery) records what happened, step by step, tied
 * to the connection or to the failed attempt. Metadata passes through deep redaction before it is stored.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '@latchkey/schema';
import { type AuthContext, canAccess, requireScope } from '../auth/auth-context';
import type { Db } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';
import { redactSecrets } from '../platform/logging/redact';
import { liveOperations } from './live-operations';
import {
  findOperationRow,
  finishOperation,
  insertOperation,
  insertOperationMessage,
  listMessageRows,
  listOperationRows,
  type OperationPageFilter,
  pageOperationRows,
} from './operation.repository';
import type { OperationMessageRow, OperationRow } from './operation.table';

export interface OperationLog {
  readonly id: string;
  info(message: string, meta?: Record<string, unknown>): Promise<void>;
  warn(message: string, meta?: Record<string, unknown>): Promise<void>;
  succeed(connectionId: string): Promise<void>;
  fail(errorCode: string, message: string): Promise<void>;
}

export interface OperationView {
  id: string;
  kind: string;
  action: string;
  integration: string | null;
  connection_id: string | null;
  status: string;
  error_code: string | null;
  started_at: string;
  ended_at: string | null;
  messages: Array<{
    level: string;
    message: string;
    meta: Record<string, unknown> | null;
    created_at: string;
  }>;
}

export interface LogService {
  start(
    environmentId: string,
    operation: { kind: string; action: string; integrationKey?: string; connectionId?: string },
  ): Promise<OperationLog>;
  /** Reopens an operation started by an earlier request (the OAuth callback continues the connect request's log). */
  resume(operationId: string): OperationLog;
  list(
    auth: AuthContext,
    filter: {
      connectionId?: string | undefined;
      integrationKey?: string | undefined;
      limit?: number | undefined;
    },
  ): Promise<OperationView[]>;
  /** The dashboard's log: filtered, newest first, by keyset cursor. Operations without their messages. */
  page(
    auth: AuthContext,
    filter: Omit<OperationPageFilter, 'before' | 'limit'> & { cursor?: string | undefined; limit: number },
  ): Promise<{ items: OperationSummary[]; nextCursor: string | null }>;
  /** One operation with its messages. */
  get(auth: AuthContext, id: string): Promise<OperationView>;
  /**
   * Operations started or ended in the environment from now on (or after `lastEventId`, a previous event's id), as
   * long as `signal` is not aborted.
   */
  live(
    auth: AuthContext,
    options: { lastEventId?: string | undefined; signal?: AbortSignal | undefined },
  ): Promise<AsyncIterable<{ id: string; operation: OperationSummary }>>;
}

export type OperationSummary = Omit<OperationView, 'messages'>;

/** Logs are readable with either scope: `connections:read` (what they always needed) or the newer `logs:read`. */
function requireLogsScope(auth: AuthContext): void {
  if (!canAccess(auth, 'environment:logs:read')) requireScope(auth, 'environment:connections:read');
}

export function summarizeOperation(o: OperationRow): OperationSummary {
  return {
    id: o.id,
    kind: o.kind,
    action: o.action,
    integration: o.integration_key,
    connection_id: o.connection_id,
    status: o.status,
    error_code: o.error_code,
    started_at: o.started_at.toISOString(),
    ended_at: o.ended_at?.toISOString() ?? null,
  };
}

const CURSOR = /^(\d{1,17})\.([0-9a-f-]{36})$/;

export function createLogService(deps: { db: Db; logger: Logger }): LogService {
  const { db, logger } = deps;

  function handle(id: string): OperationLog {
    const write = async (
      level: OperationMessageRow['level'],
      message: string,
      meta?: Record<string, unknown>,
    ) => {
      try {
        await insertOperationMessage(db, {
          operation_id: id,
          level,
          message,
          meta: meta === undefined ? null : JSON.stringify(redactSecrets(meta)),
        });
      } catch (error) {
        // A log write must never fail the flow it describes.
        logger.warn({ err: error, operationId: id }, 'operation log write failed');
      }
    };
    return {
      id,
      info: (message, meta) => write('info', message, meta),
      warn: (message, meta) => write('warn', message, meta),
      async succeed(connectionId) {
        await write('info', 'succeeded', { connection_id: connectionId });
        await finishOperation(db, id, { status: 'success', connection_id: connectionId }).catch(() => {});
      },
      async fail(errorCode, message) {
        await write('error', message, { code: errorCode });
        await finishOperation(db, id, { status: 'failed', error_code: errorCode }).catch(() => {});
      },
    };
  }

  return {
    async start(environmentId, operation) {
      const id = randomUUID();
      await insertOperation(db, {
        id,
        environment_id: environmentId,
        kind: operation.kind,
        action: operation.action,
        integration_key: operation.integrationKey ?? null,
        connection_id: operation.connectionId ?? null,
        status: 'running',
      });
      return handle(id);
    },

    resume: handle,

    async list(auth, filter) {
      requireLogsScope(auth);
      const operations = await listOperationRows(db, auth.environment.id, {
        connectionId: filter.connectionId,
        integrationKey: filter.integrationKey,
        limit: filter.limit ?? 100,
      });
      const messages = await listMessageRows(
        db,
        operations.map((o) => o.id),
      );
      return operations.map((o) => ({
        ...summarizeOperation(o),
        messages: messages
          .filter((m) => m.operation_id === o.id)
          .map((m) => ({
            level: m.level,
            message: m.message,
            meta: m.meta,
            created_at: m.created_at.toISOString(),
          })),
      }));
    },

    async page(auth, filter) {
      requireLogsScope(auth);
      const { cursor, ...rest } = filter;
      let before: OperationPageFilter['before'];
      if (cursor !== undefined) {
        const match = CURSOR.exec(cursor);
        if (match === null) {
          throw new ValidationError('invalid_body', 'cursor is not a cursor of this list.', {
            errors: [{ code: 'invalid_cursor', message: 'not a cursor of this list', path: ['cursor'] }],
          });
        }
        before = { startedAtMicros: match[1]!, id: match[2]! };
      }
      // One more than asked tells whether another page follows.
      const rows = await pageOperationRows(db, auth.environment.id, {
        ...rest,
        before,
        limit: rest.limit + 1,
      });
      const items = rows.slice(0, rest.limit);
      const last = items.at(-1);
      return {
        items: items.map(summarizeOperation),
        nextCursor: rows.length > rest.limit && last !== undefined ? `${last.started_us}.${last.id}` : null,
      };
    },

    async get(auth, id) {
      requireLogsScope(auth);
      const row = /^[0-9a-f-]{36}$/i.test(id)
        ? await findOperationRow(db, auth.environment.id, id)
        : undefined;
      if (row === undefined) throw new NotFoundError('not_found', `Unknown operation ${id}.`);
      const messages = await listMessageRows(db, [row.id]);
      return {
        ...summarizeOperation(row),
        messages: messages.map((m) => ({
          level: m.level,
          message: m.message,
          meta: m.meta,
          created_at: m.created_at.toISOString(),
        })),
      };
    },

    async live(auth, options) {
      requireLogsScope(auth);
      const events = await liveOperations(db, auth.environment.id, options);
      return (async function* () {
        for await (const event of events)
          yield { id: event.id, operation: summarizeOperation(event.operation) };
      })();
    },
  };
}
