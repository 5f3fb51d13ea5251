// Fault injection shared by every sandbox backend: a list of faults matched against each request
// (method, path), applied before the backend's own routing; the code that acts each fault out on
// the wire; the loopback control endpoint (/__sandbox/faults, /__sandbox/state) a person can use
// while clicking through the preview; and the loopback HTTP or HTTPS server every sandbox runs on
// (`tls: {key, cert}`), with socket tracking so close() never waits on a held socket and a way to
// swap its certificate (loopbackServerAt(url).setTls).
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';

export type FaultMatch = { method?: string; path?: string | RegExp }; // path: substring or regex on pathname+search

/** One fault's behaviour (what happens on the wire). */
export type FaultKind =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'bad-json' }
  | { kind: 'truncate' }
  | { kind: 'reset' }
  | { kind: 'drop' }
  | { kind: 'hang' }
  | { kind: 'huge'; claimBytes: number }
  | { kind: 'slow-drip'; bytesPerSecond: number }
  | { kind: 'expire-credential' };

export type Fault = FaultMatch & { times?: number /* default: unlimited */ } & FaultKind;

export type FaultKindName = FaultKind['kind'];

export const FAULT_KINDS: readonly FaultKindName[] = [
  'latency',
  'status',
  'rate-limit',
  'bad-json',
  'truncate',
  'reset',
  'drop',
  'hang',
  'huge',
  'slow-drip',
  'expire-credential',
];

export interface FaultInjector {
  add(f: Fault): string;
  remove(id: string): void;
  clear(): void;
  list(): Fault[];
}

export interface FaultEntry {
  id: string;
  fault: Fault;
  /** Matches left before the fault retires itself; null = unlimited. */
  remaining: number | null;
}

export interface ServerFaultInjector extends FaultInjector {
  /** Used by servers: the first fault matching this request, with one of its `times` spent. */
  take(req: IncomingMessage): Fault | undefined;
  take(method: string, path: string): Fault | undefined;
  /** The active faults with their ids and remaining counts (for the control endpoint). */
  entries(): FaultEntry[];
}

export function createFaultInjector(): ServerFaultInjector {
  // Insertion order is priority order: the oldest matching fault wins.
  const active = new Map<string, { fault: Fault; remaining: number }>();
  return {
    add(f) {
      validateFault(f);
      const id = randomUUID();
      active.set(id, { fault: { ...f }, remaining: f.times ?? Number.POSITIVE_INFINITY });
      return id;
    },
    remove(id) {
      active.delete(id);
    },
    clear() {
      active.clear();
    },
    list() {
      return [...active.values()].map(({ fault }) => ({ ...fault }));
    },
    entries() {
      return [...active].map(([id, { fault, remaining }]) => ({
        id,
        fault: { ...fault },
        remaining: Number.isFinite(remaining) ? remaining : null,
      }));
    },
    take(reqOrMethod: IncomingMessage | string, path?: string) {
      const method = typeof reqOrMethod === 'string' ? reqOrMethod : (reqOrMethod.method ?? 'GET');
      const target = typeof reqOrMethod === 'string' ? (path ?? '/') : (reqOrMethod.url ?? '/');
      for (const [id, entry] of active) {
        if (!faultMatches(entry.fault, method, target)) continue;
        entry.remaining -= 1;
        if (entry.remaining <= 0) active.delete(id);
        return entry.fault;
      }
      return undefined;
    },
  };
}

function faultMatches(fault: FaultMatch, method: string, target: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (typeof fault.path === 'string') return target.includes(fault.path);
  if (fault.path instanceof RegExp) {
    fault.path.lastIndex = 0; // a /g or /y regex must not carry state between requests
    return fault.path.test(target);
  }
  return true;
}

function validateFault(f: Fault): void {
  const problem = faultProblem(f);
  if (problem) throw new TypeError(`Invalid fault: ${problem}`);
}

function faultProblem(f: Record<string, unknown>): string | undefined {
  if (!FAULT_KINDS.includes(f.kind as FaultKindName)) return `unknown kind ${JSON.stringify(f.kind)}`;
  const isCount = (v: unknown, min: number) => typeof v === 'number' && Number.isFinite(v) && v >= min;
  if (f.times !== undefined && !(isCount(f.times, 1) && Number.isInteger(f.times))) return 'times must be an integer >= 1';
  if (f.method !== undefined && typeof f.method !== 'string') return 'method must be a string';
  if (f.path !== undefined && typeof f.path !== 'string' && !(f.path instanceof RegExp)) return 'path must be a string or RegExp';
  switch (f.kind) {
    case 'latency':
      return isCount(f.ms, 0) ? undefined : 'latency needs ms >= 0';
    case 'status':
      return isCount(f.status, 100) && (f.status as number) <= 599 ? undefined : 'status needs a status between 100 and 599';
    case 'rate-limit':
      return isCount(f.retryAfterSeconds, 0) ? undefined : 'rate-limit needs retryAfterSeconds >= 0';
    case 'huge':
      return isCount(f.claimBytes, 1) ? undefined : 'huge needs claimBytes >= 1';
    case 'slow-drip':
      return isCount(f.bytesPerSecond, 1) ? undefined : 'slow-drip needs bytesPerSecond >= 1';
    default:
      return undefined;
  }
}

export interface CannedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FaultContext {
  /** The backend's own error body for a status (used when a fault carries no body). */
  errorBody(status: number): unknown;
  /** Answers the request normally (writes to res). */
  realHandler: () => Promise<void>;
  /** Backend-specific "your credential was revoked" answer; default 401 with errorBody(401). */
  expiredCredential?(): CannedAnswer;
  /** Older form of expiredCredential: writes the answer itself. Used when expiredCredential is absent. */
  unauthorized?(res: ServerResponse): void;
  /** The backend's JSON writer (e.g. Rancher escapes slashes); default JSON.stringify. */
  serialize?: (body: unknown) => string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Acts out one fault on the wire. Resolves once the answer is finished, dropped or abandoned. */
export async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, ctx: FaultContext): Promise<void> {
  const serialize = ctx.serialize ?? ((b: unknown) => JSON.stringify(b));
  const sendCanned = ({ status, body, headers }: CannedAnswer) => {
    const text = typeof body === 'string' ? body : serialize(body);
    const payload = Buffer.from(text, 'utf8');
    res.writeHead(status, { 'content-type': JSON_TYPE, ...headers, 'content-length': String(payload.length) });
    res.end(payload);
  };

  switch (fault.kind) {
    case 'latency':
      await waitUnlessClosed(fault.ms, res);
      if (!isGone(res)) await ctx.realHandler();
      return;
    case 'status':
      sendCanned({ status: fault.status, body: fault.body ?? ctx.errorBody(fault.status), headers: fault.headers });
      return;
    case 'rate-limit':
      sendCanned({ status: 429, body: ctx.errorBody(429), headers: { 'retry-after': String(fault.retryAfterSeconds) } });
      return;
    case 'expire-credential':
      if (!ctx.expiredCredential && ctx.unauthorized) return ctx.unauthorized(res);
      sendCanned(ctx.expiredCredential?.() ?? { status: 401, body: ctx.errorBody(401) });
      return;
    case 'bad-json':
      sendCanned({ status: 200, body: '{"type":"collection","data":[{"id":"1c1", <!-- not json' });
      return;
    case 'drop':
      req.socket.destroy();
      return;
    case 'hang':
      return; // the socket stays open until the client gives up or the server closes
    case 'truncate': {
      const full = await captureResponse(res, ctx.realHandler);
      const body = full.body.length >= 2 ? full.body : Buffer.from(serialize({ truncated: false }), 'utf8');
      res.writeHead(full.status, { ...full.headers, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
      return;
    }
    case 'reset': {
      // Half of the real answer, then a TCP reset (RST) instead of an orderly close.
      const full = await captureResponse(res, ctx.realHandler);
      res.writeHead(full.status, { ...full.headers, 'content-length': String(Math.max(full.body.length, 2)) });
      res.write(full.body.subarray(0, Math.floor(full.body.length / 2)), () => req.socket.resetAndDestroy());
      return;
    }
    case 'huge':
      res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': String(fault.claimBytes) });
      await trickle(res, hugeFiller(fault.claimBytes), 64 * 1024, 5);
      return;
    case 'slow-drip': {
      const full = await captureResponse(res, ctx.realHandler);
      res.writeHead(full.status, { ...full.headers, 'content-length': String(full.body.length) });
      const everyMs = fault.bytesPerSecond >= 10 ? 100 : Math.ceil(1000 / fault.bytesPerSecond);
      const perTick = Math.max(1, Math.floor((fault.bytesPerSecond * everyMs) / 1000));
      await trickle(res, (function* () {
        yield full.body;
      })(), perTick, everyMs);
      return;
    }
  }
}

function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded || (res.socket?.destroyed ?? true);
}

function waitUnlessClosed(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}

/** Bytes for a `huge` answer: the start of a JSON collection, then whitespace up to `total`. */
function* hugeFiller(total: number): Generator<Buffer> {
  const head = Buffer.from('{"type":"collection","data":[', 'utf8');
  const pad = Buffer.alloc(64 * 1024, 0x20);
  let left = total;
  const first = head.subarray(0, Math.min(head.length, left));
  yield first;
  left -= first.length;
  while (left > 0) {
    const n = Math.min(pad.length, left);
    yield pad.subarray(0, n);
    left -= n;
  }
}

/** Writes `source` in slices of `perTick` bytes every `everyMs`; stops when the socket goes. */
function trickle(res: ServerResponse, source: Iterator<Buffer>, perTick: number, everyMs: number): Promise<void> {
  return new Promise((resolve) => {
    let pending: Buffer = Buffer.alloc(0);
    let exhausted = false;
    let waitingForDrain = false;
    const finish = () => {
      clearInterval(timer);
      res.off('close', finish);
      resolve();
    };
    const tick = () => {
      if (isGone(res)) return finish();
      if (waitingForDrain) return;
      while (pending.length < perTick && !exhausted) {
        const next = source.next();
        if (next.done) exhausted = true;
        else pending = pending.length ? Buffer.concat([pending, next.value]) : next.value;
      }
      const slice = pending.subarray(0, perTick);
      pending = pending.subarray(slice.length);
      if (slice.length && !res.write(slice)) {
        waitingForDrain = true;
        res.once('drain', () => (waitingForDrain = false));
      }
      if (exhausted && pending.length === 0) {
        res.end();
        finish();
      }
    };
    const timer = setInterval(tick, everyMs);
    res.on('close', finish);
    tick();
  });
}

interface CapturedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * Runs the real handler with writeHead/write/end intercepted, so a fault can send the real answer
 * its own way (half of it, or slowly). Headers set with setHeader stay pending on `res`.
 */
async function captureResponse(res: ServerResponse, run: () => Promise<void>): Promise<CapturedResponse> {
  const chunks: Buffer[] = [];
  let status: number | undefined;
  const own = res as unknown as Record<string, unknown>;
  const collect = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const callbackOf = (...args: unknown[]) => args.find((a): a is () => void => typeof a === 'function');
  own.writeHead = (code: number, ...rest: unknown[]) => {
    status = code;
    const headers = rest.find((r) => typeof r === 'object' && r !== null);
    if (headers && !Array.isArray(headers)) {
      for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
        if (v !== undefined) res.setHeader(k, v as string | string[]);
      }
    }
    return res;
  };
  own.flushHeaders = () => undefined;
  own.write = (chunk: unknown, encoding?: unknown, cb?: unknown) => {
    collect(chunk, encoding);
    callbackOf(encoding, cb)?.();
    return true;
  };
  own.end = (chunk?: unknown, encoding?: unknown, cb?: unknown) => {
    collect(chunk, encoding);
    callbackOf(chunk, encoding, cb)?.();
    return res;
  };
  try {
    await run();
  } finally {
    delete own.writeHead;
    delete own.flushHeaders;
    delete own.write;
    delete own.end;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.getHeaders())) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v : String(v);
    res.removeHeader(k);
  }
  return { status: status ?? res.statusCode, headers, body: Buffer.concat(chunks) };
}

// ---------------------------------------------------------------------------------------------
// Control endpoint: POST/GET/DELETE /__sandbox/faults[/{id}], GET /__sandbox/state.
// No auth: sandboxes only ever bind to 127.0.0.1.

export const CONTROL_PREFIX = '/__sandbox/';

export function isControlRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(CONTROL_PREFIX);
}

/** Turns the JSON form of a fault (path as a string, or `pathRegex`) into a Fault. */
export function faultFromJson(json: unknown): Fault {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError('Invalid fault: expected a JSON object');
  const raw = { ...(json as Record<string, unknown>) };
  if (typeof raw.pathRegex === 'string') {
    raw.path = new RegExp(raw.pathRegex);
    delete raw.pathRegex;
  }
  const problem = faultProblem(raw);
  if (problem) throw new TypeError(`Invalid fault: ${problem}`);
  return raw as unknown as Fault;
}

/**
 * The loopback control endpoint. Returns true when the request was a /__sandbox/ request (and has
 * been answered). Routes: GET|POST|DELETE /__sandbox/faults, DELETE /__sandbox/faults/{id},
 * GET /__sandbox/state. A posted fault gives its path as a string (substring) or `pathRegex`.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultInjector & { entries?(): FaultEntry[] },
  state: () => unknown,
): Promise<boolean> {
  if (!isControlRequest(req)) return false;
  const send = (status: number, body: unknown) => {
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(payload.length) });
    res.end(payload);
  };
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const parts = url.pathname.slice(CONTROL_PREFIX.length).split('/').filter(Boolean);
  const method = req.method ?? 'GET';
  try {
    if (parts[0] === 'state' && parts.length === 1 && method === 'GET') {
      send(200, state());
    } else if (parts[0] === 'faults' && parts.length === 1 && method === 'GET') {
      send(200, faults.entries ? serializableEntries(faults.entries()) : faults.list().map(serializableFault));
    } else if (parts[0] === 'faults' && parts.length === 1 && method === 'DELETE') {
      faults.clear();
      send(200, { cleared: true });
    } else if (parts[0] === 'faults' && parts.length === 1 && method === 'POST') {
      const text = await readBody(req, 1024 * 1024);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        send(400, { error: 'body must be a JSON fault' });
        return true;
      }
      const fault = faultFromJson(json);
      send(201, { id: faults.add(fault), fault: serializableFault(fault) });
    } else if (parts[0] === 'faults' && parts.length === 2 && method === 'DELETE') {
      faults.remove(decodeURIComponent(parts[1] ?? ''));
      send(200, { removed: true });
    } else {
      send(404, { error: 'unknown sandbox control path' });
    }
  } catch (error) {
    send(400, { error: error instanceof Error ? error.message : String(error) });
  }
  return true;
}

function serializableFault(fault: Fault): Record<string, unknown> {
  const { path, ...rest } = fault;
  return path instanceof RegExp ? { ...rest, pathRegex: path.source } : { ...rest, ...(path === undefined ? {} : { path }) };
}

function serializableEntries(entries: FaultEntry[]) {
  return entries.map((e) => ({ id: e.id, remaining: e.remaining, fault: serializableFault(e.fault) }));
}

/** Reads a request body as UTF-8 text; throws if it grows past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new RangeError(`request body larger than ${maxBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Socket tracking and a loopback server built on it.

/** Keeps every socket of `server`; the returned function destroys them all (hanging ones included). */
export function trackSockets(server: Server): () => void {
  const sockets = new Set<Socket>();
  // 'connection' carries the raw TCP socket for HTTP and HTTPS alike (also mid-TLS-handshake).
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return () => {
    for (const socket of sockets) socket.destroy();
  };
}

export interface LoopbackServerOptions {
  port?: number;
  tls?: { key: string; cert: string };
}

export interface LoopbackServer {
  server: Server;
  url: string;
  port: number;
  /**
   * HTTPS only: presents another key and certificate from the next handshake on, as the same
   * server reinstalled with a new certificate would; open sockets are dropped so no kept-alive
   * connection carries on under the old one.
   */
  setTls(tls: { key: string; cert: string }): void;
  /** Destroys every open socket (hanging, trickling or idle keep-alive) and stops listening. */
  close(): Promise<void>;
}

/** The running loopback servers by origin, so a test can reach the server behind a sandbox's URL. */
const running = new Map<string, LoopbackServer>();

/** The loopback server answering at `url` (any URL on its origin), while it runs. */
export function loopbackServerAt(url: string): LoopbackServer | undefined {
  return running.get(new URL(url).origin);
}

export async function startLoopbackServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  opts: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const https: HttpsServer | undefined = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : undefined;
  const server: Server = https ?? createHttpServer(handler);
  const destroySockets = trackSockets(server);
  // A client that vanished mid-request must not surface as an unhandled error.
  server.on('clientError', (_err, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox server has no TCP address');
  const port = address.port;
  let closing: Promise<void> | undefined;
  const url = `${https ? 'https' : 'http'}://127.0.0.1:${port}`;
  const loopback: LoopbackServer = {
    server,
    port,
    url,
    setTls(tls) {
      if (!https) throw new Error(`${url} serves plain HTTP; start it with tls to change its certificate`);
      https.setSecureContext({ key: tls.key, cert: tls.cert });
      destroySockets();
    },
    close() {
      running.delete(url);
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        destroySockets();
      });
      return closing;
    },
  };
  running.set(url, loopback);
  return loopback;
}
