/** Variables the server reads; the test runner's own values must not leak into a child and change what it tests. */
const SERVER_VARIABLE = /^(PORT|HOST|DATABASE_URL|DATABASE_POOL_SIZE|LOG_LEVEL|LATCHKEY_.*)$/;

export type EnvOverrides = Record<string, string | undefined>;

/** The runner's environment without server variables, plus `overrides` (an undefined value removes a variable). */
export function childEnv(overrides: EnvOverrides = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!SERVER_VARIABLE.test(key) && value !== undefined) env[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
