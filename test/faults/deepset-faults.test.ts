// Every way a deepset server can fail during a sync ends in one clear, typed error, and the cached
// inventory is byte-identical before and after. Real sandbox on 127.0.0.1, real SQLite, real keychain.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import type { Fault } from '../backends/faults.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { tempDir } from '../support/temp.ts';
import { makeTestPki } from '../support/tls.ts';

let sandbox: DeepsetSandbox;
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
  sandbox = await startDeepsetSandbox();
  dir = tempDir();
  core = createCore({
    dataDir: dir.path,
    http: { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 },
  });
  const connection = await core.api.connections.add({
    kind: 'deepset',
    name: 'Faulty',
    baseUrl: sandbox.url,
    credential: { type: 'token', token: sandbox.credentials.admin },
    credentialKind: 'user-token',
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
  ['a server that never answers', 'timeout', { kind: 'hang' }, /deepset at 127\.0\.0\.1:\d+ did not answer within 700 ms/],
  ['an answer dripping too slowly', 'timeout', { kind: 'slow-drip', bytesPerSecond: 20 }, /did not answer within/],
  ['HTTP 500', 'unavailable', { kind: 'status', status: 500 }, /deepset at 127\.0\.0\.1:\d+ is unavailable \(HTTP 500\)/],
  ['HTTP 503 (retried, then given up)', 'unavailable', { kind: 'status', status: 503 }, /HTTP 503/],
  ['429 with a long Retry-After', 'rate-limited', { kind: 'rate-limit', retryAfterSeconds: 30 }, /try again in 30 s/],
  ['malformed JSON', 'bad-response', { kind: 'bad-json' }, /could not read \(malformed JSON\)/],
  ['a body cut short', 'network', { kind: 'truncate' }, /closed before the answer was complete|cut short|reset/],
  ['a 2 GB claimed body', 'bad-response', { kind: 'huge', claimBytes: 2 * 1024 ** 3 }, /larger than Keyfleet accepts/],
  ['an expired session (401)', 'auth', { kind: 'expire-credential' }, /session expired — reconnect with a fresh user access token/],
  ['a 403', 'forbidden', { kind: 'status', status: 403 }, /Listing API keys needs the organization Admin role/],
  ['a connection reset before any answer', 'network', { kind: 'drop' }, /closed|reset/],
  ['a key list that is not a page', 'bad-response', { kind: 'status', status: 200, body: { items: [] } }, /sent a page of .*keys.* Keyfleet could not read/],
];

describe('deepset sync under faults', () => {
  it.each(cases)('%s → a clear %s error, inventory untouched', async (_label, kind, fault, message) => {
    const before = snapshot();
    sandbox.faults.add({ ...fault, path: '/token' });
    const error = await failedSync();
    sandbox.faults.clear();
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(sandbox.credentials.admin.slice(-12));
    expect(snapshot()).toBe(before);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync).toMatchObject({ result: 'failed', error: { kind } });
  });

  it('a failing workspace list fails the whole sync, not half of it', async () => {
    const before = snapshot();
    sandbox.faults.add({ kind: 'status', status: 502, path: '/workspaces/research/token' });
    expect((await failedSync()).kind).toBe('unavailable');
    sandbox.faults.clear();
    expect(snapshot()).toBe(before);
  });

  it('recovers on the next sync once the server is healthy', async () => {
    const run = await core.api.sync.run({ connectionId });
    expect(run.result).toBe('ok');
    expect(run.keys).toBe(sandbox.keys().length);
  });

  it('reports a refused connection as a network error and keeps the inventory', async () => {
    const local = await startDeepsetSandbox();
    const data = tempDir();
    // One retry, as in the app: a pooled connection the server closed fails first, the retry is refused.
    const other = createCore({ dataDir: data.path, http: { timeoutMs: 700, retries: 1, backoffMs: 5 } });
    try {
      const c = await other.api.connections.add({ kind: 'deepset', name: 'Gone', baseUrl: local.url, credential: { type: 'token', token: local.credentials.admin } });
      await other.api.sync.run({ connectionId: c.id });
      const before = await other.api.keys.list({ connectionId: c.id, limit: 1000 });
      expect(before.total).toBe(local.keys().length);
      await local.close();
      const error = await other.api.sync.run({ connectionId: c.id }).then(
        () => undefined,
        (e: unknown) => e as ApiError,
      );
      expect(error?.kind).toBe('network');
      expect(error?.message).toMatch(/Could not reach deepset at 127\.0\.0\.1:\d+: the connection was refused/);
      expect(await other.api.keys.list({ connectionId: c.id, limit: 1000 })).toEqual(before);
      await other.api.connections.remove({ connectionId: c.id });
    } finally {
      await other.close();
      data.cleanup();
    }
  });
});

describe('deepset over TLS', () => {
  it('refuses an unknown CA with a tls error, and works with the connection’s own CA', async () => {
    const certs = tempDir();
    const pki = makeTestPki(certs.path);
    const tls = await startDeepsetSandbox({ tls: { key: pki.key, cert: pki.cert } });
    const data = tempDir();
    const other = createCore({ dataDir: data.path, http: { timeoutMs: 2000, retries: 0 } });
    try {
      const input = { kind: 'deepset' as const, name: 'TLS', baseUrl: tls.url, credential: { type: 'token' as const, token: tls.credentials.apiKey } };
      const refused = await other.api.connections.add(input).then(
        () => undefined,
        (e: unknown) => e as ApiError,
      );
      expect(refused?.kind).toBe('tls');
      expect(await other.api.connections.list()).toEqual([]);

      const c = await other.api.connections.add({ ...input, caPem: pki.caPem });
      expect(c).toMatchObject({ hasCustomCa: true, readOnly: true });
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
