/** Load generation for the HTTP benchmarks: autocannon in its own process, rounds, medians. */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
export const CONNECTIONS = 50;
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const AUTOCANNON_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve('autocannon/package.json')),
  'autocannon.js',
);
const run = promisify(execFile);

export interface Target {
  name: string;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** autocannon in its own process, so the load generator does not share the measured server's event loop. */
async function runAutocannon(target: Target, duration: number) {
  const args = [AUTOCANNON_BIN, '-j', '-c', String(CONNECTIONS), '-d', String(duration), '-m', target.method];
  for (const [name, value] of Object.entries(target.headers)) args.push('-H', `${name}=${value}`);
  if (target.body !== undefined) args.push('-b', target.body);
  args.push(target.url);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
}

export async function measure(target: Target): Promise<Measured> {
  // A short warm-up so JIT and caches are in the state a long-running server has.
  await runAutocannon(target, 2);
  const result = await runAutocannon(target, DURATION_S);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** The median round by throughput, with the errors of every round. */
export function median(rounds: Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!;
  return { ...sorted, errors: rounds.reduce((sum, round) => sum + round.errors, 0) };
}

/**
 * Rounds that alternate between the targets, so a change in background load hits all of them alike; the median
 * round of each.
 */
export async function measureAlternating(targets: Target[]): Promise<Measured[]> {
  const rounds = targets.map(() => [] as Measured[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, target] of targets.entries()) rounds[index]!.push(await measure(target));
  }
  return rounds.map(median);
}
