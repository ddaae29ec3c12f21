/**
 * A TCP proxy in front of a real server (PostgreSQL in the outage tests): `cut` closes every connection and stops
 * listening, so new ones are refused as by a server that is down; `freeze` keeps the connections open but forwards
 * nothing, as a network partition or a stopped server looks to a client; `restore` serves again on the same port
 * (ending the frozen connections).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy extends AsyncDisposable {
  port: number;
  cut(): Promise<void>;
  freeze(): void;
  restore(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as { port: number }).port;

  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    port,
    cut,
    freeze() {
      frozen = true;
    },
    async restore() {
      // Data dropped while frozen left those connections out of step: they end, as after a partition heals.
      if (frozen) for (const socket of sockets) socket.destroy();
      frozen = false;
      if (!server.listening) await listen(port);
    },
    async [Symbol.asyncDispose]() {
      if (server.listening) await cut();
    },
  };
}
