export * from './catalog';
export * from './placeholders';
export * from './provider.rules';
export * from './provider.schema';
export * from './json-schema';
