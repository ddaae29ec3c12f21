/**
 * Deep redaction for values that are stored or sent where secrets must not go (operation logs, error payloads):
 * any key that names a secret has its value replaced, at any depth.
 */
const SECRET_KEY =
  /(pass(word)?|secret|token|api_?key|authorization|cookie|private_?key|credential|verifier|signature|hmac)/i;

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[truncated]';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(item, depth + 1),
      ]),
    );
  }
  return value;
}
