import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointDeferral, openDatabase } from '../../src-main/store/db.ts';
import { createStore } from '../../src-main/store/index.ts';
import { migrations } from '../../src-main/store/migrations/index.ts';
import type { RemoteKey, RemoteScope } from '../../src-main/model.ts';
import { insertConnection, remoteKey } from '../support/store.ts';
import { tempDir } from '../support/temp.ts';

const dirs: Array<{ cleanup: () => void }> = [];
function dbFile(): string {
  const dir = tempDir();
  dirs.push(dir);
  return join(dir.path, 'keyfleet.db');
}
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

const scope: RemoteScope = { id: '1a5', kind: 'environment', name: 'Default', parentId: null, raw: {} };
const key = (id: string, patch: Partial<RemoteKey> = {}): RemoteKey => remoteKey(id, '1a5', patch);

const addConnection = (store: ReturnType<typeof createStore>, id = '6f2c1f49-2d7e-4c7a-9a57-2d1f5b0e8c11') =>
  insertConnection(store, id, { name: 'Rancher', settings: { target: 'org-1' } });

describe('store', () => {
  it('opens in WAL mode with foreign keys on and records every migration once', () => {
    const file = dbFile();
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    db.close();
  });

  it('refuses to open a database whose applied migration was edited afterwards', () => {
    const file = dbFile();
    openDatabase(file).close();
    const edited = migrations.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expect(() => openDatabase(file, edited)).toThrow(/changed after it was applied/);
  });

  it('refuses a database written by a newer schema', () => {
    const file = dbFile();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?, ?)').run('future', 'x', 1);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer Keyfleet/);
  });

  it('has no column that could hold a secret', () => {
    const db = openDatabase(dbFile());
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    const columns = tables.flatMap(({ name }) =>
      (db.prepare(`PRAGMA table_info(${name})`).all() as Array<{ name: string }>).map((c) => `${name}.${c.name}`),
    );
    expect(columns.length).toBeGreaterThan(40);
    expect(columns.filter((c) => /secret|password|token|credential|api_key|private/i.test(c))).toEqual([]);
    db.close();
  });

  it('swaps a snapshot and logs what was added, removed and changed', () => {
    const store = createStore(dbFile());
    const connectionId = addConnection(store);
    const run1 = store.syncRuns.start(connectionId, 10);
    // As a sync does: the swap and the connection's last success in one transaction.
    const first = store.transaction(() => {
      const counts = store.inventory.replaceSnapshot(connectionId, [scope], [key('1c1'), key('1c2'), key('1c3')], run1, 10);
      store.connections.markSynced(connectionId, 10);
      return counts;
    });
    expect(first).toEqual({ added: 3, removed: 0, changed: 0 });

    const run2 = store.syncRuns.start(connectionId, 20);
    const second = store.transaction(() => {
      const counts = store.inventory.replaceSnapshot(
        connectionId,
        [scope],
        [key('1c1'), key('1c2', { name: 'renamed', status: 'inactive' }), key('1c4')],
        run2,
        20,
      );
      store.connections.markSynced(connectionId, 20);
      return counts;
    });
    expect(second).toEqual({ added: 1, removed: 1, changed: 1 });
    const changes = store.db
      .prepare('SELECT key_id, change, fields_json FROM changes WHERE sync_run_id = ? ORDER BY key_id')
      .all(run2) as Array<{ key_id: string; change: string; fields_json: string }>;
    expect(changes.map((c) => [c.key_id, c.change])).toEqual([
      ['1c2', 'changed'],
      ['1c3', 'removed'],
      ['1c4', 'added'],
    ]);
    expect(JSON.parse(changes[0]!.fields_json)).toEqual({ name: ['key-1c2', 'renamed'], status: ['active', 'inactive'] });
    expect(store.inventory.getKey(connectionId, '1c1')!.firstSeenAt).toBe(10);
    // Unchanged, 1c1's row was not rewritten; it reads as seen by the last successful sync.
    expect(store.inventory.getKey(connectionId, '1c1')!.lastSeenAt).toBe(20);
    // Gone from the backend: kept as a ghost row with when it went, not deleted.
    expect(store.inventory.getKey(connectionId, '1c3')).toMatchObject({ goneSince: 20, lastSeenAt: 10 });
    expect(store.inventory.keys({ connectionId, offset: 0, limit: 10 }).total).toBe(4);
    expect(store.inventory.keys({ connectionId, presentOnly: true, offset: 0, limit: 10 }).total).toBe(3);
    expect(store.inventory.listScopes(connectionId)[0]!.keyCount).toBe(3);

    // Still gone at the next sync: logged once, not again.
    const run3 = store.syncRuns.start(connectionId, 30);
    const third = store.transaction(() =>
      store.inventory.replaceSnapshot(connectionId, [scope], [key('1c1'), key('1c2', { name: 'renamed', status: 'inactive' }), key('1c4')], run3, 30),
    );
    expect(third).toEqual({ added: 0, removed: 0, changed: 0 });
    // Hidden by the user: out of the list; a present key cannot be hidden.
    expect(store.inventory.hideGone(connectionId, '1c3')).toBe(true);
    expect(store.inventory.hideGone(connectionId, '1c1')).toBe(false);
    expect(store.inventory.keys({ connectionId, offset: 0, limit: 10 }).total).toBe(3);
    // Back on the backend: visible and present again.
    const run4 = store.syncRuns.start(connectionId, 40);
    const fourth = store.transaction(() =>
      store.inventory.replaceSnapshot(connectionId, [scope], [key('1c1'), key('1c2', { name: 'renamed', status: 'inactive' }), key('1c3'), key('1c4')], run4, 40),
    );
    expect(fourth).toEqual({ added: 1, removed: 0, changed: 0 });
    expect(store.inventory.getKey(connectionId, '1c3')).toMatchObject({ goneSince: null });
    store.close();
  });

  it('detects every kind of change a sync can see', () => {
    const store = createStore(dbFile());
    const connectionId = addConnection(store);
    const other: RemoteScope = { id: '1a9', kind: 'environment', name: 'Staging', parentId: null, raw: {} };
    const sync = (at: number, keys: RemoteKey[]) => {
      const run = store.syncRuns.start(connectionId, at);
      store.transaction(() => store.inventory.replaceSnapshot(connectionId, [scope, other], keys, run, at));
      return store.inventory.changesSince(at, connectionId, 0, 100).rows;
    };
    sync(1, [key('a'), key('b'), key('c'), key('d'), key('e'), key('f'), key('g')]);
    const changes = sync(2, [
      key('a', { name: 'renamed' }),
      key('b', { description: 'now described' }),
      key('c', { status: 'inactive' }),
      key('d', { role: 'ADMIN' }),
      key('e', { expiresAt: 1_800_000_000_000 }),
      key('f', { scopeId: '1a9' }),
      key('g', { type: 'account' }),
      key('h'),
    ]);
    const byKey = Object.fromEntries(changes.map((c) => [c.keyId, [c.change, c.fields]]));
    expect(byKey).toEqual({
      a: ['changed', { name: ['key-a', 'renamed'] }],
      b: ['changed', { description: [null, 'now described'] }],
      c: ['changed', { status: ['active', 'inactive'] }],
      d: ['changed', { role: [null, 'ADMIN'] }],
      e: ['changed', { expiresAt: [null, 1_800_000_000_000] }],
      f: ['changed', { scopeId: ['1a5', '1a9'] }],
      g: ['changed', { type: ['environment', 'account'] }],
      h: ['added', {}],
    });
    store.close();
  });

  it('keeps a held key through syncs until its hold ends, and Keyfleet-only state always', () => {
    const store = createStore(dbFile());
    const connectionId = addConnection(store);
    const sync = (at: number, keys: RemoteKey[]) => {
      const run = store.syncRuns.start(connectionId, at);
      return store.transaction(() => store.inventory.replaceSnapshot(connectionId, [scope], keys, run, at));
    };
    sync(100, [key('1c1'), key('1c2')]);
    // Just created: the backend's list lags behind.
    store.inventory.putKey(connectionId, key('1c9'), 110, { kind: 'added', fields: {} }, {
      holdUntil: 500,
      holdReason: 'created',
      localHint: 'sk-lw-Ab12…',
      localLabel: null,
    });
    // Just deleted: the backend may still list it, and accept it, for a while.
    store.inventory.putKey(connectionId, key('1c2', { status: 'revoked' }), 120, undefined, {
      holdUntil: 800,
      holdReason: 'revoked',
      localHint: null,
      localLabel: 'old CI',
    });

    expect(sync(200, [key('1c1'), key('1c2')])).toEqual({ added: 0, removed: 0, changed: 0 });
    expect(store.inventory.getKey(connectionId, '1c9')).toMatchObject({ holdReason: 'created', localHint: 'sk-lw-Ab12…' });
    expect(store.inventory.getKey(connectionId, '1c2')).toMatchObject({ status: 'revoked', localLabel: 'old CI' });

    // The list catches up: the created key is listed, its hold ends, its hint stays.
    sync(300, [key('1c1'), key('1c2'), key('1c9', { maskedValue: null })]);
    expect(store.inventory.getKey(connectionId, '1c9')).toMatchObject({ holdUntil: null, holdReason: null, localHint: 'sk-lw-Ab12…' });

    // After the revoked hold ends, a key Keyfleet deleted and the backend no longer lists just goes
    // (its deletion was logged when Keyfleet made it; it is no ghost).
    expect(sync(900, [key('1c1'), key('1c9')])).toEqual({ added: 0, removed: 0, changed: 0 });
    expect(store.inventory.getKey(connectionId, '1c2')).toBeUndefined();
    store.close();
  });

  it('filters and sorts a page of keys, treating % and _ in the filter literally', () => {
    const store = createStore(dbFile());
    const connectionId = addConnection(store);
    const run = store.syncRuns.start(connectionId, 1);
    store.transaction(() =>
      store.inventory.replaceSnapshot(
        connectionId,
        [scope],
        [key('1c1', { name: 'deploy_prod' }), key('1c2', { name: 'deployXprod' }), key('1c3', { name: 'Alpha' })],
        run,
        1,
      ),
    );
    const underscore = store.inventory.keys({ connectionId, query: 'deploy_', offset: 0, limit: 10 });
    expect(underscore.rows.map((r) => r.name)).toEqual(['deploy_prod']);
    const sorted = store.inventory.keys({ connectionId, sort: { column: 'name', direction: 'desc' }, offset: 0, limit: 2 });
    expect(sorted.total).toBe(3);
    expect(sorted.rows.map((r) => r.name)).toEqual(['deployXprod', 'deploy_prod']);
    store.close();
  });

  it('drops a connection’s inventory and history with it', () => {
    const store = createStore(dbFile());
    const connectionId = addConnection(store);
    const run = store.syncRuns.start(connectionId, 1);
    store.transaction(() => store.inventory.replaceSnapshot(connectionId, [scope], [key('1c1')], run, 1));
    store.connections.remove(connectionId);
    for (const table of ['keys', 'scopes', 'sync_runs', 'changes']) {
      expect((store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n).toBe(0);
    }
    store.close();
  });
});

describe('checkpoints during bulk writes', () => {
  /** The WAL file's size on disk: it only grows until a checkpoint lets the next write restart it. */
  const walFrames = (store: ReturnType<typeof createStore>) => statSync(`${store.db.name}-wal`).size;

  it('are held while a holder writes, and made once when the last holder lets go', async () => {
    const store = createStore(dbFile());
    addConnection(store);
    const write = (n: number, at: number) => {
      const run = store.syncRuns.start('6f2c1f49-2d7e-4c7a-9a57-2d1f5b0e8c11', at);
      const keys = Array.from({ length: n }, (_, i) => key(`k${i}`, { description: `${'x'.repeat(400)} ${at}` }));
      store.transaction(() => store.inventory.replaceSnapshot('6f2c1f49-2d7e-4c7a-9a57-2d1f5b0e8c11', [scope], keys, run, at));
    };
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);

    const first = store.deferCheckpoints();
    const second = store.deferCheckpoints();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    for (let at = 1; at <= 4; at++) write(3000, at);
    // Without the hold, SQLite would have checkpointed (and restarted the WAL) past 1,000 pages.
    const held = walFrames(store);
    expect(held).toBeGreaterThan(2000 * pageSize);
    first();
    first(); // a second release by the same holder counts once
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    second();
    await store.checkpointsSettled();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // Everything is in the database now: the next write starts the WAL over from its first frame.
    store.inventory.putKey('6f2c1f49-2d7e-4c7a-9a57-2d1f5b0e8c11', key('one-more'), 5);
    const [after] = store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    expect(after!.busy).toBe(0);
    expect(after!.log).toBeGreaterThan(0);
    expect(after!.log * pageSize).toBeLessThan(held / 10);
    store.close();
  });

  it('are made on the main connection when no worker can make them', async () => {
    const file = dbFile();
    const db = openDatabase(file);
    const deferral = checkpointDeferral(db, () => Promise.reject(new Error('no worker here')));
    const release = deferral.defer();
    db.exec('CREATE TABLE filler (text TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO filler VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run('x'.repeat(400));
    })();
    release();
    await deferral.settled();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const copy = `${dbFile()}.copy`;
    copyFileSync(file, copy);
    const alone = new Database(copy, { readonly: true });
    expect(alone.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(3000);
    alone.close();
    db.close();
  });

  it('are made by a connection of their own, not the main one, and leave every row in the database file', async () => {
    const store = createStore(dbFile());
    addConnection(store);
    const connectionId = '6f2c1f49-2d7e-4c7a-9a57-2d1f5b0e8c11';
    const asked: string[] = [];
    const pragma = store.db.pragma.bind(store.db);
    store.db.pragma = ((source: string, options?: Database.PragmaOptions) => {
      asked.push(source);
      return pragma(source, options);
    });
    const release = store.deferCheckpoints();
    const run = store.syncRuns.start(connectionId, 1);
    const keys = Array.from({ length: 3000 }, (_, i) => key(`k${i}`, { description: 'x'.repeat(400) }));
    store.transaction(() => store.inventory.replaceSnapshot(connectionId, [scope], keys, run, 1));
    release();
    // Until that checkpoint is done, a commit past the threshold must not start one on this thread.
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await store.checkpointsSettled();
    expect(asked.filter((source) => /checkpoint\s*\(/i.test(source))).toEqual([]);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // The database file by itself, without its WAL, holds the sync's keys.
    const copy = `${dbFile()}.copy`;
    copyFileSync(store.db.name, copy);
    const alone = new Database(copy, { readonly: true });
    expect(alone.prepare('SELECT count(*) FROM keys WHERE connection_id = ?').pluck().get(connectionId)).toBe(3000);
    alone.close();
    // The cache stays readable and writable on the main connection afterwards.
    store.inventory.putKey(connectionId, key('after'), 2);
    expect(store.inventory.getKey(connectionId, 'after')?.name).toBeDefined();
    store.close();
  });
});
