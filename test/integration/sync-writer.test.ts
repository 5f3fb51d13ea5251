// How a sync gets its keys into the cache: each list compared with the cache as it arrives, the
// new and changed keys staged off the JS heap, and the swap made by a writer thread with its own
// connection, so the main thread (the window's answers) is not the one writing tens of thousands
// of rows. Real Rancher sandbox, real SQLite file, the real worker thread.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { createStore } from '../../src-main/store/index.ts';
import { createSwapper, MAX_UNWRITTEN_HOLDS } from '../../src-main/store/swap.ts';
import { rowOf } from '../../src-main/store/key-write.ts';
import { mapInTurns } from '../../src-main/providers/paging.ts';
import { createProvider } from '../../src-main/providers/index.ts';
import type { RemoteKey, RemoteScope } from '../../src-main/model.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { insertConnection, remoteKey } from '../support/store.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: RancherSandbox;
const dirs: Array<ReturnType<typeof tempDir>> = [];
const cores: Core[] = [];

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
  // More than one page (1,000 keys) of the user's own keys.
  sandbox.seedKeys(sandbox.ids.user, 2_300, { namePrefix: 'paged' });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
  for (const dir of dirs.splice(0)) dir.cleanup();
});

function newCore() {
  const dir = tempDir();
  dirs.push(dir);
  const core = createCore({ dataDir: dir.path, http: { timeoutMs: 5000, retries: 0 }, syncIntervalMs: 0 });
  cores.push(core);
  return { core, dataDir: dir.path };
}

const addRancher = (core: Core) =>
  core.api.connections.add({ kind: 'rancher', name: 'Writer', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });

const scope: RemoteScope = { id: 'env-1', kind: 'environment', name: 'Default', parentId: null, raw: {} };
const key = (id: string, patch: Partial<RemoteKey> = {}): RemoteKey => remoteKey(id, 'env-1', patch);
const CONNECTION = '6f2c1f49-2d7e-4c7a-9a57-2d1f5b0e8c11';

describe('the sync writer', () => {
  it('writes a sync’s keys from its own thread and connection: the main connection writes none of them', async () => {
    const { core, dataDir } = newCore();
    await core.ready;
    const { id } = await addRancher(core);
    const run = await core.api.sync.run({ connectionId: id });
    expect(run).toMatchObject({ result: 'ok', added: run.keys });
    expect(run.keys).toBeGreaterThan(2_300);
    const probe = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    expect(probe.prepare('SELECT count(*) FROM keys').pluck().get()).toBe(run.keys);
    probe.close();
    expect((await core.api.keys.list({ connectionId: id, offset: 0, limit: 10, query: 'paged' })).total).toBe(2_300);

    // On the store: the main connection's own count of rows it changed does not move with the swap's rows.
    const { store } = storeWithConnection();
    const changes = store.db.prepare('SELECT total_changes()').pluck();
    const { turn, staging } = await beginSync(store, 1);
    expect(store.swapper.offThread).toBe(true);
    const before = changes.get() as number;
    await staging.add(Array.from({ length: 3_000 }, (_, i) => rowOf(CONNECTION, key(`k${i}`), 0)));
    await turn.swap({ snapshot: staging.take(), scopes: [scope], at: 10, match: null, ownKey: null });
    expect(changes.get()).toBe(before);
    expect(store.inventory.listKeys({ connectionId: CONNECTION, offset: 0, limit: 1 }).total).toBe(3_000);
    await store.swapper.close();
    store.close();
  });

  it('keeps no staged row once a sync is over, whether it succeeded or was cancelled', async () => {
    const { file, store } = storeWithConnection();
    const turn = await store.swapper.open(1);
    expect(store.swapper.offThread).toBe(true);
    const run = store.syncRuns.start(CONNECTION, 1);
    const staging = store.inventory.beginStaging(CONNECTION, run, turn.hold);
    await staging.add(Array.from({ length: 1_200 }, (_, i) => rowOf(CONNECTION, key(`k${i}`), 0)));
    const counts = await turn.swap({ snapshot: staging.take(), scopes: [scope], at: 10, match: null, ownKey: null });
    expect(counts).toEqual({ added: 1_200, removed: 0, changed: 0 });
    expect(store.inventory.listKeys({ connectionId: CONNECTION, offset: 0, limit: 1 }).total).toBe(1_200);
    expect(store.syncRuns.get(run)).toMatchObject({ result: 'ok', keys: 1_200, added: 1_200 });

    // A second sync, cancelled after staging: its rows are dropped and the cache is as it was.
    const { turn: next, staging: again } = await beginSync(store, 20);
    await again.add([rowOf(CONNECTION, key('new-one'), 0), rowOf(CONNECTION, key('k1', { name: 'renamed' }), 0)]);
    again.discard();
    next.drop();
    // A later list of the cancelled sync arriving anyway is not staged.
    await again.add([rowOf(CONNECTION, key('late'), 0)]);
    const { turn: last, staging: staged } = await beginSync(store, 30);
    await staged.add(Array.from({ length: 1_200 }, (_, i) => rowOf(CONNECTION, key(`k${i}`), 0)));
    expect(await last.swap({ snapshot: staged.take(), scopes: [scope], at: 30, match: null, ownKey: null })).toEqual({ added: 0, removed: 0, changed: 0 });
    expect(store.inventory.getKey(CONNECTION, 'new-one')).toBeUndefined();
    expect(store.inventory.getKey(CONNECTION, 'late')).toBeUndefined();
    expect(store.inventory.getKey(CONNECTION, 'k1')?.name).toBe('key-k1');
    await store.swapper.close();
    // The writer's temporary table is its own: nothing staged ever reached the database file.
    const probe = new Database(file, { readonly: true });
    expect(probe.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE '%stage%'").pluck().get()).toBe(0);
    probe.close();
    store.close();
  });

  it('does not undo what Keyfleet changed while the sync was comparing, and ends a hold the listing makes moot', async () => {
    const { store } = storeWithConnection();
    const first = store.syncRuns.start(CONNECTION, 1);
    store.transaction(() => store.inventory.replaceSnapshot(CONNECTION, [scope], [key('a'), key('b'), key('c')], first, 1));
    store.connections.markSynced(CONNECTION, 1);

    const { turn, staging } = await beginSync(store, 2);
    // The listing, fetched before the user renamed "a" in Keyfleet, still has the old name.
    await staging.add([key('a'), key('b'), key('c')].map((k) => rowOf(CONNECTION, k, 0)));
    store.inventory.putKey(CONNECTION, key('a', { name: 'renamed in Keyfleet' }), 3, { kind: 'changed', fields: { name: ['key-a', 'renamed in Keyfleet'] } });
    // "b" was given a hold (an operation on it) after it was compared; the listing shows it, so the hold ends.
    store.inventory.setLocalState(CONNECTION, 'b', { holdUntil: 10_000, holdReason: 'created', localHint: null, localLabel: null });
    const counts = await turn.swap({ snapshot: staging.take(), scopes: [scope], at: 4, match: null, ownKey: null });
    expect(counts).toEqual({ added: 0, removed: 0, changed: 0 });
    expect(store.inventory.getKey(CONNECTION, 'a')?.name).toBe('renamed in Keyfleet');
    expect(store.inventory.getKey(CONNECTION, 'b')).toMatchObject({ holdUntil: null, holdReason: null });
    await store.swapper.close();
    store.close();
  });

  it('keeps a key Keyfleet created while a first sync was fetching once, as the backend lists it', async () => {
    const { store } = storeWithConnection();
    const { turn, staging } = await beginSync(store, 1);
    await staging.add([key('a'), key('b')].map((k) => rowOf(CONNECTION, k, 0)));
    // Created in Keyfleet meanwhile (held, so a lagging list would not remove it).
    store.inventory.putKey(CONNECTION, key('b', { name: 'made in Keyfleet' }), 2, { kind: 'added', fields: {} }, { holdUntil: 10_000, holdReason: 'created', localHint: null, localLabel: null });
    const counts = await turn.swap({ snapshot: staging.take(), scopes: [scope], at: 3, match: null, ownKey: null });
    expect(counts).toEqual({ added: 1, removed: 0, changed: 1 });
    const page = store.inventory.listKeys({ connectionId: CONNECTION, offset: 0, limit: 10 });
    expect(page.rows.map((k) => [k.id, k.name, k.holdReason]).sort()).toEqual([
      ['a', 'key-a', null],
      ['b', 'key-b', null],
    ]);
    await store.swapper.close();
    store.close();
  });

  it('swaps on the main connection when the writer thread cannot start, with the same result', async () => {
    const { file, store } = storeWithConnection();
    const swapper = createSwapper(file, store.db, () => new Worker('throw new Error("no driver here")', { eval: true }));
    const run = store.syncRuns.start(CONNECTION, 1);
    const turn = await swapper.open(run);
    expect(swapper.offThread).toBe(false);
    expect(turn.hold).toBeUndefined();
    const staging = store.inventory.beginStaging(CONNECTION, run, turn.hold);
    await staging.add([key('a'), key('b')].map((k) => rowOf(CONNECTION, k, 0)));
    expect(await turn.swap({ snapshot: staging.take(), scopes: [scope], at: 5, match: { maskedValue: 'AKb:••••' }, ownKey: null })).toEqual({
      added: 2,
      removed: 0,
      changed: 0,
    });
    expect(store.connections.get(CONNECTION)).toMatchObject({ lastSuccessAt: 5, ownKeyId: 'b' });
    expect(store.syncRuns.get(run)).toMatchObject({ result: 'ok', keys: 2 });
    store.close();
  });

  it('fails the sync with a clear message when the writer thread dies, and the next sync writes on the main connection', async () => {
    const { store } = storeWithConnection();
    const { turn, staging } = await beginSync(store, 1);
    await staging.add([rowOf(CONNECTION, key('a'), 0)]);
    store.swapper.stop();
    await expect(turn.swap({ snapshot: staging.take(), scopes: [scope], at: 5, match: null, ownKey: null })).rejects.toThrow(/writer stopped/);
    expect(store.inventory.listKeys({ connectionId: CONNECTION, offset: 0, limit: 1 }).total).toBe(0);
    const { turn: again, staging: staged } = await beginSync(store, 6);
    await staged.add([rowOf(CONNECTION, key('a'), 0)]);
    expect(await again.swap({ snapshot: staged.take(), scopes: [scope], at: 7, match: null, ownKey: null })).toMatchObject({ added: 1 });
    store.close();
  });

  it('queues a bounded number of chunks for the writer: past them a sync waits until the writer has written some, and every key arrives once', async () => {
    const { store } = storeWithConnection();
    const run = store.syncRuns.start(CONNECTION, 1);
    const turn = await store.swapper.open(run);
    // Handed over without a turn of the event loop, so the writer cannot have answered in between.
    const answers = Array.from({ length: MAX_UNWRITTEN_HOLDS }, (_, i) => turn.hold!([rowOf(CONNECTION, key(`direct-${i}`), 0)]));
    expect(answers.slice(0, -1).every((answer) => answer === undefined)).toBe(true);
    expect(answers.at(-1)).toBeInstanceOf(Promise);
    await answers.at(-1);
    turn.drop();

    // Staging waits where the writer asks it to; nothing is lost or written twice.
    const { turn: second, staging } = await beginSync(store, 2);
    const count = 100 * (MAX_UNWRITTEN_HOLDS + 20);
    await staging.add(Array.from({ length: count }, (_, i) => rowOf(CONNECTION, key(`k${i}`), 0)));
    expect(await second.swap({ snapshot: staging.take(), scopes: [scope], at: 10, match: null, ownKey: null })).toMatchObject({ added: count });
    expect(store.inventory.listKeys({ connectionId: CONNECTION, offset: 0, limit: 1 }).total).toBe(count);
    expect(store.db.prepare("SELECT count(*) FROM keys WHERE id LIKE 'direct-%'").pluck().get()).toBe(0);
    await store.swapper.close();
    store.close();
  });

  it('lets a sync waiting for the writer go on when the writer stops: its swap fails with a clear message', async () => {
    const { store } = storeWithConnection();
    const run = store.syncRuns.start(CONNECTION, 1);
    const turn = await store.swapper.open(run);
    let waiting: Promise<void> | undefined;
    for (let i = 0; i < MAX_UNWRITTEN_HOLDS; i++) waiting = turn.hold!([rowOf(CONNECTION, key(`k${i}`), 0)]);
    expect(waiting).toBeInstanceOf(Promise);
    store.swapper.stop();
    await waiting;
    expect(turn.hold!([rowOf(CONNECTION, key('late'), 0)])).toBeUndefined();
    await expect(turn.swap({ snapshot: { connectionId: CONNECTION, run, listedIds: new Set(), unchanged: new Set(), listed: 0 }, scopes: [scope], at: 5, match: null, ownKey: null })).rejects.toThrow(/writer stopped/);
    store.close();
  });

  it('reads Rancher’s keys page by page: a sync holds one page of a list at a time', async () => {
    const provider = createProvider('rancher', {
      baseUrl: sandbox.url,
      credential: { type: 'key-pair', ...sandbox.credentials.user },
      http: { timeoutMs: 5000, retries: 0 },
    });
    try {
      const own = (await provider.listScopes()).find((s) => s.id === sandbox.ids.user)!;
      const pages: string[][] = [];
      const returned = await provider.listKeys(own, {
        onKeys: (keys) => {
          pages.push(keys.map((k) => k.id));
          return Promise.resolve();
        },
      });
      expect(returned).toEqual([]);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages.slice(0, -1).every((page) => page.length === 1_000)).toBe(true);
      // Every key once, as the list without pages has them, in the same order.
      expect(pages.flat()).toEqual((await provider.listKeys(own)).map((k) => k.id));
    } finally {
      await provider.close();
    }
  });

  it('lets the event loop turn while it reads a long list', async () => {
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const out = await mapInTurns(Array.from({ length: 5_000 }, (_, i) => i), (n) => n * 2);
    done = true;
    expect(out[4_999]).toBe(9_998);
    // 5,000 items, 100 a turn: the loop turned between the chunks.
    expect(turns).toBeGreaterThanOrEqual(40);
  });
});

/** A store in a file of its own, with the connection the staged keys belong to. */
/** A sync's run on the store, its way to the writer, and its staging: as the inventory starts one. */
async function beginSync(store: ReturnType<typeof createStore>, at: number) {
  const run = store.syncRuns.start(CONNECTION, at);
  const turn = await store.swapper.open(run);
  return { run, turn, staging: store.inventory.beginStaging(CONNECTION, run, turn.hold) };
}

function storeWithConnection() {
  const file = join(tempDirPath(), 'keyfleet.db');
  const store = createStore(file);
  insertConnection(store, CONNECTION, { name: 'Rancher' });
  return { file, store };
}

function tempDirPath(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir.path;
}
