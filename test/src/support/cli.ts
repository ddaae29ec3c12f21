/** `pnpm latchkey …` as a process: the operator commands, with the same variables as the server. */
import { childEnv, type EnvOverrides } from './child-env';
import { SERVER_CLI, SERVER_DIR, TSX_CLI } from './paths';
import { exitWithin, spawnTracked } from './tracked-child';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: EnvOverrides, timeoutMs = 60_000): Promise<CliResult> {
  const tracked = spawnTracked([TSX_CLI, SERVER_CLI, ...args], { cwd: SERVER_DIR, env: childEnv(env) });
  const code = await exitWithin(tracked, timeoutMs, `latchkey ${args.join(' ')}`);
  return { code, stdout: tracked.stdout(), stderr: tracked.stderr() };
}

/** Like runCli, but a non-zero exit fails with the command's output. */
export async function runCliOk(args: string[], env: EnvOverrides): Promise<string> {
  const result = await runCli(args, env);
  if (result.code !== 0) {
    throw new Error(
      `latchkey ${args.join(' ')} exited ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return result.stdout;
}
