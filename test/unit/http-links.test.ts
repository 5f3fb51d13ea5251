// Links a backend sends are read as the URL parser reads them, and only the connection's own
// origin is ever called: two real servers on 127.0.0.1 (the connection's, and another that
// records whatever reaches it), every spelling the parser resolves to another host, and an https
// connection whose backend links to plain http on its own host and port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src-main/errors.ts';
import { createHttpClient } from '../../src-main/http/client.ts';
import { requestUrl } from '../../src-main/http/link.ts';
import { startLoopbackServer, type LoopbackServer } from '../backends/faults.ts';
import { foreignSpellings } from '../support/hostile.ts';
import { makeTestPki } from '../support/tls.ts';
import { tempDir } from '../support/temp.ts';

const SECRET = 'links-test-secret-0123456789';
const AUTH = `Basic ${Buffer.from(`AK:${SECRET}`).toString('base64')}`;

interface Recorder {
  server: LoopbackServer;
  seen: Array<{ url: string; authorization: string | undefined }>;
}

async function recorder(tls?: { key: string; cert: string }): Promise<Recorder> {
  const seen: Recorder['seen'] = [];
  const server = await startLoopbackServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
  }, { tls });
  return { server, seen };
}

async function refusal(call: Promise<unknown>): Promise<ProviderError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('the link was followed');
}

let own: Recorder;
let other: Recorder;
const certs = tempDir();
const pki = makeTestPki(certs.path);

beforeAll(async () => {
  own = await recorder();
  other = await recorder();
});

afterAll(async () => {
  await own.server.close();
  await other.server.close();
  certs.cleanup();
});

describe('links from a backend', () => {
  it('are read as the URL parser reads them: every spelling of another host is refused as bad-response', () => {
    const base = new URL(`${own.server.url}/`);
    for (const [label, link] of foreignSpellings(other.server.url)) {
      let error: unknown;
      try {
        requestUrl(base, link, undefined, 'Testend');
      } catch (e) {
        error = e;
      }
      expect(error, label).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind, label).toBe('bad-response');
      expect((error as ProviderError).message, label).toMatch(/^Testend sent a link .*Keyfleet sends the connection’s credential only to http:\/\/127\.0\.0\.1:\d+, so it did not follow the link\./);
    }
  });

  it('refuses other schemes, and a user name or password on its own origin', () => {
    const base = new URL(`${own.server.url}/`);
    for (const link of ['javascript:alert(1)', 'file:///etc/passwd', 'data:application/json,{}', `http://user:pw@${own.server.url.slice(7)}/x`]) {
      expect(() => requestUrl(base, link, undefined, 'Testend'), link).toThrow(ProviderError);
    }
  });

  it('follows what stays on the connection’s origin, under the base path for the adapter’s own paths', () => {
    const base = new URL(`${own.server.url}/rancher/`);
    const origin = own.server.url;
    expect(requestUrl(base, '/v2-beta/apikeys', { limit: 5 }, 'T').href).toBe(`${origin}/rancher/v2-beta/apikeys?limit=5`);
    expect(requestUrl(base, `${origin}/rancher/v2-beta/apikeys?marker=m2`, undefined, 'T').href).toBe(`${origin}/rancher/v2-beta/apikeys?marker=m2`);
    expect(requestUrl(base, 'v2-beta/apikeys#frag', undefined, 'T').href).toBe(`${origin}/rancher/v2-beta/apikeys`);
    // "http:host:port/…" on an http base is, to the parser, a path on the base's own host.
    expect(new URL(requestUrl(base, `http:${other.server.url.slice(7)}/x`, undefined, 'T').href).origin).toBe(origin);
  });

  it('never sends the credential to the other server, over a real request for each spelling', async () => {
    const client = createHttpClient({ baseUrl: own.server.url, backendName: 'Testend', headers: { authorization: AUTH }, retries: 0 });
    try {
      for (const [label, link] of foreignSpellings(other.server.url)) {
        for (const method of ['GET', 'POST', 'PUT'] as const) {
          const error = await refusal(client.request({ method, path: link, body: method === 'GET' ? undefined : { name: 'x' } }));
          expect(error.kind, `${method} ${label}`).toBe('bad-response');
        }
      }
      await client.request({ method: 'GET', path: '/v2-beta/apikeys' });
    } finally {
      await client.close();
    }
    expect(other.seen).toEqual([]);
    expect(own.seen.map((s) => s.authorization)).toEqual([AUTH]);
  });

  it('refuses an https connection’s link to plain http on its own host and port: nothing leaves in clear', async () => {
    const secure = await startLoopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), { tls: pki });
    let plaintext = 0;
    // A plain HTTP request reaching a TLS server is a client error there, before any handler.
    (secure.server).on('tlsClientError', () => plaintext++);
    let connections = 0;
    secure.server.on('connection', () => connections++);
    const client = createHttpClient({ baseUrl: secure.url, backendName: 'Testend', headers: { authorization: AUTH }, ca: pki.caPem, retries: 0 });
    try {
      await client.request({ method: 'GET', path: '/v2-beta/apikeys' });
      const opened = connections;
      const host = secure.url.slice('https://'.length);
      for (const link of [`http://${host}/v2-beta/apikeys`, `http:\\\\${host}/v2-beta/apikeys`, ` http://${host}/x`, `http:/${host}/x`]) {
        const error = await refusal(client.request({ method: 'POST', path: link }));
        expect(error.message, link).toMatch(/^Testend sent a plain http link to its own address \(http:\/\/127\.0\.0\.1:\d+\), which would carry the credential unencrypted\./);
      }
      expect(connections).toBe(opened);
    } finally {
      await client.close();
      await secure.close();
    }
    expect(plaintext).toBe(0);
  });
});
