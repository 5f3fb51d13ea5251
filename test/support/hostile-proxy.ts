// A hostile backend: a real sandbox behind a loopback proxy that rewrites the answers a test
// chooses (links to elsewhere, error bodies that echo the credential, endless pages, enormous or
// deeply nested answers) or never answers at all. Everything else passes through untouched, and
// the proxy forwards the address the client asked for (X-Forwarded-Host/-Proto), so the backend's
// links point at it as they would behind a well-configured proxy.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { readBody, startLoopbackServer, type LoopbackServer } from '../backends/faults.ts';

export interface Exchange {
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** What the client sent (the credential, to echo it). */
  headers: IncomingHttpHeaders;
  status: number;
  /** The backend's answer, parsed when it is JSON. */
  json: unknown;
  text: string;
}

/** How to answer instead: a new status, a JSON value or a raw text, or no answer ever. */
export type Rewrite = { status?: number; json?: unknown; text?: string } | 'hang';

export type Tamper = (exchange: Exchange) => Rewrite | undefined;

export interface HostileProxy {
  url: string;
  server: LoopbackServer;
  /** Every request the proxy received, in order. */
  requests: Array<{ method: string; path: string }>;
  /** Requests answered by the tamper (rewritten or hung). */
  tampered: number;
  /** Hung requests the client gave up on (closed its socket). */
  abandoned: number;
  tamper(fn: Tamper | undefined): void;
  close(): Promise<void>;
}

export async function startHostileProxy(target: string, tls?: { key: string; cert: string }): Promise<HostileProxy> {
  let tamper: Tamper | undefined;
  const requests: HostileProxy['requests'] = [];
  const proxy: HostileProxy = {
    url: '',
    server: undefined as unknown as LoopbackServer,
    requests,
    tampered: 0,
    abandoned: 0,
    tamper: (fn) => void (tamper = fn),
    close: () => proxy.server.close(),
  };
  proxy.server = await startLoopbackServer((req, res) => {
    void (async () => {
      const body = await readBody(req, 64 * 1024 * 1024);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      requests.push({ method, path });
      const upstream = await forward(target, method, path, req.headers, body, proxy.url);
      let json: unknown;
      try {
        json = JSON.parse(upstream.text);
      } catch {
        json = undefined;
      }
      const rewrite = tamper?.({ method, path, headers: req.headers, status: upstream.status, json, text: upstream.text });
      if (rewrite === 'hang') {
        proxy.tampered++;
        res.on('close', () => proxy.abandoned++);
        return;
      }
      if (rewrite) proxy.tampered++;
      const text = rewrite?.text ?? (rewrite?.json !== undefined ? JSON.stringify(rewrite.json) : upstream.text);
      const payload = Buffer.from(text, 'utf8');
      res.writeHead(rewrite?.status ?? upstream.status, { ...upstream.headers, 'content-type': 'application/json', 'content-length': String(payload.length) });
      res.end(payload);
    })().catch(() => res.destroy());
  }, { tls });
  proxy.url = proxy.server.url;
  return proxy;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'host']);

function forward(target: string, method: string, path: string, headers: IncomingHttpHeaders, body: string, self: string) {
  const url = new URL(path, target);
  const own = new URL(self);
  const sent: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) sent[name] = value;
  sent['x-forwarded-host'] = headers.host ?? own.host;
  sent['x-forwarded-proto'] = own.protocol.replace(':', '');
  return new Promise<{ status: number; headers: Record<string, string>; text: string }>((resolve, reject) => {
    const req = httpRequest(url, { method, headers: sent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 502, headers: out, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body || undefined);
  });
}
