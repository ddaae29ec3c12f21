/** SIGTERM stops new work at once but lets a request already being received run to its end, then exits 0. */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Integration } from '@latchkey/schema';
import { expect, it } from 'vitest';
import { distinctiveSecret, githubIntegration } from './support/api';
import { newBootstrapKey } from './support/keys';
import { ServerProcess } from './support/server-process';

interface RawResponse {
  status: number;
  body: string;
}

/** A POST whose body is sent in two parts, under the caller's control; the answer arrives on `response`. */
function startSlowPost(
  port: number,
  path: string,
  key: string,
  body: Buffer,
  agent: http.Agent | false = false,
) {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    agent,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'content-length': body.length,
    },
  });
  const response = new Promise<RawResponse>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.once('error', reject);
    });
  });
  const half = Math.floor(body.length / 2);
  request.write(body.subarray(0, half));
  return { response, finish: () => request.end(body.subarray(half)) };
}

/** The error code a new connection to /health meets, or undefined if it is answered. */
function healthFailure(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    // agent: false: a fresh connection, never one left open by an earlier request.
    const request = http.get(
      { host: '127.0.0.1', port, path: '/health', agent: false, timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(undefined);
      },
    );
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

it.each([
  ['a one-shot connection', false as const],
  // A keep-alive connection stays open after its response; shutdown must not wait for it to time out.
  ['a keep-alive connection', new http.Agent({ keepAlive: true })],
])(
  'finishes an in-flight request on %s after SIGTERM, refusing new connections meanwhile, then exits 0',
  async (_label, agent) => {
    const bootstrapKey = newBootstrapKey();
    // A shutdown timeout far beyond the test's pace: the request must finish on its own, not be cut by the timeout.
    await using server = await ServerProcess.start({
      env: { LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrapKey, LATCHKEY_SHUTDOWN_TIMEOUT_MS: '60000' },
    });
    await server.waitForHealth();

    const input = githubIntegration('gh-in-flight', distinctiveSecret());
    const slow = startSlowPost(
      server.port,
      '/integrations',
      bootstrapKey,
      Buffer.from(JSON.stringify(input)),
      agent,
    );
    await sleep(300);
    const exitCode = server.stop('SIGTERM');
    // Awaited below; this only keeps an early failure from also reporting it as unhandled.
    exitCode.catch(() => {});
    await sleep(300);

    expect(await healthFailure(server.port)).toBe('ECONNREFUSED');
    slow.finish();

    const response = await slow.response;
    const answeredAt = Date.now();
    expect(response.status).toBe(200);
    const created = (JSON.parse(response.body) as { data: Integration }).data;
    expect(created).toMatchObject({ unique_key: 'gh-in-flight', provider: 'github' });
    expect(await exitCode).toBe(0);
    // Exiting when the last request is done, not when the shutdown timeout runs out.
    expect(Date.now() - answeredAt).toBeLessThan(5_000);
    expect(server.stdout).not.toContain('shutdown timeout');
  },
  120_000,
);
