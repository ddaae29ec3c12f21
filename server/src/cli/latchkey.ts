/**
 * `pnpm latchkey <command>`: operator commands that work on the configured database (the same variables as the
 * server). Keys are printed to stdout once; everything else goes through plain text lines.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCatalog, providersFileFormat } from '@latchkey/providers';
import {
  LatchkeyError,
  operatorEmailSchema,
  operatorRoleSchema,
  type ProvidersImportReport,
  passwordSchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { openConfiguredDatabase } from '../latchkey';
import { ConfigError, loadConfig } from '../platform/config/config';
import { countSealedValuesByKey, rotateSealedValues } from '../platform/crypto/key-rotation';
import { createVault } from '../platform/crypto/vault';
import { EmbeddedLockError } from '../platform/database/embedded-lock';
import { migrateToLatest } from '../platform/database/migrator';
import { createLogger } from '../platform/logging/logger';
import { readProvidersFile } from '../providers/providers-file-input';
import { createServices } from '../services';

const USAGE = `Usage: pnpm latchkey <command>

  keys generate                     print a new random encryption key (base64, 32 bytes)
  keys status                       count stored secrets per encryption key id
  keys rotate [--batch-size N]      re-encrypt every stored secret under the first LATCHKEY_ENCRYPTION_KEY
  environments list                 list environments
  environments create <name>        create an environment and print its secret key
  api-keys list <environment>       list an environment's secret keys (hints only)
  api-keys create <environment> [--name NAME] [--scope SCOPE ...]
                                    create a secret key (default scope environment:*) and print it
  api-keys revoke <id>              revoke a secret key
  operators list                    list dashboard operators
  operators create --email E [--role admin|developer|support] [--password P] [--name NAME]
                                    create an operator (default role admin); without --password, it is
                                    read from stdin (prompted on a terminal)
  operators reset-password --email E
                                    print a new random password once and end the operator's sessions
  providers import <file> [--environment NAME] [--override]
                                    import a providers file (Nango's providers.yaml format, YAML or JSON) as
                                    custom providers of an environment (default dev); shipped providers are
                                    skipped unless --override; prints each entry's outcome
`;

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'batch-size': { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      email: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      environment: { type: 'string' },
      override: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command, arg] = positionals;
  if (values.help === true || group === undefined) {
    process.stdout.write(USAGE);
    return;
  }
  if (group === 'keys' && command === 'generate') {
    process.stdout.write(`${randomBytes(32).toString('base64')}\n`);
    return;
  }

  // Read before the database is opened: a file that cannot be read or parsed fails at once.
  const providersFile = group === 'providers' && command === 'import' ? readProvidersFileArg(arg) : undefined;

  const config = loadConfig();
  const { db, release } = openConfiguredDatabase(config);
  try {
    await migrateToLatest(db);
    const vault = createVault(config.keyring);
    const services = createServices({
      db,
      vault,
      catalog: loadCatalog(),
      publicUrl: config.publicUrl,
      allowPrivateUrls: config.allowPrivateUrls,
      logger: createLogger('silent'),
      connectSessionTtlSeconds: config.connectSessionTtlSeconds,
    });
    const key = `${group} ${command ?? ''}`.trim();
    switch (key) {
      case 'keys status': {
        const counts = await countSealedValuesByKey(db);
        process.stdout.write(
          `primary key id: ${vault.primaryKeyId}\nconfigured key ids: ${[...config.keyring.byId.keys()].join(', ')}\n`,
        );
        for (const [column, byKey] of Object.entries(counts)) {
          const parts = Object.entries(byKey).map(
            ([id, n]) => `${id}=${n}${config.keyring.byId.has(id) ? '' : ' (KEY NOT CONFIGURED)'}`,
          );
          process.stdout.write(`${column}: ${parts.join(', ') || 'none'}\n`);
        }
        break;
      }
      case 'keys rotate': {
        const batchSize = values['batch-size'] === undefined ? 500 : Number(values['batch-size']);
        if (!Number.isInteger(batchSize) || batchSize < 1)
          throw new Error('--batch-size must be a positive integer');
        const report = await rotateSealedValues(db, vault, {
          batchSize,
          onBatch: (column, count) => process.stdout.write(`${column}: ${count} checked\n`),
        });
        process.stdout.write(`re-encrypted ${report.rewrapped} secrets under key ${vault.primaryKeyId}\n`);
        break;
      }
      case 'environments list': {
        for (const env of await services.environments.list())
          process.stdout.write(`${env.name}\t${env.id}\n`);
        break;
      }
      case 'environments create': {
        if (arg === undefined) throw new Error('environments create needs a name');
        const created = await services.environments.create(arg);
        process.stdout.write(
          `created environment ${created.environment.name}\nsecret key (shown once): ${created.secretKey}\n`,
        );
        break;
      }
      case 'api-keys list': {
        const env = await services.environments.getByName(arg ?? 'dev');
        for (const k of await services.apiKeys.list(env.id)) {
          const state = k.revokedAt === null ? 'active' : `revoked ${k.revokedAt.toISOString()}`;
          process.stdout.write(`${k.id}\t${k.name}\t…${k.hint}\t${k.scopes.join(' ')}\t${state}\n`);
        }
        break;
      }
      case 'api-keys create': {
        if (arg === undefined) throw new Error('api-keys create needs an environment name');
        const env = await services.environments.getByName(arg);
        const created = await services.apiKeys.create({
          environmentId: env.id,
          name: values.name ?? 'cli',
          scopes: values.scope ?? ['environment:*'],
        });
        process.stdout.write(`${created.secretKey}\n`);
        break;
      }
      case 'api-keys revoke': {
        if (arg === undefined) throw new Error('api-keys revoke needs a key id');
        await services.apiKeys.revoke(arg);
        process.stdout.write(`revoked ${arg}\n`);
        break;
      }
      case 'operators list': {
        for (const op of await services.operators.list()) {
          const twoFactor = op.twoFactorEnabled ? '2fa' : 'no-2fa';
          process.stdout.write(`${op.id}\t${op.email}\t${op.role}\t${twoFactor}\t${op.displayName ?? ''}\n`);
        }
        break;
      }
      case 'operators create': {
        const { email, role } = z
          .object({ email: operatorEmailSchema, role: operatorRoleSchema })
          .parse({ email: values.email ?? '', role: values.role ?? 'admin' });
        const { password } = z
          .object({ password: passwordSchema })
          .parse({ password: values.password ?? (await readPassword()) });
        const created = await services.operators.create({ email, role, password, displayName: values.name });
        process.stdout.write(`created ${created.role} ${created.email} (${created.id})\n`);
        break;
      }
      case 'operators reset-password': {
        const { email } = z.object({ email: operatorEmailSchema }).parse({ email: values.email ?? '' });
        const password = await services.operators.resetPassword(email);
        process.stdout.write(
          `new password for ${email} (shown once; every session was ended):\n${password}\n`,
        );
        break;
      }
      case 'providers import': {
        const entries = providersFile!;
        const env = await services.environments.getByName(values.environment ?? 'dev');
        const report = await services.providers.importFile(
          { environment: { id: env.id, name: env.name }, scopes: ['environment:*'] },
          entries,
          { override: values.override === true },
        );
        process.stdout.write(formatImportReport(report));
        break;
      }
      default:
        process.stderr.write(`Unknown command: ${key}\n\n${USAGE}`);
        process.exitCode = 64;
    }
  } finally {
    await db.destroy();
    release();
  }
}

function readProvidersFileArg(file: string | undefined): Record<string, unknown> {
  if (file === undefined) throw new Error('providers import needs a file');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
  return readProvidersFile(text, providersFileFormat(file));
}

/** One line per entry (name, outcome, reason), then the counts. */
function formatImportReport(report: ProvidersImportReport): string {
  const rows: Array<[string, string, string]> = [
    ['NAME', 'OUTCOME', 'REASON'],
    ...report.imported.map((name): [string, string, string] => [name, 'imported', '']),
    ...report.updated.map((name): [string, string, string] => [name, 'updated', '']),
    ...report.skipped.map((name): [string, string, string] => [
      name,
      'skipped',
      'shipped provider (--override)',
    ]),
    ...report.refused.map(({ name, reason }): [string, string, string] => [name, 'refused', reason]),
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = rows.map(([name, outcome, reason]) =>
    `${name.padEnd(width)}  ${outcome.padEnd(8)}  ${reason}`.trimEnd(),
  );
  const counts = `${report.imported.length} imported, ${report.updated.length} updated, ${report.skipped.length} skipped, ${report.refused.length} refused`;
  return `${lines.join('\n')}\n${counts}\n`;
}

/** A password from stdin: prompted without echo on a terminal, else the first line piped in. */
async function readPassword(): Promise<string> {
  const { stdin, stderr } = process;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  stderr.write('Password: ');
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let password = '';
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          stderr.write('\n');
          resolve(password);
          return;
        }
        if (char === '\u0003') process.exit(130);
        password = char === '\u007f' ? password.slice(0, -1) : password + char;
      }
    };
    stdin.on('data', onData);
  });
}

run(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof EmbeddedLockError ||
    error instanceof LatchkeyError ||
    error instanceof z.ZodError;
  const message =
    error instanceof z.ZodError
      ? error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('\n')
      : known || error instanceof Error
        ? (error as Error).message
        : String(error);
  process.stderr.write(`${message}\n`);
  process.exitCode = known ? 2 : 1;
});
