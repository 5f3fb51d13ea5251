// Sockets opened ahead of need. A sync's first request to a host is soon followed by several at
// once (the scopes', then the key lists' and pages'), and each of those would open its socket only
// then, paying the TCP (and TLS) handshake in the middle of the sync. Warmed at the start of a
// sync, a client's host gets up to REQUESTS_PER_HOST sockets at once, their handshakes overlapping
// the first request; undici takes a ready one whenever it needs a new socket. A socket nobody took
// is closed after the keep-alive time, as an idle one would be.
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

type Connect = ReturnType<typeof buildConnector>;

export interface WarmSockets {
  /** The connector undici uses: a ready socket if there is one, else a new one. */
  connector: Connect;
  /** Opens sockets to `url`'s origin until `size` are open or opening. */
  warm(url: URL): void;
  /** Closes the sockets nobody took. */
  close(): void;
}

const originOf = (o: { protocol: string; hostname: string; port: string | number }) => `${o.protocol}//${o.hostname}:${o.port || (o.protocol === 'https:' ? 443 : 80)}`;

export function createWarmSockets(options: buildConnector.BuildOptions, size: number, idleMs: number): WarmSockets {
  const connect = buildConnector(options);
  const ready: Array<{ origin: string; socket: Socket; timer: NodeJS.Timeout; forget: () => void }> = [];
  /** Sockets handed to undici and still open, and those being opened ahead. */
  let inUse = 0;
  let opening = 0;
  let closed = false;

  /** Counts a socket undici holds until it closes. */
  const handOver = (socket: Socket) => {
    inUse++;
    socket.once('close', () => inUse--);
    return socket;
  };

  const take = (i: number) => {
    const [spare] = ready.splice(i, 1);
    clearTimeout(spare!.timer);
    spare!.forget();
    return spare!.socket;
  };

  const fresh: Connect = (opts, callback) =>
    connect(opts, (...result) => {
      if (result[1]) handOver(result[1]);
      callback(...result);
    });

  const connector: Connect = (opts, callback) => {
    const i = ready.findIndex((r) => r.origin === originOf(opts));
    if (i < 0) return fresh(opts, callback);
    // Handed over on a later turn, as a socket just connected would be: undici's client is still
    // setting up the connect it asked for.
    const socket = take(i);
    process.nextTick(() => (socket.destroyed ? fresh(opts, callback) : callback(null, handOver(socket))));
  };

  function warm(url: URL): void {
    if (closed) return;
    const opts = { hostname: url.hostname, host: url.host, protocol: url.protocol, port: url.port };
    for (let open = inUse + ready.length + opening; open < size; open++) {
      opening++;
      connect(opts, (error, socket) => {
        opening--;
        if (error || !socket) return;
        if (closed) return void socket.destroy();
        // While idle, a server closing it or an error only means it is no longer ready.
        const gone = () => {
          const at = ready.findIndex((r) => r.socket === socket);
          if (at >= 0) take(at).destroy();
        };
        socket.on('error', gone).on('end', gone);
        const forget = () => socket.off('error', gone).off('end', gone);
        ready.push({ origin: originOf(opts), socket, timer: setTimeout(gone, idleMs).unref(), forget });
      });
    }
  }

  return {
    connector,
    warm,
    close() {
      closed = true;
      while (ready.length) take(0).destroy();
    },
  };
}
