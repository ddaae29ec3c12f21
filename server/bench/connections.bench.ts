/**
 * `pnpm bench:connections`: requests/s and latency of `GET /connections/:id` on a fresh token at 50 concurrent
 * clients, beside a bare `node:http` server answering a JSON body of the same size, measured in the same run on the
 * same machine. The target is at least half the bare server's throughput.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENCH_CONNECTION_ID, startBenchLatchkey } from './support/bench-latchkey';
import { CONNECTIONS, DURATION_S, measureAlternating, ROUNDS } from './support/load';

async function main() {
  const bench = await startBenchLatchkey();
  const url = `${bench.server.url}/connections/${BENCH_CONNECTION_ID}?provider_config_key=github&force_refresh=false&refresh_token=false`;
  const headers = { authorization: `Bearer ${bench.secretKey}` };
  const sample = await (await fetch(url, { headers })).text();
  if (!sample.includes(BENCH_CONNECTION_ID))
    throw new Error(`The read did not answer the connection: ${sample}`);

  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(sample) });
    res.end(sample);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

  const [latchkeyResult, bareResult] = await measureAlternating([
    { name: 'Latchkey', url, method: 'GET', headers },
    { name: 'bare', url: bareUrl, method: 'GET', headers: {} },
  ]);

  console.log(
    `GET /connections/:id, fresh token, ${CONNECTIONS} concurrent clients, ${ROUNDS} alternating rounds of ${DURATION_S} s (median shown); ${bench.storage}; node ${process.version}`,
  );
  console.log(`response body: ${sample.length} bytes`);
  console.log('server                     req/s     p50 ms   p99 ms   errors (all rounds)');
  for (const [name, r] of [
    ['bare node:http (baseline)', bareResult!],
    ['Latchkey', latchkeyResult!],
  ] as const) {
    console.log(
      `${name.padEnd(26)} ${Math.round(r.rps).toString().padStart(7)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)}`,
    );
  }
  const ratio = latchkeyResult!.rps / bareResult!.rps;
  console.log(`Latchkey / bare = ${(ratio * 100).toFixed(1)} % (target: at least 50 %)`);

  await new Promise<void>((resolve) => bare.close(() => resolve()));
  await bench.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
