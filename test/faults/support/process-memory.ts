/**
 * The memory of a server process from outside: its resident set (Linux `/proc`), and a full garbage collection asked
 * for through the inspector (the process is started with `--inspect=127.0.0.1:0`), so a figure taken after a load
 * compares what is still held, not what the collector has not yet come back for.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** The pid of `parent`'s only child: the node process tsx starts to run the server. */
export function childPid(parent: number): number {
  const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/);
  if (children.length !== 1 || children[0] === '') {
    throw new Error(`expected one child of ${parent}, found: ${children.join(', ')}`);
  }
  return Number(children[0]);
}

/** VmRSS in KiB. */
export function residentKib(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** The inspector URLs a process started with `--inspect=…:0` printed (tsx's and the server's). */
export function inspectorUrls(stderr: string): string[] {
  return [...stderr.matchAll(/Debugger listening on (ws:\/\/\S+)/g)].map((match) => match[1]!);
}

/** A full, compacting collection in the process behind `url` (`HeapProfiler.collectGarbage`). */
export async function collectGarbage(url: string): Promise<void> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  try {
    for (let round = 1; round <= 2; round++) {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(String(data)) as { id?: number; error?: unknown };
          if (message.id !== round) return;
          socket.off('message', onMessage);
          if (message.error !== undefined) reject(new Error(JSON.stringify(message.error)));
          else resolve();
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id: round, method: 'HeapProfiler.collectGarbage' }));
      });
    }
  } finally {
    socket.close();
  }
}
