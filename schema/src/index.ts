export * from './api/connect-sessions';
export * from './api/connections';
export * from './api/credentials';
export * from './api/integrations';
export * from './api/providers';
export * from './api/query';
export * from './errors';
export * from './scopes';
