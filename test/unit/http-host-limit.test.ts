// Politeness and reuse per backend host: however many requests and clients (connections) ask at
// once, at most four requests are in flight to one host, and back-to-back requests reuse the
// sockets already open instead of opening new ones. Warmed at a sync's start, a host gets its four
// sockets at once (four in all, however many clients warm it) and the requests that follow find them open; a socket nobody takes is closed
// after the keep-alive time or when the client closes, and one the server closed while it waited
// is forgotten. Against a real HTTP server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../src-main/http/client.ts';
import { createWarmSockets } from '../../src-main/http/warm-sockets.ts';

let server: Server | undefined;
const clients: HttpClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that answers after `delayMs`, counting requests in flight (and the most at once) and TCP connections (and those open). */
async function start(delayMs: number) {
  const open = new Set<Socket>();
  const seen = { inFlight: 0, most: 0, answered: 0, sockets: 0, open };
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
  server.on('connection', (socket: Socket) => {
    seen.sockets++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const client = (baseUrl: string) => {
  const made = createHttpClient({ baseUrl, backendName: 'Backend', retries: 0, timeoutMs: 5000 });
  clients.push(made);
  return made;
};

/** Eight requests at once through one client: each answered, with its own path. */
async function expectEightAnswered(one: HttpClient, prefix: string) {
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => one.request<{ path: string }>({ method: 'GET', path: `${prefix}/${i}` })));
  expect(answers.map((a) => a.body.path)).toEqual(Array.from({ length: 8 }, (_, i) => `${prefix}/${i}`));
}

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

describe('warm sockets', () => {
  it('opens a host’s four sockets at once, and the requests that follow use them', async () => {
    const { url, seen } = await start(1);
    const one = client(url);
    one.warm();
    await expect.poll(() => seen.sockets, { timeout: 2000, interval: 5 }).toBe(4);
    // Warming again while four are open opens none.
    one.warm();
    await expectEightAnswered(one, '/k');
    expect(seen.sockets).toBe(4);
  });

  it('lets requests sent right after warming wait for the sockets on their way, instead of opening more', async () => {
    const { url, seen } = await start(5);
    const one = client(url);
    one.warm();
    await expectEightAnswered(one, '/now');
    expect(seen.sockets).toBe(4);
  });

  it('opens no more sockets to one host than requests may be in flight to it, however many clients warm it', async () => {
    const { url, seen } = await start(1);
    const [a, b] = [client(url), client(url)];
    a.warm();
    b.warm();
    await expect.poll(() => seen.sockets, { timeout: 2000, interval: 5 }).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.sockets).toBe(4);
  });

  it('closes the sockets nobody took after the keep-alive time, and when the client closes', async () => {
    const { url, seen } = await start(1);
    const target = new URL(url);
    const idle = createWarmSockets({}, 4, 50);
    idle.warm(target);
    await expect.poll(() => seen.sockets, { timeout: 2000, interval: 5 }).toBe(4);
    await expect.poll(() => seen.open.size, { timeout: 2000, interval: 5 }).toBe(0);

    const closing = createWarmSockets({}, 4, 60_000);
    closing.warm(target);
    await expect.poll(() => seen.open.size, { timeout: 2000, interval: 5 }).toBe(4);
    closing.close();
    await expect.poll(() => seen.open.size, { timeout: 2000, interval: 5 }).toBe(0);
  });

  it('forgets a socket the server closed while it waited: warming again opens a live one', async () => {
    const { url, seen } = await start(1);
    const one = client(url);
    one.warm();
    await expect.poll(() => seen.open.size, { timeout: 2000, interval: 5 }).toBe(4);
    for (const socket of seen.open) socket.destroy();
    await expect.poll(() => seen.open.size, { timeout: 2000, interval: 5 }).toBe(0);
    // Closed ones count for nothing: warming opens four again.
    await expect
      .poll(
        () => {
          one.warm();
          return seen.sockets;
        },
        { timeout: 2000, interval: 20 },
      )
      .toBe(8);
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => one.request<{ path: string }>({ method: 'GET', path: `/after/${i}` })));
    expect(answers.map((a) => a.body.path)).toEqual(Array.from({ length: 4 }, (_, i) => `/after/${i}`));
    expect(seen.sockets).toBe(8);
  });
});
