// The sync engine: cancel leaves the cache as it was; "sync all" runs every connection and one
// failure does not stop the rest; the background schedule syncs by itself and brings an
// unreachable connection back online without the user doing anything.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  sandbox.faults.clear();
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

function open(extra: Partial<Parameters<typeof createCore>[0]> = {}) {
  dir = tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0, ...extra });
}

async function connect(name: string, credential = sandbox.credentials.user) {
  return (await core.api.connections.add({ kind: 'rancher', name, baseUrl: sandbox.url, credential: { type: 'key-pair', ...credential } })).id;
}

function keysTable(): string {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return JSON.stringify(db.prepare('SELECT * FROM keys ORDER BY connection_id, id').all());
  } finally {
    db.close();
  }
}

describe('sync engine', () => {
  it('cancels a running sync and leaves the cached inventory exactly as it was', async () => {
    open();
    const id = await connect('Slow');
    await core.api.sync.run({ connectionId: id });
    const before = keysTable();
    sandbox.faults.add({ kind: 'latency', ms: 400, path: '/apikeys' });
    const running = core.api.sync.run({ connectionId: id }).catch((e: unknown) => e as ApiError);
    await expect.poll(async () => (await core.api.connections.list())[0]!.syncing).toBe(true);
    expect(await core.api.sync.cancel({ connectionId: id })).toEqual({ cancelled: true });
    const error = await running;
    expect(error).toMatchObject({ kind: 'cancelled', message: 'Sync cancelled; the cached inventory is unchanged.' });
    expect(keysTable()).toBe(before);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync?.result).toBe('cancelled');
    expect(view!.syncing).toBe(false);
    expect(await core.api.sync.cancel({ connectionId: id })).toEqual({ cancelled: false });
  });

  it('quitting during a sync cancels it: nothing half-written, the database intact', async () => {
    // A long client timeout: without the cancel, closing would wait for a server that never answers.
    open({ http: { timeoutMs: 120_000, retries: 0 } });
    const id = await connect('Quitting');
    await core.api.sync.run({ connectionId: id });
    const before = keysTable();
    sandbox.faults.add({ kind: 'hang', path: '/apikeys' });
    const running = core.api.sync.run({ connectionId: id }).catch((e: unknown) => e as ApiError);
    await expect.poll(async () => (await core.api.connections.list())[0]!.syncing).toBe(true);
    await core.close();
    expect(await running).toMatchObject({ kind: 'cancelled' });
    expect(keysTable()).toBe(before);
    const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT result FROM sync_runs ORDER BY id DESC LIMIT 1').get()).toEqual({ result: 'cancelled' });
    db.close();
    // The next start finds the connection and its inventory as they were.
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0 });
    expect((await core.api.connections.list())[0]!.lastSync?.result).toBe('cancelled');
  });

  it('syncs every connection; one failing does not stop the others', async () => {
    open();
    const alice = await connect('Alice');
    const admin = await connect('Admin', sandbox.credentials.admin);
    // Only the admin's own account keys fail.
    sandbox.faults.add({ kind: 'status', status: 500, path: `accountId=${sandbox.ids.admin}` });
    const { runs } = await core.api.sync.all();
    const byId = new Map(runs.map((r) => [r.connectionId, r]));
    expect(byId.get(alice)).toMatchObject({ result: 'ok', error: null });
    expect(byId.get(admin)).toMatchObject({ result: 'failed', error: { kind: 'unavailable' } });
  });

  it('syncs in the background and brings an unreachable connection back by itself', async () => {
    open({ syncIntervalMs: 60_000, reconnectIntervalMs: 150 });
    sandbox.faults.add({ kind: 'drop' });
    const id = await connect('Flaky').catch(async () => {
      sandbox.faults.clear();
      return connect('Flaky');
    });
    sandbox.faults.add({ kind: 'drop', path: '/apikeys' });
    // The first background sync fails to reach the backend: offline, inventory still reviewable.
    await expect.poll(async () => (await core.api.connections.list())[0]!.reachability, { timeout: 5000 }).toBe('offline');
    sandbox.faults.clear();
    // No user action: the reconnect schedule syncs again and the connection is back.
    await expect.poll(async () => (await core.api.connections.list())[0]!.reachability, { timeout: 5000 }).toBe('online');
    expect((await core.api.keys.list({ connectionId: id, limit: 10 })).total).toBeGreaterThan(0);
  });
});
