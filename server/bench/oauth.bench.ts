/**
 * `pnpm bench:oauth`: the server-side cost of one full OAuth 2.0 code + PKCE flow through Latchkey (connect → 302,
 * callback → token exchange → connection stored) against the local oidc-provider, beside the authorization server's
 * own time for the same flow, measured in the same run. `BENCH_FLOWS` sets the number of measured flows (default 30).
 */
import type { DriverRequestTiming } from '../test/support/browser-driver';
import { driveAuthorization } from '../test/support/browser-driver';
import { startFlowHarness } from '../test/support/flow-harness';
import type { OidcRequestTiming } from '../test/support/oidc-server';

const WARM_UP = 3;
const FLOWS = Number(process.env.BENCH_FLOWS ?? 30);

interface FlowSample {
  connect: number;
  callback: number;
  asToken: number;
  asInteraction: number;
  asInteractionRequests: number;
}

const serverTimings: OidcRequestTiming[] = [];
// Production-like logging: one line per failed request, none per successful one. The rate limits are off: this
// measures a flow's cost, and more than 60 flows a minute from one loopback address would meet 429 by design.
const h = await startFlowHarness('pglite', {
  oidc: { timings: serverTimings },
  env: { LOG_LEVEL: 'info', LATCHKEY_RATE_LIMIT_PER_ADDRESS: '0', LATCHKEY_RATE_LIMIT_PER_TOKEN: '0' },
});

async function runFlow(): Promise<FlowSample> {
  const token = await h.createSession();
  const driverTimings: DriverRequestTiming[] = [];
  const { callbackUrl } = await driveAuthorization(
    `${h.url}/oauth/connect/local?connect_session_token=${token}`,
    {
      issuer: h.oidc.issuer,
      timings: driverTimings,
    },
  );
  const [connect, ...interaction] = driverTimings;
  if (connect === undefined || connect.url.origin !== h.url || connect.status !== 302) {
    throw new Error(`unexpected first step: ${JSON.stringify(connect)}`);
  }
  if (interaction.some((step) => step.url.origin !== h.oidc.issuer)) {
    throw new Error('the driver left the authorization server before the callback');
  }

  const tokenTimingsBefore = serverTimings.length;
  const started = performance.now();
  const response = await h.complete(callbackUrl);
  await response.text();
  const callback = performance.now() - started;
  if (response.status !== 200) throw new Error(`callback answered ${response.status}`);
  const tokenRequests = serverTimings.slice(tokenTimingsBefore).filter((t) => t.path === '/token');
  if (tokenRequests.length !== 1) throw new Error(`expected one token request, saw ${tokenRequests.length}`);

  return {
    connect: connect.ms,
    callback,
    asToken: tokenRequests[0]!.ms,
    asInteraction: interaction.reduce((sum, step) => sum + step.ms, 0),
    asInteractionRequests: interaction.length,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

try {
  const wallStart = performance.now();
  for (let i = 0; i < WARM_UP; i++) await runFlow();
  const samples: FlowSample[] = [];
  for (let i = 0; i < FLOWS; i++) samples.push(await runFlow());
  const wallSeconds = (performance.now() - wallStart) / 1000;

  const rows: Array<[string, number[]]> = [
    ['Latchkey  GET /oauth/connect → 302            (client-observed)', samples.map((s) => s.connect)],
    ['Latchkey  GET /oauth/callback → stored        (client-observed)', samples.map((s) => s.callback)],
    ['  AS      POST /token inside that callback    (AS server-side)', samples.map((s) => s.asToken)],
    [
      `  AS      authorize + login + consent, ${samples[0]!.asInteractionRequests} req (client-observed)`,
      samples.map((s) => s.asInteraction),
    ],
    [
      'Latchkey  server-side cost = connect + (callback − AS token)',
      samples.map((s) => s.connect + s.callback - s.asToken),
    ],
    ['AS        own time = token + authorize/login/consent', samples.map((s) => s.asToken + s.asInteraction)],
  ];
  console.log(
    `OAuth 2.0 code + PKCE, ${FLOWS} flows after ${WARM_UP} warm-up; Latchkey on PGlite, oidc-provider on 127.0.0.1; ` +
      `node ${process.version}; ${wallSeconds.toFixed(1)} s`,
  );
  console.log(`${'phase'.padEnd(68)}  median ms     p90 ms`);
  for (const [name, values] of rows) {
    console.log(
      `${name.padEnd(68)} ${percentile(values, 50).toFixed(2).padStart(10)} ${percentile(values, 90).toFixed(2).padStart(10)}`,
    );
  }
  console.log(
    'Per-flow values, then median and p90 of each; the derived rows are computed per flow before the percentiles. ' +
      'Client-observed times include the loopback HTTP round trip.',
  );
} finally {
  await h[Symbol.asyncDispose]();
}
