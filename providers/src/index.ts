export * from './catalog';
export * from './json-schema';
export * from './placeholders';
export * from './provider.rules';
export * from './provider.schema';
