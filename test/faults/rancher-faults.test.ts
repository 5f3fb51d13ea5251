// Every way a Rancher server can fail during a sync ends in one clear, typed error, and the cached
// inventory is byte-identical before and after. Real sandbox on 127.0.0.1, real SQLite, real keychain.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import type { Fault } from '../backends/faults.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';
import { makeTestPki } from '../support/tls.ts';

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
let connectionId: string;

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

async function failedSync(): Promise<ApiError> {
  try {
    await core.api.sync.run({ connectionId });
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the sync to fail');
}

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
  dir = tempDir();
  core = createCore({
    dataDir: dir.path,
    http: { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 },
  });
  const connection = await core.api.connections.add({
    kind: 'rancher',
    name: 'Faulty',
    baseUrl: sandbox.url,
    credential: { type: 'key-pair', ...sandbox.credentials.user },
  });
  connectionId = connection.id;
  await core.api.sync.run({ connectionId });
});

afterAll(async () => {
  await core.api.connections.remove({ connectionId });
  await core.close();
  await sandbox.close();
  dir.cleanup();
});

const cases: Array<[string, string, Fault, RegExp]> = [
  ['a server that never answers', 'timeout', { kind: 'hang' }, /did not answer within 700 ms/],
  ['an answer dripping too slowly', 'timeout', { kind: 'slow-drip', bytesPerSecond: 20 }, /did not answer within/],
  ['HTTP 500', 'unavailable', { kind: 'status', status: 500 }, /is unavailable \(HTTP 500\)/],
  ['HTTP 502 (retried, then given up)', 'unavailable', { kind: 'status', status: 502 }, /HTTP 502/],
  ['429 with a long Retry-After', 'rate-limited', { kind: 'rate-limit', retryAfterSeconds: 30 }, /try again in 30 s/],
  ['malformed JSON', 'bad-response', { kind: 'bad-json' }, /could not read \(malformed JSON\)/],
  ['a body cut short', 'network', { kind: 'truncate' }, /closed before the answer was complete|cut short|reset/],
  ['a 2 GB claimed body', 'bad-response', { kind: 'huge', claimBytes: 2 * 1024 ** 3 }, /larger than Keyfleet accepts/],
  ['a revoked credential', 'auth', { kind: 'expire-credential' }, /rejected the connection's credential/],
  ['a 403', 'forbidden', { kind: 'status', status: 403 }, /lacks the permission/],
  ['a connection reset before any answer', 'network', { kind: 'drop' }, /closed|reset/],
];

describe('Rancher sync under faults', () => {
  it.each(cases)('%s → a clear %s error, inventory untouched', async (_label, kind, fault, message) => {
    const before = snapshot();
    sandbox.faults.add({ ...fault, path: '/apikeys' });
    const error = await failedSync();
    sandbox.faults.clear();
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(sandbox.credentials.user.secretKey);
    expect(snapshot()).toBe(before);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync).toMatchObject({ result: 'failed', error: { kind } });
  });

  it('recovers on the next sync once the server is healthy', async () => {
    const run = await core.api.sync.run({ connectionId });
    expect(run.result).toBe('ok');
  });

  it('reports a refused connection as a network error and keeps the inventory', async () => {
    const local = await startRancherSandbox({ settleMs: 5 });
    const data = tempDir();
    // One retry, as in the app: the first attempt may land on a kept-alive socket the stopped server closed.
    const other = createCore({ dataDir: data.path, http: { timeoutMs: 700, retries: 1, backoffMs: 5 } });
    try {
      const c = await other.api.connections.add({ kind: 'rancher', name: 'Gone', baseUrl: local.url, credential: { type: 'key-pair', ...local.credentials.user } });
      await other.api.sync.run({ connectionId: c.id });
      const before = await other.api.keys.list({ connectionId: c.id, limit: 1000 });
      await local.close();
      const error = await other.api.sync.run({ connectionId: c.id }).then(
        () => undefined,
        (e: unknown) => e as ApiError,
      );
      expect(error?.kind).toBe('network');
      expect(error?.message).toMatch(/connection was refused/);
      expect(await other.api.keys.list({ connectionId: c.id, limit: 1000 })).toEqual(before);
      await other.api.connections.remove({ connectionId: c.id });
    } finally {
      await other.close();
      data.cleanup();
    }
  });
});

describe('Rancher over TLS', () => {
  it('refuses an unknown CA with a tls error, and works with the connection’s own CA', async () => {
    const certs = tempDir();
    const pki = makeTestPki(certs.path);
    const tls = await startRancherSandbox({ settleMs: 5, tls: { key: pki.key, cert: pki.cert } });
    const data = tempDir();
    const other = createCore({ dataDir: data.path, http: { timeoutMs: 2000, retries: 0 } });
    try {
      const input = { kind: 'rancher' as const, name: 'TLS', baseUrl: tls.url, credential: { type: 'key-pair' as const, ...tls.credentials.user } };
      const refused = await other.api.connections.add(input).then(
        () => undefined,
        (e: unknown) => e as ApiError,
      );
      expect(refused?.kind).toBe('tls');
      expect(await other.api.connections.list()).toEqual([]);

      const c = await other.api.connections.add({ ...input, caPem: pki.caPem });
      expect(c.hasCustomCa).toBe(true);
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
