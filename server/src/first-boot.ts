import type { Latchkey } from './latchkey';

/**
 * The first boot prints where the data lives and the secret keys it created, once: keys are stored only as hashes,
 * so this is the only time they can be shown. Printed to stdout, not through the logger (which redacts them).
 */
export function printFirstBoot(latchkey: Latchkey, url: string): void {
  printSetupCode(latchkey);
  const created = latchkey.createdEnvironments;
  if (created.length === 0) return;
  const { config } = latchkey;
  const where =
    config.database.kind === 'pglite'
      ? `embedded database in ${config.database.dataDir} (all data under ${config.dataDir})`
      : 'PostgreSQL (DATABASE_URL)';
  const lines = [
    '',
    '  Latchkey is set up.',
    `  Data:      ${where}`,
    `  API:       ${url}`,
    ...created.map(
      ({ environment, secretKey }) =>
        `  ${`${environment.name} secret key:`.padEnd(20)} ${secretKey}${config.bootstrapSecretKey === secretKey ? '  (LATCHKEY_BOOTSTRAP_SECRET_KEY)' : ''}`,
    ),
    '  These keys are shown once. Use one as `Authorization: Bearer <key>`.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * While no operator exists, every start prints a new one-time link that creates the first one (the previous code
 * stops working): an instance reachable from the internet cannot be claimed by whoever finds it first.
 */
function printSetupCode(latchkey: Latchkey): void {
  if (latchkey.setupCode === null) return;
  process.stdout.write(
    `\n  Dashboard setup: ${latchkey.config.publicUrl}/setup?code=${latchkey.setupCode}\n  This link creates the first admin and works once.\n`,
  );
}
