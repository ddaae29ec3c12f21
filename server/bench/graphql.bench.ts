/**
 * `pnpm bench:graphql`: what reading one connection costs over GraphQL (`Query.connection`, POST /graphql) and tRPC
 * (`connections.get`, GET /trpc) beside the REST read (`GET /connections/:id`), fresh token, 50 concurrent clients,
 * measured in the same run against the same server; rounds alternate so background load hits all three alike.
 */
import { BENCH_CONNECTION_ID, startBenchLatchkey } from './support/bench-latchkey';
import { CONNECTIONS, DURATION_S, measureAlternating, ROUNDS, type Target } from './support/load';

/** The tRPC procedure that reads one connection (server/src/transports/trpc/routers/connections.router.ts). */
const TRPC_PROCEDURE = 'connections.get';

/** One request as the benchmark sends it: fails the run (rather than measuring errors) when it does not answer. */
async function check(target: Target): Promise<string> {
  const response = await fetch(target.url, {
    method: target.method,
    headers: target.headers,
    ...(target.body === undefined ? {} : { body: target.body }),
  });
  const text = await response.text();
  // A GraphQL failure still answers 200, with top-level `errors` carrying messages (REST's `errors` are the
  // connection's own, without).
  const { errors } = JSON.parse(text) as { errors?: Array<{ message?: unknown }> };
  const failed = response.status !== 200 || (errors ?? []).some((error) => error.message !== undefined);
  if (failed || !text.includes(BENCH_CONNECTION_ID)) {
    throw new Error(
      `${target.name} did not answer the connection (${response.status}): ${text.slice(0, 300)}`,
    );
  }
  return text;
}

async function main() {
  const bench = await startBenchLatchkey();
  const { server, secretKey } = bench;

  const authorization = { authorization: `Bearer ${secretKey}` };
  // The same fields REST answers, so every transport does the same work and sends a comparable body.
  const query = `query { connection(connectionId: "${BENCH_CONNECTION_ID}", providerConfigKey: "github") {
    ... on Connection { id connectionId providerConfigKey provider errors { type logId } endUser { id email displayName }
      tags metadata connectionConfig webhookUrlOverride createdAt updatedAt lastFetchedAt credentials refreshState } } }`;
  const trpcInput = encodeURIComponent(
    JSON.stringify({ connectionId: BENCH_CONNECTION_ID, providerConfigKey: 'github' }),
  );
  const targets: Target[] = [
    {
      name: 'REST GET /connections/:id',
      url: `${server.url}/connections/${BENCH_CONNECTION_ID}?provider_config_key=github&force_refresh=false&refresh_token=false`,
      method: 'GET',
      headers: authorization,
    },
    {
      name: 'GraphQL connection(id)',
      url: `${server.url}/graphql`,
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    },
    {
      name: `tRPC ${TRPC_PROCEDURE}`,
      url: `${server.url}/trpc/${TRPC_PROCEDURE}?input=${trpcInput}`,
      method: 'GET',
      headers: authorization,
    },
  ];
  const sizes = new Map<string, number>();
  const available: Target[] = [];
  for (const target of targets) {
    try {
      sizes.set(target.name, (await check(target)).length);
      available.push(target);
    } catch (error) {
      console.log(`skipped: ${(error as Error).message}`);
    }
  }

  const results = new Map(
    (await measureAlternating(available)).map((result, index) => [available[index]!.name, result]),
  );

  console.log(
    `Reading one connection (fresh token), ${CONNECTIONS} concurrent clients, ${ROUNDS} alternating rounds of ${DURATION_S} s (median shown); ${bench.storage}; node ${process.version}`,
  );
  console.log('transport                      req/s    p50 ms   p99 ms  body B   errors   overhead vs REST');
  const rest = results.get(targets[0]!.name)!;
  for (const target of available) {
    const r = results.get(target.name)!;
    // Time per request beyond REST's, as a share of REST's: 100 % means each read costs twice as much.
    const overhead = target === targets[0] ? '(baseline)' : `${((rest.rps / r.rps - 1) * 100).toFixed(1)} %`;
    console.log(
      `${target.name.padEnd(28)} ${Math.round(r.rps).toString().padStart(7)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(8)} ${String(sizes.get(target.name)).padStart(7)} ${String(r.errors).padStart(8)}   ${overhead}`,
    );
  }

  await bench.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
