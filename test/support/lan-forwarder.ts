// "Another machine" for tests of plain http: this machine's own network address (not loopback),
// forwarded over TCP to a loopback server. To Keyfleet the URL is a remote host.
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

/** This machine's first IPv4 address besides loopback, if it has one. */
export const LAN_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

export interface LanForwarder {
  /** http://<network address>:<port>, forwarded to the loopback server. */
  url: string;
  /** TCP connections opened so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startLanForwarder(address: string, loopbackUrl: string): Promise<LanForwarder> {
  let opened = 0;
  const server = createServer((socket) => {
    opened++;
    const upstream = connect(Number(new URL(loopbackUrl).port), '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  return {
    url: `http://${address}:${(server.address() as { port: number }).port}`,
    connections: () => opened,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
