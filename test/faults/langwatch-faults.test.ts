// Every way a LangWatch server can fail during a sync or a key operation ends in one clear, typed
// error, and the cached inventory is byte-identical before and after. Both API eras; the real
// sandbox on 127.0.0.1, real SQLite, the real keychain.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import type { Fault } from '../backends/faults.ts';
import { startLangwatchSandbox, type Era, type LangwatchSandbox } from '../backends/langwatch/server.ts';
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
  ['a server that never answers', 'timeout', { kind: 'hang' }, /LangWatch at 127\.0\.0\.1:\d+ did not answer within 700 ms/],
  ['an answer dripping too slowly', 'timeout', { kind: 'slow-drip', bytesPerSecond: 20 }, /did not answer within/],
  ['HTTP 500', 'unavailable', { kind: 'status', status: 500 }, /LangWatch at 127\.0\.0\.1:\d+ is unavailable \(HTTP 500\)/],
  ['HTTP 503 (retried, then given up)', 'unavailable', { kind: 'status', status: 503 }, /HTTP 503/],
  ['429 with a long Retry-After', 'rate-limited', { kind: 'rate-limit', retryAfterSeconds: 30 }, /rate-limiting requests \(HTTP 429\); try again in 30 s/],
  ['malformed JSON', 'bad-response', { kind: 'bad-json' }, /could not read \(malformed JSON\)/],
  ['a body cut short', 'network', { kind: 'truncate' }, /closed before the answer was complete|cut short|reset/],
  ['a well-formed answer of the wrong shape', 'bad-response', { kind: 'status', status: 200, body: { keys: [] } }, /LangWatch sent a list of API keys Keyfleet could not read \(field data\)/],
  ['a key revoked or expired in LangWatch (401)', 'auth', { kind: 'expire-credential' }, /LangWatch did not accept the connection’s key \(HTTP 401: invalid credentials\)/],
  ['a key that lost organization:view (403)', 'forbidden', { kind: 'status', status: 403, body: { error: 'Forbidden', message: 'Insufficient permissions. Required: organization:view' } }, /lacks the organization:view permission/],
  ['a connection reset before any answer', 'network', { kind: 'drop' }, /closed|reset/],
];

describe.each<Era>(['A', 'B'])('LangWatch under faults (era %s)', (era) => {
  let sandbox: LangwatchSandbox;
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
    sandbox = await startLangwatchSandbox({ era });
    dir = tempDir();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 } });
    const connection = await core.api.connections.add({ kind: 'langwatch', name: 'Faulty', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.admin } });
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
    expect(JSON.parse(before)[0]).toHaveLength(era === 'B' ? 6 : 5);
    sandbox.faults.add({ ...fault, method: 'GET', path: /^\/api\/api-keys$/ });
    const error = await rejection(core.api.sync.run({ connectionId }));
    sandbox.faults.clear();
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(sandbox.credentials.admin.slice(10));
    expect(snapshot()).toBe(before);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync).toMatchObject({ result: 'failed', error: { kind } });
  });

  it('keeps the inventory when a later page of projects fails after the teams were read', async () => {
    sandbox.seedProjects(150);
    const before = snapshot();
    sandbox.faults.add({ kind: 'status', status: 502, path: '/api/projects?page=2' });
    const error = await rejection(core.api.sync.run({ connectionId }));
    sandbox.faults.clear();
    expect(error.kind).toBe('unavailable');
    expect(snapshot()).toBe(before);
  });

  it('recovers on the next sync once the server is healthy', async () => {
    const run = await core.api.sync.run({ connectionId });
    expect(run).toMatchObject({ result: 'ok', scopes: 156 });
  });

  it('a create refused with 429 or 500 adds nothing; a failed revoke leaves the key working and cached', async () => {
    const before = snapshot();
    const keysBefore = sandbox.keys().length;
    sandbox.faults.add({ kind: 'rate-limit', retryAfterSeconds: 30, method: 'POST', path: '/api/api-keys', times: 1 });
    const limited = await rejection(core.api.keys.create({ connectionId, scopeId: sandbox.ids.organization, type: 'service', name: 'x' }));
    expect(limited).toMatchObject({ kind: 'rate-limited', retryAfterMs: 30_000 });
    sandbox.faults.add({ kind: 'status', status: 500, method: 'POST', path: '/api/api-keys', times: 1 });
    expect((await rejection(core.api.keys.create({ connectionId, scopeId: sandbox.ids.organization, type: 'service', name: 'x' }))).kind).toBe('unavailable');
    // A create is never repeated on its own: a second one would mint a key nobody sees.
    expect(sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(sandbox.keys().length).toBe(keysBefore);

    const id = sandbox.ids.keys['ci-pipeline']!;
    sandbox.faults.add({ kind: 'status', status: 503, method: 'DELETE', path: `/api/api-keys/${id}` });
    const failed = await rejection(core.api.keys.delete({ connectionId, keyId: id }));
    sandbox.faults.clear();
    expect(failed.kind).toBe('unavailable');
    expect(sandbox.key(id)!.revokedAt).toBeNull();
    expect(snapshot()).toBe(before);
  });

  it('reports a refused connection as a network error and keeps the inventory', async () => {
    const local = await startLangwatchSandbox({ era });
    const data = tempDir();
    const open = () => createCore({ dataDir: data.path, http: { timeoutMs: 700, retries: 0 } });
    let other = open();
    try {
      const c = await other.api.connections.add({ kind: 'langwatch', name: 'Gone', baseUrl: local.url, credential: { type: 'token', token: local.credentials.service } });
      await other.api.sync.run({ connectionId: c.id });
      const before = await other.api.keys.list({ connectionId: c.id, limit: 1000 });
      expect(before.total).toBe(local.keys().filter((k) => k.revokedAt === null && k.name !== 'Langy session').length);
      // Keyfleet starts again while the server is down: no kept-alive socket, a refused connection.
      await other.close();
      await local.close();
      other = open();
      const error = await rejection(other.api.sync.run({ connectionId: c.id }));
      expect(error.kind).toBe('network');
      expect(error.message).toMatch(/Could not reach LangWatch at 127\.0\.0\.1:\d+: the connection was refused/);
      expect(await other.api.keys.list({ connectionId: c.id, limit: 1000 })).toEqual(before);
      await other.api.connections.remove({ connectionId: c.id });
    } finally {
      await other.close();
      data.cleanup();
    }
  });
});

describe('LangWatch over TLS', () => {
  it('refuses an unknown CA with a tls error, and works with the connection’s own CA', async () => {
    const certs = tempDir();
    const pki = makeTestPki(certs.path);
    const tls = await startLangwatchSandbox({ tls: { key: pki.key, cert: pki.cert } });
    const data = tempDir();
    const other = createCore({ dataDir: data.path, http: { timeoutMs: 2000, retries: 0 } });
    try {
      const input = { kind: 'langwatch' as const, name: 'TLS', baseUrl: tls.url, credential: { type: 'token' as const, token: tls.credentials.admin } };
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
