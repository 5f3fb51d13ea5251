// Sockets opened ahead of need. A sync's first request to a host is soon followed by several at
// once (the scopes', then the key lists' and pages'), and each of those would open its socket only
// then, paying the TCP (and TLS) handshake in the middle of the sync. Warmed at the start of a
// sync, a host gets up to REQUESTS_PER_HOST sockets at once, their handshakes overlapping
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

/**
 * Sockets open or opening to each origin, across every client in this process: connections to one
 * backend host share its requests (host-limit.ts), so warming one does not open more sockets to
 * that host than requests may be in flight.
 */
const perOrigin = new Map<string, number>();

function count(origin: string, delta: number): void {
  const n = (perOrigin.get(origin) ?? 0) + delta;
  if (n > 0) perOrigin.set(origin, n);
  else perOrigin.delete(origin);
}

/** Counts a socket from now until it closes. */
function counted(origin: string, socket: Socket): Socket {
  count(origin, 1);
  socket.once('close', () => count(origin, -1));
  return socket;
}

export function createWarmSockets(options: buildConnector.BuildOptions, size: number, idleMs: number): WarmSockets {
  const connect = buildConnector(options);
  const ready: Array<{ origin: string; socket: Socket; timer: NodeJS.Timeout; forget: () => void }> = [];
  /** Sockets being opened ahead, and undici's connects waiting for one of them, per origin. */
  const opening = new Map<string, number>();
  const waiting: Array<{ origin: string; opts: Parameters<Connect>[0]; callback: Parameters<Connect>[1] }> = [];
  let closed = false;

  const take = (i: number) => {
    const [spare] = ready.splice(i, 1);
    clearTimeout(spare!.timer);
    spare!.forget();
    return spare!.socket;
  };

  const fresh: Connect = (opts, callback) =>
    connect(opts, (...result) => {
      if (result[1]) counted(originOf(opts), result[1]);
      callback(...result);
    });

  const connector: Connect = (opts, callback) => {
    const origin = originOf(opts);
    const i = ready.findIndex((r) => r.origin === origin);
    if (i >= 0) {
      // Handed over on a later turn, as a socket just connected would be: undici's client is
      // still setting up the connect it asked for.
      const socket = take(i);
      process.nextTick(() => (socket.destroyed ? fresh(opts, callback) : callback(null, socket)));
      return;
    }
    // A socket already on its way is sooner than a new one, and opens no extra connection.
    if ((opening.get(origin) ?? 0) > waiting.filter((w) => w.origin === origin).length) waiting.push({ origin, opts, callback });
    else fresh(opts, callback);
  };

  /** A socket opened ahead: to the connect waiting for it, else ready for the next. */
  function arrived(origin: string, socket: Socket | null): void {
    opening.set(origin, (opening.get(origin) ?? 1) - 1);
    const at = waiting.findIndex((w) => w.origin === origin);
    const waiter = at >= 0 ? waiting.splice(at, 1)[0] : undefined;
    if (!socket) {
      if (waiter) fresh(waiter.opts, waiter.callback);
      return;
    }
    counted(origin, socket);
    if (waiter) return waiter.callback(null, socket);
    if (closed) return void socket.destroy();
    // While idle, a server closing it or an error only means it is no longer ready.
    const gone = () => {
      const i = ready.findIndex((r) => r.socket === socket);
      if (i >= 0) take(i).destroy();
    };
    socket.on('error', gone).on('end', gone);
    const forget = () => socket.off('error', gone).off('end', gone);
    ready.push({ origin, socket, timer: setTimeout(gone, idleMs).unref(), forget });
  }

  function warm(url: URL): void {
    if (closed) return;
    const opts = { hostname: url.hostname, host: url.host, protocol: url.protocol, port: url.port };
    const origin = originOf(opts);
    for (let open = perOrigin.get(origin) ?? 0; open < size; open++) {
      count(origin, 1); // opening
      opening.set(origin, (opening.get(origin) ?? 0) + 1);
      connect(opts, (error, socket) => {
        count(origin, -1);
        arrived(origin, error ? null : socket);
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
