// Fault injection shared by every sandbox backend: a list of faults matched against each request
// (method, path), applied before the backend's own routing, plus the loopback control endpoint
// (/__sandbox/faults) a person can use while clicking through the preview.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type FaultMatch = { method?: string; path?: string | RegExp };

export type FaultKind =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'bad-json' }
  | { kind: 'truncate' }
  | { kind: 'drop' }
  | { kind: 'hang' }
  | { kind: 'huge'; claimBytes: number }
  | { kind: 'slow-drip'; bytesPerSecond: number }
  | { kind: 'expire-credential' };

export type Fault = FaultMatch & { times?: number } & FaultKind;

export interface FaultInjector {
  add(fault: Fault): string;
  remove(id: string): void;
  clear(): void;
  list(): Fault[];
}

export interface ServerFaultInjector extends FaultInjector {
  /** The first fault matching this request, with its remaining count spent by one. */
  take(method: string, path: string): Fault | undefined;
}

export function createFaultInjector(): ServerFaultInjector {
  const faults = new Map<string, Fault & { remaining: number }>();
  const matches = (fault: Fault, method: string, path: string) => {
    if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
    if (fault.path === undefined) return true;
    return typeof fault.path === 'string' ? path.includes(fault.path) : fault.path.test(path);
  };
  return {
    add(fault) {
      const id = randomUUID();
      faults.set(id, { ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
      return id;
    },
    remove: (id) => void faults.delete(id),
    clear: () => faults.clear(),
    list: () => [...faults.values()],
    take(method, path) {
      for (const [id, fault] of faults) {
        if (!matches(fault, method, path)) continue;
        fault.remaining -= 1;
        if (fault.remaining <= 0) faults.delete(id);
        return fault;
      }
      return undefined;
    },
  };
}

export interface FaultContext {
  /** The backend's own error body for a status (used when a status fault gives none). */
  errorBody(status: number): unknown;
  /** Answer as the backend does for a revoked or expired credential. */
  unauthorized(res: ServerResponse): void;
  /** Handle the request normally (after a latency fault). */
  realHandler(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays one fault on a request. Sockets left open (hang, huge, drip) end when the server closes. */
export async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, ctx: FaultContext): Promise<void> {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  switch (fault.kind) {
    case 'latency':
      await sleep(fault.ms);
      return ctx.realHandler();
    case 'status':
      return json(fault.status, fault.body ?? ctx.errorBody(fault.status), fault.headers);
    case 'rate-limit':
      return json(429, ctx.errorBody(429), { 'retry-after': String(fault.retryAfterSeconds) });
    case 'bad-json':
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"type":"collection","data":[{"id":"1c1",');
      return;
    case 'truncate': {
      const body = JSON.stringify({ type: 'collection', data: Array.from({ length: 50 }, (_, i) => ({ id: `1c${i}` })) });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) });
      res.write(body.slice(0, Math.floor(body.length / 2)));
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    case 'drop':
      req.socket.destroy();
      return;
    case 'hang':
      return;
    case 'huge': {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(fault.claimBytes) });
      res.write('{"data":[');
      const timer = setInterval(() => res.write('0,'.repeat(512)), 20);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'slow-drip': {
      const body = Buffer.from(JSON.stringify({ type: 'collection', data: [], pagination: null }));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) });
      let sent = 0;
      const perTick = Math.max(1, Math.round(fault.bytesPerSecond / 10));
      const timer = setInterval(() => {
        res.write(body.subarray(sent, sent + perTick));
        sent += perTick;
        if (sent >= body.length) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'expire-credential':
      return ctx.unauthorized(res);
  }
}

/** Keeps every socket so close() can end held-open requests at once. */
export function trackSockets(server: Server): () => void {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return () => {
    for (const socket of sockets) socket.destroy();
  };
}

/** The loopback control endpoint. Returns true when it answered the request. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultInjector,
  state: () => unknown,
): Promise<boolean> {
  const path = (req.url ?? '').split('?')[0];
  if (!path?.startsWith('/__sandbox/')) return false;
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (path === '/__sandbox/faults' && req.method === 'POST') {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    try {
      const fault = JSON.parse(text) as Fault;
      reply(201, { id: faults.add(fault) });
    } catch {
      reply(400, { error: 'body must be a JSON fault' });
    }
  } else if (path === '/__sandbox/faults' && req.method === 'DELETE') {
    faults.clear();
    reply(200, { cleared: true });
  } else if (path === '/__sandbox/faults' && req.method === 'GET') {
    reply(200, faults.list());
  } else if (path === '/__sandbox/state' && req.method === 'GET') {
    reply(200, state());
  } else {
    reply(404, { error: 'unknown control path' });
  }
  return true;
}
