export * from './error-body.schema';
export * from './error-codes';
export * from './field-errors';
export * from './latchkey-error';
