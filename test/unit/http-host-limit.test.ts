// Politeness and reuse per backend host: however many requests and clients (connections) ask at
// once, at most four requests are in flight to one host, and back-to-back requests reuse the
// sockets already open instead of opening new ones. Against a real HTTP server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../src-main/http/client.ts';

let server: Server | undefined;
const clients: HttpClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that answers after `delayMs`, counting requests in flight (and the most at once) and TCP connections. */
async function start(delayMs: number) {
  const seen = { inFlight: 0, most: 0, answered: 0, sockets: 0 };
  server = createServer((req, res) => {
    seen.inFlight++;
    seen.most = Math.max(seen.most, seen.inFlight);
    setTimeout(() => {
      seen.inFlight--;
      seen.answered++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    }, delayMs);
  });
  server.on('connection', () => seen.sockets++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const client = (baseUrl: string) => {
  const made = createHttpClient({ baseUrl, backendName: 'Backend', retries: 0, timeoutMs: 5000 });
  clients.push(made);
  return made;
};

describe('requests per host', () => {
  it('keeps at most four requests in flight to one host, across every client of it, and answers them all', async () => {
    const { url, seen } = await start(30);
    const [a, b] = [client(url), client(url)];
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).request<{ path: string }>({ method: 'GET', path: `/item/${i}` })));
    expect(answers.map((r) => r.body.path)).toEqual(Array.from({ length: 20 }, (_, i) => `/item/${i}`));
    expect(seen.answered).toBe(20);
    expect(seen.most).toBe(4);
  });

  it('reuses its open socket for back-to-back requests', async () => {
    const { url, seen } = await start(1);
    const one = client(url);
    for (let i = 0; i < 8; i++) await one.request({ method: 'GET', path: `/next/${i}` });
    expect(seen.sockets).toBe(1);
    await Promise.all(Array.from({ length: 12 }, (_, i) => one.request({ method: 'GET', path: `/wide/${i}` })));
    // Twelve at once go over at most four sockets.
    expect(seen.sockets).toBeLessThanOrEqual(4);
  });
});
