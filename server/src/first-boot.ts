import type { Latchkey } from './latchkey';

/**
 * The first boot prints where the data lives and the secret keys it created, once: keys are stored only as hashes,
 * so this is the only time they can be shown. Printed to stdout, not through the logger (which redacts them).
 */
export function printFirstBoot(latchkey: Latchkey, url: string): void {
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
