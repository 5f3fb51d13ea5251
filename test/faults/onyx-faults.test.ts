// Every way an Onyx server can fail during a sync or a key operation ends in one clear, typed
// error, and the cached inventory is byte-identical before and after. Both variants; the real
// sandbox on 127.0.0.1, real SQLite, the real keychain.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import type { Fault } from '../backends/faults.ts';
import { startOnyxSandbox, type OnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { tempDir } from '../support/temp.ts';
import { makeTestPki } from '../support/tls.ts';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

const cases: Array<[string, string, Fault, RegExp]> = [
  ['a server that never answers', 'timeout', { kind: 'hang' }, /Onyx at 127\.0\.0\.1:\d+ did not answer within 700 ms/],
  ['an answer dripping too slowly', 'timeout', { kind: 'slow-drip', bytesPerSecond: 20 }, /did not answer within/],
  ['HTTP 500', 'unavailable', { kind: 'status', status: 500 }, /Onyx at 127\.0\.0\.1:\d+ is unavailable \(HTTP 500\)/],
  ['HTTP 503 (retried, then given up)', 'unavailable', { kind: 'status', status: 503 }, /HTTP 503/],
  ['429 with a long Retry-After', 'rate-limited', { kind: 'rate-limit', retryAfterSeconds: 30 }, /rate-limiting requests \(HTTP 429\); try again in 30 s/],
  ['malformed JSON', 'bad-response', { kind: 'bad-json' }, /could not read \(malformed JSON\)/],
  ['a body cut short', 'network', { kind: 'truncate' }, /closed before the answer was complete|cut short|reset/],
  ['a well-formed answer of the wrong shape', 'bad-response', { kind: 'status', status: 200, body: { keys: [] } }, /Onyx sent a list of API keys Keyfleet could not read/],
  ['a credential deleted or regenerated in Onyx (403, not 401)', 'auth', { kind: 'expire-credential' }, /Onyx did not accept the connection’s credential \(HTTP 403/],
  ['a credential that lost its admin rights', 'forbidden', { kind: 'status', status: 403 }, /insufficient permissions.*admin API key/],
  ['a connection reset before any answer', 'network', { kind: 'drop' }, /closed|reset/],
];

describe.each<Variant>(['roles', 'groups'])('Onyx under faults (%s variant)', (variant) => {
  let sandbox: OnyxSandbox;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let connectionId: string;

  /** The cached inventory as bytes: every key row and scope, in order. */
  function snapshot(): string {
    const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
    try {
      return JSON.stringify([
        db.prepare('SELECT * FROM keys ORDER BY connection_id, id').all(),
        db.prepare('SELECT * FROM scopes ORDER BY connection_id, position').all(),
      ]);
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    sandbox = await startOnyxSandbox({ variant });
    dir = tempDir();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 } });
    const connection = await core.api.connections.add({ kind: 'onyx', name: 'Faulty', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.adminPat } });
    connectionId = connection.id;
    await core.api.sync.run({ connectionId });
  });

  afterAll(async () => {
    await core.api.connections.remove({ connectionId });
    await core.close();
    await sandbox.close();
    dir.cleanup();
  });

  it.each(cases)('sync with %s → a clear %s error, inventory untouched', async (_label, kind, fault, message) => {
    const before = snapshot();
    sandbox.faults.add({ ...fault, path: '/api/admin/api-key' });
    const error = await rejection(core.api.sync.run({ connectionId }));
    sandbox.faults.clear();
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(sandbox.credentials.adminPat.slice(9, 30));
    expect(snapshot()).toBe(before);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync).toMatchObject({ result: 'failed', error: { kind } });
  });

  it('keeps the inventory when only the token list fails, after the key list succeeded', async () => {
    const before = snapshot();
    sandbox.faults.add({ kind: 'status', status: 502, path: '/api/user/pats' });
    const error = await rejection(core.api.sync.run({ connectionId }));
    sandbox.faults.clear();
    expect(error.kind).toBe('unavailable');
    expect(snapshot()).toBe(before);
  });

  it('recovers on the next sync once the server is healthy', async () => {
    expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
  });

  it('a create refused with 429 or 500 adds nothing; a failed regenerate leaves the old secret working', async () => {
    const before = snapshot();
    sandbox.faults.add({ kind: 'rate-limit', retryAfterSeconds: 30, method: 'POST', path: '/api/admin/api-key', times: 1 });
    const limited = await rejection(core.api.keys.create({ connectionId, scopeId: 'service-accounts', type: 'api-key', name: 'x' }));
    expect(limited.kind).toBe('rate-limited');
    expect(limited.retryAfterMs).toBe(30_000);
    sandbox.faults.add({ kind: 'status', status: 500, method: 'POST', path: '/api/user/pats', times: 1 });
    expect((await rejection(core.api.keys.create({ connectionId, scopeId: 'personal-access-tokens', type: 'pat', name: 'x' }))).kind).toBe('unavailable');
    expect(snapshot()).toBe(before);

    const keyId = `key-${sandbox.ids.keys['search-bot']}`;
    const display = sandbox.apiKey(sandbox.ids.keys['search-bot']!)!.display;
    sandbox.faults.add({ kind: 'status', status: 503, method: 'POST', path: '/regenerate', times: 1 });
    const failed = await rejection(core.api.rotation.start({ connectionId, keyId }));
    expect(failed.kind).toBe('unavailable');
    // A regenerate is not repeated on its own: a second one would kill a secret nobody saw.
    expect(sandbox.requests.filter((r) => r.path.endsWith('/regenerate'))).toHaveLength(1);
    expect(sandbox.apiKey(sandbox.ids.keys['search-bot']!)!.display).toBe(display);
    expect(snapshot()).toBe(before);
  });

  it('reports a refused connection as a network error and keeps the inventory', async () => {
    const local = await startOnyxSandbox({ variant });
    const data = tempDir();
    const open = () => createCore({ dataDir: data.path, http: { timeoutMs: 700, retries: 0 } });
    let other = open();
    try {
      const c = await other.api.connections.add({ kind: 'onyx', name: 'Gone', baseUrl: local.url, credential: { type: 'token', token: local.credentials.adminKey } });
      await other.api.sync.run({ connectionId: c.id });
      const before = await other.api.keys.list({ connectionId: c.id, limit: 1000 });
      expect(before.total).toBe(local.apiKeys().length);
      // Keyfleet starts again while the server is down: no kept-alive socket, a refused connection.
      await other.close();
      await local.close();
      other = open();
      const error = await rejection(other.api.sync.run({ connectionId: c.id }));
      expect(error.kind).toBe('network');
      expect(error.message).toMatch(/Could not reach Onyx at 127\.0\.0\.1:\d+: the connection was refused/);
      expect(await other.api.keys.list({ connectionId: c.id, limit: 1000 })).toEqual(before);
      await other.api.connections.remove({ connectionId: c.id });
    } finally {
      await other.close();
      data.cleanup();
    }
  });
});

describe('Onyx over TLS', () => {
  it('refuses an unknown CA with a tls error, and works with the connection’s own CA', async () => {
    const certs = tempDir();
    const pki = makeTestPki(certs.path);
    const tls = await startOnyxSandbox({ tls: { key: pki.key, cert: pki.cert } });
    const data = tempDir();
    const other = createCore({ dataDir: data.path, http: { timeoutMs: 2000, retries: 0 } });
    try {
      const input = { kind: 'onyx' as const, name: 'TLS', baseUrl: `${tls.url}/api`, credential: { type: 'token' as const, token: tls.credentials.adminKey } };
      expect((await rejection(other.api.connections.add(input))).kind).toBe('tls');
      expect(await other.api.connections.list()).toEqual([]);
      const c = await other.api.connections.add({ ...input, caPem: pki.caPem });
      expect((await other.api.sync.run({ connectionId: c.id })).result).toBe('ok');
      await other.api.connections.remove({ connectionId: c.id });
    } finally {
      await other.close();
      await tls.close();
      data.cleanup();
      certs.cleanup();
    }
  });
});
