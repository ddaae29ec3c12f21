/** `pnpm start`: configuration, database, HTTP, and the signals that stop them. */

import { printFirstBoot } from './first-boot';
import { startHttpServer } from './http-server';
import { createLatchkey, type Latchkey } from './latchkey';
import { ConfigError, loadConfig } from './platform/config/config';
import { rotateSealedValues } from './platform/crypto/key-rotation';
import { EmbeddedLockError } from './platform/database/embedded-lock';
import { embeddedStartFailure } from './platform/database/storage-full';
import type { Logger } from './platform/logging/logger';
import { createLogger } from './platform/logging/logger';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (config.encryptionKeyGenerated) {
    logger.warn(
      { dataDir: config.dataDir },
      'LATCHKEY_ENCRYPTION_KEY is not set: generated one and stored it in the data directory. Back it up, or set the variable for production.',
    );
  }
  let latchkey: Latchkey;
  try {
    latchkey = await createLatchkey(config, { logger });
  } catch (error) {
    if (error instanceof EmbeddedLockError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    const diskFull =
      config.database.kind === 'pglite' ? embeddedStartFailure(config.dataDir, error) : undefined;
    if (diskFull !== undefined) {
      process.stderr.write(`${diskFull}\n`);
      process.exit(1);
    }
    throw error;
  }
  const running = await startHttpServer(latchkey, logger);
  printFirstBoot(latchkey, running.url);
  logger.info({ url: running.url, database: config.database.kind }, 'latchkey listening');
  if (config.keyring.byId.size > 1) rotateInBackground(latchkey, logger);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      running.stop().then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

/**
 * Several encryption keys configured means a rotation is under way: re-encrypt under the first key while serving.
 * Safe to run in every instance at once (each row is compare-and-swapped); `pnpm latchkey keys status` shows progress.
 */
function rotateInBackground(latchkey: Latchkey, logger: Logger): void {
  rotateSealedValues(latchkey.db, latchkey.vault).then(
    (report) => {
      if (report.rewrapped > 0) logger.info({ report }, 'stored secrets re-encrypted under the primary key');
    },
    (error) =>
      logger.error({ err: error }, 'background key rotation failed; run `pnpm latchkey keys rotate`'),
  );
}

main().catch((error) => {
  process.stderr.write(
    `latchkey failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
