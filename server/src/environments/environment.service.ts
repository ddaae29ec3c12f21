/**
 * Environments isolate integrations, connections and keys (`dev`, `prod`, and any the operator adds). Each is
 * created with a full-scope secret key, shown once to whoever created it.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '@latchkey/schema';
import type { ApiKeyService } from '../api-keys/api-key.service';
import { randomToken } from '../platform/crypto/secret-hash';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import {
  findEnvironmentByName,
  insertEnvironmentIfAbsent,
  listEnvironmentRows,
} from './environment.repository';
import type { EnvironmentRow } from './environment.table';

export const DEFAULT_ENVIRONMENTS = ['dev', 'prod'] as const;
export const ENVIRONMENT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** The dashboard's instance-wide pages sit where an environment's would (`/dashboard/<name>`): not environment names. */
export const RESERVED_ENVIRONMENT_NAMES: ReadonlySet<string> = new Set([
  'team',
  'audit',
  'account',
  'sign-in',
  'invite',
  'assets',
]);

export interface Environment {
  id: string;
  name: string;
  createdAt: Date;
}

export interface CreatedEnvironment {
  environment: Environment;
  /** The full-scope secret key, in clear: only this return value ever holds it. */
  secretKey: string;
}

export interface EnvironmentService {
  /** Creates the default environments that are missing; returns those this call created, with their keys. */
  ensureDefaults(options: { bootstrapSecretKey?: string | undefined }): Promise<CreatedEnvironment[]>;
  create(name: string): Promise<CreatedEnvironment>;
  list(): Promise<Environment[]>;
  getByName(name: string): Promise<Environment>;
}

export function createEnvironmentService(deps: {
  db: Db;
  vault: Vault;
  apiKeys: ApiKeyService;
}): EnvironmentService {
  const { db, vault, apiKeys } = deps;

  async function insert(name: string, secretKey?: string): Promise<CreatedEnvironment | undefined> {
    return db.transaction().execute(async (trx) => {
      const id = randomUUID();
      const row = await insertEnvironmentIfAbsent(trx, {
        id,
        name,
        callback_url: null,
        webhook_url: null,
        webhook_secondary_url: null,
        webhook_signing_key_sealed: vault.seal(randomUUID(), `environments.webhook_signing_key:${id}`),
        hmac_key_sealed: vault.seal(randomToken(), `environments.hmac_key:${id}`),
      });
      if (row === undefined) return undefined;
      const key = await apiKeys.create(
        { environmentId: row.id, name: 'default', scopes: ['environment:*'], key: secretKey },
        trx,
      );
      return { environment: toEnvironment(row), secretKey: key.secretKey };
    });
  }

  return {
    async ensureDefaults({ bootstrapSecretKey }) {
      const created: CreatedEnvironment[] = [];
      for (const name of DEFAULT_ENVIRONMENTS) {
        const result = await insert(name, name === 'dev' ? bootstrapSecretKey : undefined);
        if (result !== undefined) created.push(result);
      }
      if (bootstrapSecretKey !== undefined) {
        // The bootstrap key may be set after the first boot: make sure it works for `dev` from now on.
        const dev = await findEnvironmentByName(db, 'dev');
        if (dev !== undefined) {
          await apiKeys.ensureKey({
            environmentId: dev.id,
            name: 'bootstrap',
            scopes: ['environment:*'],
            key: bootstrapSecretKey,
          });
        }
      }
      return created;
    },

    async create(name) {
      if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
        throw new ValidationError(
          'invalid_body',
          'An environment name is 1-64 lower-case letters, digits, - or _.',
        );
      }
      if (RESERVED_ENVIRONMENT_NAMES.has(name)) {
        throw new ValidationError(
          'invalid_body',
          `${name} is reserved for a dashboard page; choose another environment name.`,
        );
      }
      const result = await insert(name);
      if (result === undefined)
        throw new ConflictError('environment_already_exists', `Environment ${name} already exists.`);
      return result;
    },

    async list() {
      return (await listEnvironmentRows(db)).map(toEnvironment);
    },

    async getByName(name) {
      const row = await findEnvironmentByName(db, name);
      if (row === undefined) throw new NotFoundError('unknown_environment', `Unknown environment ${name}.`);
      return toEnvironment(row);
    },
  };
}

function toEnvironment(row: EnvironmentRow): Environment {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
