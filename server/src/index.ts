export { type RunningServer, startHttpServer } from './http-server';
export { createLatchkey, type Latchkey } from './latchkey';
export { type Config, ConfigError, loadConfig } from './platform/config/config';
export { parseKeyring } from './platform/crypto/keyring';
export { createVault, type Vault } from './platform/crypto/vault';
export { createDatabase, type Db } from './platform/database/database';
export { migrateToLatest } from './platform/database/migrator';
export { createLogger, type Logger } from './platform/logging/logger';
