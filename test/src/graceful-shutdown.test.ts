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
function startSlowPost(port: number, path: string, key: string, body: Buffer) {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    agent: false,
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

/** The error a new connection meets, or undefined if /health still answers. */
async function healthFailure(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? String(error);
  }
}

it('finishes an in-flight request after SIGTERM, refusing new connections meanwhile, then exits 0', async () => {
  const bootstrapKey = newBootstrapKey();
  await using server = await ServerProcess.start({ env: { LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrapKey } });
  await server.waitForHealth();

  const input = githubIntegration('gh-in-flight', distinctiveSecret());
  const slow = startSlowPost(server.port, '/integrations', bootstrapKey, Buffer.from(JSON.stringify(input)));
  await sleep(300);
  const exitCode = server.stop('SIGTERM');
  await sleep(300);

  expect(await healthFailure(server.port)).toBe('ECONNREFUSED');
  slow.finish();

  const response = await slow.response;
  expect(response.status).toBe(200);
  const created = (JSON.parse(response.body) as { data: Integration }).data;
  expect(created).toMatchObject({ unique_key: 'gh-in-flight', provider: 'github' });
  expect(await exitCode).toBe(0);
});
