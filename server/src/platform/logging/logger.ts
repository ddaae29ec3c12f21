/**
 * pino with secrets redacted. Request bodies and query strings are never logged (they carry tokens); the redaction
 * list is the second line of defence for objects that reach a log call by mistake.
 */
import { type Logger, pino } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'client_secret',
  'clientSecret',
  'secret',
  'secretKey',
  'secret_key',
  'apiKey',
  'api_key',
  'access_token',
  'refresh_token',
  'token',
  'private_key',
  'webhook_secret',
  'oauth_token_secret',
  'encryptionKey',
  'credentials',
];

/** Paths at the top level and one or two levels down (pino's redaction has no recursive wildcard). */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const prop = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `["${key}"]`;
  return [prop.startsWith('.') ? key : `[${JSON.stringify(key)}]`, `*${prop}`, `*.*${prop}`];
});

export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream | pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'latchkey' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination as pino.DestinationStream);
}
