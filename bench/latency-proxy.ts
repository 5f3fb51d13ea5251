// A delaying TCP proxy on 127.0.0.1, standing in for a backend across a real network: every byte
// reaches the other side half a round-trip time after it was sent (so a request and its answer
// cost one RTT), and a new TCP connection costs one more RTT before its first byte goes through
// (the handshake). Order is kept per direction; bandwidth is not limited.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface LatencyProxy {
  url: string;
  /** TCP connections the client opened through this proxy so far. */
  connections(): number;
  /** Closes every open connection (as a network change or an idle timeout would): the next request connects anew. */
  drop(): void;
  close(): Promise<void>;
}

/** Forwards `from` to `to`, each chunk delivered `delayMs` after it arrived, in order. */
function delayedPipe(from: Socket, to: Socket, delayMs: number, notBefore: () => number): void {
  let last = 0;
  from.on('data', (chunk: Buffer) => {
    const at = Math.max(performance.now() + delayMs, notBefore(), last);
    last = at;
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, at - performance.now());
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - performance.now())));
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), Math.max(0, last - performance.now()) + 1));
}

export async function startLatencyProxy(target: { host: string; port: number }, rttMs: number): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  let opened = 0;
  const server: Server = createServer((client) => {
    opened++;
    // The handshake: nothing flows until one RTT after the connection was opened.
    const open = performance.now() + rttMs;
    const upstream = createConnection(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
    }
    // A request sent at once leaves after the handshake and arrives half an RTT later.
    delayedPipe(client, upstream, rttMs / 2, () => open + rttMs / 2);
    delayedPipe(upstream, client, rttMs / 2, () => 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy: no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections: () => opened,
    drop: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
