export { createLatchkey, type Latchkey } from './latchkey';
export { startHttpServer, type RunningServer } from './http-server';
export { loadConfig, ConfigError, type Config } from './platform/config/config';
export { createLogger, type Logger } from './platform/logging/logger';
export { createDatabase, type Db } from './platform/database/database';
export { migrateToLatest } from './platform/database/migrator';
export { createVault, type Vault } from './platform/crypto/vault';
export { parseKeyring } from './platform/crypto/keyring';
