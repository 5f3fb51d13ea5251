import { createServer as createHttpsServer } from 'node:https';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ProviderError } from '../../src-main/errors.ts';
import { createHttpClient, parseRetryAfter, type HttpClient, type HttpClientOptions } from '../../src-main/http/client.ts';
import { tempDir } from '../support/temp.ts';
import { makeTestPki, type TestPki } from '../support/tls.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const SECRET = 'sUp3r-s3cret-Value-9f8e7d';
let server: Server | undefined;
let client: HttpClient | undefined;
const requests: Array<{ method: string; url: string; at: number }> = [];

async function serve(handler: Handler): Promise<string> {
  requests.length = 0;
  server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', at: Date.now() });
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function make(baseUrl: string, options: Partial<HttpClientOptions> = {}): HttpClient {
  client = createHttpClient({
    baseUrl,
    backendName: 'Testend',
    headers: { authorization: `Basic ${Buffer.from(`AK:${SECRET}`).toString('base64')}` },
    backoffMs: 10,
    timeoutMs: 2000,
    ...options,
  });
  return client;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    const e = error as ProviderError;
    // No failure may carry the credential, in any encoding.
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain(Buffer.from(`AK:${SECRET}`).toString('base64'));
    return e;
  }
  throw new Error('expected the call to fail');
}

afterEach(async () => {
  await client?.close();
  client = undefined;
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  }
});

describe('http client', () => {
  it('parses JSON answers and sends JSON bodies with the adapter headers', async () => {
    let seen: { auth?: string; body?: string; type?: string } = {};
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { auth: req.headers.authorization, body, type: req.headers['content-type'] };
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"1c5","ok":true}');
      });
    });
    const res = await make(url).request<{ id: string }>({ method: 'POST', path: '/v2-beta/apikeys', body: { name: 'ci' } });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe('1c5');
    expect(seen.auth).toMatch(/^Basic /);
    expect(JSON.parse(seen.body!)).toEqual({ name: 'ci' });
    expect(seen.type).toBe('application/json');
  });

  it('retries an idempotent GET after 503, waiting as long as Retry-After says', async () => {
    const url = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(503, { 'retry-after': '1' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":1}');
    });
    const res = await make(url).request({ method: 'GET', path: '/x' });
    expect(res.body).toEqual({ ok: 1 });
    expect(requests).toHaveLength(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('gives up after the bounded number of retries and reports the backend as unavailable', async () => {
    const url = await serve((_req, res) => res.writeHead(502).end('bad gateway'));
    const error = await failure(make(url, { retries: 2 }).request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(502);
    expect(error.message).toContain('Testend');
    expect(requests).toHaveLength(3);
  });

  it('never repeats a POST, which could create a second key', async () => {
    const url = await serve((_req, res) => res.writeHead(503).end());
    const error = await failure(make(url).request({ method: 'POST', path: '/keys', body: {} }));
    expect(error.kind).toBe('unavailable');
    expect(requests).toHaveLength(1);
  });

  it('fails at once as rate-limited when Retry-After is longer than it will wait', async () => {
    const url = await serve((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end());
    const error = await failure(make(url, { maxRetryAfterMs: 5000 }).request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.message).toMatch(/120 s/);
    expect(requests).toHaveLength(1);
  });

  it('maps 401, 403, 404, 409 and 422 to their kinds', async () => {
    const statuses = [401, 403, 404, 409, 422];
    const url = await serve((req, res) => res.writeHead(Number(req.url!.slice(1))).end('{}'));
    const http = make(url);
    const kinds = [];
    for (const status of statuses) kinds.push((await failure(http.request({ method: 'GET', path: `/${status}` }))).kind);
    expect(kinds).toEqual(['auth', 'forbidden', 'not-found', 'conflict', 'invalid']);
  });

  it('lets the adapter describe an error body', async () => {
    const url = await serve((_req, res) => res.writeHead(422).end('{"code":"MaxLengthExceeded","fieldName":"name"}'));
    const http = make(url, {
      describeError: (status, body) =>
        status === 422 ? { message: 'name too long', fields: { name: String((body as { code: string }).code) } } : undefined,
    });
    const error = await failure(http.request({ method: 'POST', path: '/x', body: {} }));
    expect(error.message).toBe('name too long');
    expect(error.fields).toEqual({ name: 'MaxLengthExceeded' });
  });

  it('times out a request that never answers', async () => {
    const url = await serve(() => undefined);
    const error = await failure(make(url, { timeoutMs: 300, retries: 0 }).request({ method: 'GET', path: '/hang' }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 300 ms/);
  });

  it('times out an answer that drips too slowly to finish before the deadline', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const error = await failure(make(url, { timeoutMs: 400, retries: 0 }).request({ method: 'GET', path: '/drip' }));
    expect(error.kind).toBe('timeout');
  });

  it('refuses an answer whose declared size is over the cap without reading it', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 ** 3) });
      res.write('[');
    });
    const error = await failure(make(url, { maxResponseBytes: 1024 * 1024 }).request({ method: 'GET', path: '/huge' }));
    expect(error.kind).toBe('bad-response');
    expect(error.message).toMatch(/larger than Keyfleet accepts \(2\.0 GB/);
  });

  it('stops reading a chunked answer once it passes the cap', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(64 * 1024);
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(timer));
    });
    const error = await failure(make(url, { maxResponseBytes: 512 * 1024 }).request({ method: 'GET', path: '/stream' }));
    expect(error.kind).toBe('bad-response');
    expect(error.message).toMatch(/larger than Keyfleet accepts/);
  });

  it('reports malformed JSON as a bad response', async () => {
    const url = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [1, 2'));
    const error = await failure(make(url).request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('bad-response');
    expect(error.message).toMatch(/malformed JSON/);
  });

  it('reports a connection cut mid-answer as a network failure after retrying', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data": [');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error = await failure(make(url, { retries: 1 }).request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('network');
    expect(requests).toHaveLength(2);
  });

  it('reports a refused connection as a network failure naming the host', async () => {
    const url = await serve(() => undefined);
    const port = (server!.address() as AddressInfo).port;
    server!.close();
    server = undefined;
    const error = await failure(make(url).request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('network');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/refused/);
  });

  it('follows links on the connection’s own origin and refuses one to another host, sending nothing', async () => {
    const url = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    await make(`${url}/rancher`).request({ method: 'GET', path: `${url}/rancher/v2-beta/apikeys?marker=m2` });
    await client!.request({ method: 'GET', path: '/v2-beta/projects', query: { limit: 10, skip: undefined } });
    const refused = await failure(client!.request({ method: 'GET', path: 'http://internal.example:8080/rancher/v2-beta/apikeys?marker=m3' }));
    expect([refused.kind, refused.message]).toEqual(['bad-response', expect.stringMatching(/^Testend sent a link to another address \(http:\/\/internal\.example:8080\)\. Keyfleet sends the connection’s credential only to http:\/\/127\.0\.0\.1:\d+, so it did not follow the link\./)]);
    expect(requests.map((r) => r.url)).toEqual(['/rancher/v2-beta/apikeys?marker=m2', '/rancher/v2-beta/projects?limit=10']);
  });

  it('refuses a credential HTTP cannot carry before sending anything, as a field error, not a network failure after retries', async () => {
    const url = await serve((_req, res) => res.writeHead(200).end('{}'));
    for (const token of ['abc…', 'abc\ndef', 'abc\u0000def', 'abc\u202edef']) {
      const refusing = createHttpClient({ baseUrl: url, backendName: 'Testend', headers: { authorization: `Bearer ${token}` } });
      const error = await refusing.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
      await refusing.close();
      expect(error).toBeInstanceOf(AppError);
      expect([(error as AppError).kind, (error as AppError).fields]).toEqual(['validation', { credential: 'Holds a character HTTP cannot carry.' }]);
    }
    expect(requests).toEqual([]);
  });

  it('parses Retry-After in seconds and as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('http client: answers read before', () => {
  it('tells an answer byte for byte the one read before, and parses it only if its body is read', async () => {
    let answer = '{"data":[{"id":"1"}],"next":"?marker=1"}';
    const url = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(answer));
    const http = make(url);
    const first = await http.request<{ data: unknown[] }>({ method: 'GET', path: '/list', digest: true });
    expect(first.unchanged).toBeUndefined();
    expect(first.body.data).toEqual([{ id: '1' }]);
    expect(first.digest).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    const again = await http.request<{ data: unknown[] }>({ method: 'GET', path: '/list', digest: first.digest });
    expect(again).toMatchObject({ status: 200, digest: first.digest, unchanged: true });
    // Still readable, the same as before, when the caller needs it after all.
    expect(again.body.data).toEqual([{ id: '1' }]);

    // One byte more is another answer: parsed, with its own digest.
    answer = '{"data":[{"id":"1"}],"next":"?marker=2"}';
    const changed = await http.request<{ next: string }>({ method: 'GET', path: '/list', digest: first.digest });
    expect(changed.unchanged).toBeUndefined();
    expect(changed.body.next).toBe('?marker=2');
    expect(changed.digest).not.toBe(first.digest);
  });

  it('never calls an error answer unchanged', async () => {
    const url = await serve((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"detail":"down"}'));
    const http = make(url, { retries: 0 });
    const e = await failure(http.request({ method: 'GET', path: '/list', digest: true }));
    expect(e.status).toBe(503);
  });
});

describe('http client over TLS', () => {
  const dir = tempDir();
  let pki: TestPki;
  let tlsUrl: string;
  const tlsServer = createHttpsServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"tls":true}'));

  beforeAll(async () => {
    pki = makeTestPki(dir.path);
    tlsServer.setSecureContext({ key: pki.key, cert: pki.cert });
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    tlsServer.closeAllConnections();
    await new Promise((resolve) => tlsServer.close(resolve));
    dir.cleanup();
  });

  it('refuses a certificate from an unknown CA with a tls error that explains the fix', async () => {
    const error = await failure(make(tlsUrl).request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('tls');
    expect(error.message).toMatch(/add its CA certificate to the connection/);
  });

  it('trusts the connection’s own CA when one is given', async () => {
    const res = await make(tlsUrl, { ca: pki.caPem }).request({ method: 'GET', path: '/x' });
    expect(res.body).toEqual({ tls: true });
  });
});
