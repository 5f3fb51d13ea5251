// The key table's cached lists and in-memory filter (store/key-list.ts) answer exactly what the
// SQL they replace answers: same rows, same order, same totals, for every filter, sort and page,
// and never anything stale after a change (made here or by another connection).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SortColumn } from '../../src-preload/contract.ts';
import type { RemoteKey, RemoteScope } from '../../src-main/model.ts';
import { createStore } from '../../src-main/store/index.ts';
import type { KeyQuery } from '../../src-main/store/inventory.ts';
import { foldAscii } from '../../src-main/store/key-list.ts';
import { insertConnection } from '../support/store.ts';
import { tempDir } from '../support/temp.ts';

const dirs: Array<{ cleanup: () => void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

type Store = ReturnType<typeof createStore>;

function open(): { store: Store; file: string } {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir.path, 'keyfleet.db');
  return { store: createStore(file), file };
}

const scopes: RemoteScope[] = [
  { id: 's1', kind: 'environment', name: 'Default', parentId: null, raw: {} },
  { id: 's2', kind: 'environment', name: 'Staging', parentId: null, raw: {} },
];

const NAMES = ['Alpha', 'alpha_beta', 'alphaXbeta', 'ÉCOLE', 'école', 'Straße', 'STRASSE', '100% done', 'back\\slash', 'Zed', 'zed', '', 'ümlaut', 'İstanbul', 'deploy-prod', 'rocket 🚀 key', 'bad \uFFFD byte', '•••• dots'];

function remote(i: number): RemoteKey {
  return {
    id: `k${i}`,
    scopeId: i % 3 === 0 ? 's2' : 's1',
    name: NAMES[i % NAMES.length]!,
    description: i % 4 === 0 ? null : `Key number ${i} – Ops`,
    type: i % 2 ? 'environment' : 'account',
    category: 'service',
    role: i % 5 === 0 ? 'ADMIN' : null,
    status: i % 7 === 0 ? 'inactive' : 'active',
    statusDetail: null,
    maskedValue: i % 6 === 0 ? null : `AK${i}…`,
    createdAt: i % 9 === 0 ? null : 1_700_000_000_000 + (i % 11) * 1000,
    createdBy: i % 3 === 1 ? 'Ada Lovelace' : null,
    expiresAt: i % 8 === 0 ? 1_800_000_000_000 - i : null,
    lastUsedAt: null,
    raw: { i },
  };
}

function seed(store: Store): string[] {
  // Two backends, named as people name them: the filter finds keys by connection and backend too.
  const connections = [
    insertConnection(store, 'c-one', { name: 'Acme Production', kind: 'rancher' }),
    insertConnection(store, 'c-two', { name: 'Research Lab', kind: 'deepset' }),
  ];
  connections.forEach((connectionId, c) => {
    const run = store.syncRuns.start(connectionId, 1);
    const keys = Array.from({ length: 60 }, (_, i) => remote(i + c * 7));
    store.transaction(() => store.inventory.replaceSnapshot(connectionId, scopes, keys, run, 1));
  });
  // Keyfleet-only fields are searched too; a hidden ghost never is.
  store.inventory.setLocalState('c-one', 'k3', { holdUntil: null, holdReason: null, localHint: 'sk-lw-Hint42…', localLabel: 'My Label' });
  const run = store.syncRuns.start('c-two', 2);
  store.transaction(() => store.inventory.replaceSnapshot('c-two', scopes, Array.from({ length: 58 }, (_, i) => remote(i + 7)), run, 2));
  store.inventory.hideGone('c-two', 'k65');
  return connections;
}

/** The answer of the SQL path (inside a transaction nothing is cached). */
const viaSql = (store: Store, query: KeyQuery) => store.transaction(() => store.inventory.keys(query));
const shape = (page: ReturnType<Store['inventory']['listKeys']>) => ({ total: page.total, rows: page.rows.map((k) => `${k.connectionId}/${k.id}`) });

const QUERIES = ['a', 'A', 'alpha', 'ALPHA_', '_', '%', '100%', '\\', 'back\\s', 'é', 'É', 'école', 'straße', 'STRASSE', 'ß', 'i̇', 'İ', '– ops', 'number 1', 'ada', 'admin', 'inactive', 'ak1', 'hint42', 'my label', 'k6', 'zzz', ' a ', 'a\u001fb', '\u001e', '🚀', 'et 🚀 k', '\uD83D', '\uFFFD', '•', 'ts', 'deepset', 'DEEPSET', 'rancher', 'Rancher 1.x', 'acme', 'production', 'research lab', 'lab\u001fdeep', 'ai platform'];

describe('key lists', () => {
  it('answer every filter, sort and page exactly as the SQL does', () => {
    const { store } = open();
    const [one] = seed(store);
    const sorts: SortColumn[] = ['name', 'connection', 'type', 'status', 'createdAt', 'expiresAt', 'lastUsedAt', 'scope'];
    const bases: Array<Omit<KeyQuery, 'offset' | 'limit'>> = [
      {},
      { connectionId: one },
      { connectionId: one, scopeId: 's2' },
      { statuses: ['inactive'] },
      { connectionIds: ['c-two'] },
      { presentOnly: true },
    ];
    let compared = 0;
    for (const base of bases) {
      for (const query of [undefined, ...QUERIES]) {
        // Every sort without a filter; with one, the default sort and another.
        for (const column of query === undefined ? sorts : (['name', 'expiresAt'] as const)) {
          for (const direction of ['asc', 'desc'] as const) {
            for (const [offset, limit] of [[0, 200], [5, 7]] as const) {
              const q: KeyQuery = { ...base, query, sort: { column, direction }, offset, limit };
              const sql = shape(viaSql(store, q));
              expect(shape(store.inventory.listKeys(q)), JSON.stringify(q)).toEqual(sql);
              expect(shape(store.inventory.keys(q)), JSON.stringify(q)).toEqual(sql);
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(1500);
    // The table's pages are the same keys, with the same fields, only without the raw JSON.
    const full = store.inventory.keys({ offset: 0, limit: 50 }).rows;
    expect(store.inventory.listKeys({ offset: 0, limit: 50 }).rows).toEqual(full.map(({ raw: _raw, tracksLastUse: _tracks, ...rest }) => rest));
    store.close();
  });

  it('answers as the SQL does while a filter is typed, extended, cut back and retyped', () => {
    const { store } = open();
    const [one] = seed(store);
    // Each text narrows the one before it, or does not (a deletion, another word): the matches
    // of the previous text are only reused when they must contain every match of this one.
    const typed = ['k', 'k1', 'k12', 'k1', 'k', '', 'n', 'nu', 'num', 'numb', 'number 1', 'number 12', 'umber', 'ber 1', 'a', 'al', 'alp', 'alpha_', 'alpha_b', '_b', 'é', 'éc', 'écol', 'ops', '– ops', 'key number 3', 'zzz', 'zzzz'];
    let compared = 0;
    for (const base of [{}, { connectionId: one }] as Array<Omit<KeyQuery, 'offset' | 'limit'>>) {
      for (const query of typed) {
        for (const [offset, limit] of [[0, 200], [3, 4]] as const) {
          const q: KeyQuery = { ...base, query, offset, limit };
          expect(shape(store.inventory.listKeys(q)), JSON.stringify(q)).toEqual(shape(viaSql(store, q)));
          compared++;
        }
      }
    }
    expect(compared).toBe(typed.length * 4);
    store.close();
  });

  it('never serves a list older than the data, whoever changed it', () => {
    const { store, file } = open();
    seed(store);
    const q: KeyQuery = { query: 'renamed', offset: 0, limit: 50 };
    expect(store.inventory.keys(q).total).toBe(0);
    store.inventory.putKey('c-one', { ...remote(1), name: 'Renamed here' }, 5);
    expect(shape(store.inventory.keys(q))).toEqual({ total: 1, rows: ['c-one/k1'] });

    // Another connection (another process) writes: PRAGMA data_version tells.
    const other = new Database(file);
    other.prepare("UPDATE keys SET name = 'renamed elsewhere' WHERE connection_id = 'c-two' AND id = 'k8'").run();
    other.close();
    expect(shape(store.inventory.keys(q))).toEqual(shape(viaSql(store, q)));
    expect(store.inventory.keys(q).total).toBe(2);

    // Hiding, removing a connection: gone from every list at once.
    store.connections.remove('c-two');
    expect(shape(store.inventory.keys(q))).toEqual({ total: 1, rows: ['c-one/k1'] });
    expect(store.inventory.keys({ offset: 0, limit: 1000 }).total).toBe(viaSql(store, { offset: 0, limit: 1000 }).total);
    store.close();
  });

  it('finds keys by their connection’s name and by backend, and follows a renamed connection', () => {
    const { store } = open();
    seed(store);
    const all = (query: string) => store.inventory.listKeys({ query, offset: 0, limit: 1000 });
    const of = (connectionId: string) => store.inventory.listKeys({ connectionId, offset: 0, limit: 1000 });
    const ids = (page: { rows: Array<{ connectionId: string; id: string }> }) => page.rows.map((k) => `${k.connectionId}/${k.id}`).sort();
    // "deepset" is in no key's own fields: every key it finds is found by its backend.
    expect(ids(all('deepset'))).toEqual(ids(of('c-two')));
    expect(all('deepset').total).toBeGreaterThan(50);
    expect(ids(all('Rancher'))).toEqual(ids(of('c-one')));
    expect(ids(all('acme prod'))).toEqual(ids(of('c-one')));
    expect(ids(all('research lab'))).toEqual(ids(of('c-two')));
    // A name and a backend are separate words: no match across them.
    expect(all('lab deepset').total).toBe(0);
    store.db.prepare("UPDATE connections SET name = 'Acme Staging' WHERE id = 'c-one'").run();
    expect(all('acme prod').total).toBe(0);
    expect(ids(all('acme staging'))).toEqual(ids(of('c-one')));
    store.close();
  });

  it('sorts by expiry with the soonest first and "never" last, and by connection name', () => {
    const { store } = open();
    seed(store);
    const page = (column: SortColumn, direction: 'asc' | 'desc') => store.inventory.listKeys({ sort: { column, direction }, offset: 0, limit: 1000 }).rows;
    const expiries = page('expiresAt', 'asc').map((k) => k.expiresAt);
    const dated = expiries.filter((e): e is number => e !== null);
    expect(dated.length).toBeGreaterThan(5);
    expect(expiries.slice(0, dated.length)).toEqual([...dated].sort((a, b) => a - b));
    expect(expiries.slice(dated.length).every((e) => e === null)).toBe(true);
    // Reversed: never first, then the latest.
    expect(page('expiresAt', 'desc').map((k) => k.expiresAt)).toEqual([...expiries.slice(dated.length), ...[...dated].sort((a, b) => b - a)]);
    const names = (direction: 'asc' | 'desc') => [...new Set(page('connection', direction).map((k) => k.connectionId))];
    expect(names('asc')).toEqual(['c-one', 'c-two']);
    expect(names('desc')).toEqual(['c-two', 'c-one']);
    store.close();
  });

  it('folds case as SQLite LIKE does: ASCII letters only', () => {
    expect(foldAscii('ÉCOLE Alpha')).toBe('École alpha');
    expect(foldAscii('STRASSE')).toBe('strasse');
    expect(foldAscii('İstanbul')).toBe('İstanbul');
  });
});

describe('the change log a sync writes', () => {
  it('has one line per added, returned and changed key, in the order the backend listed them', () => {
    const { store } = open();
    insertConnection(store, 'c-one');
    const sync = (at: number, keys: RemoteKey[]) => {
      const run = store.syncRuns.start('c-one', at);
      const counts = store.transaction(() => store.inventory.replaceSnapshot('c-one', scopes, keys, run, at));
      const lines = store.db.prepare('SELECT key_id, change FROM changes WHERE sync_run_id = ? ORDER BY id').all(run) as Array<{ key_id: string; change: string }>;
      return { counts, lines: lines.map((l) => `${l.change} ${l.key_id}`) };
    };
    // The first sync: one line for the whole inventory it found (a line without a key).
    expect(sync(1, [remote(3), remote(1), remote(2)])).toEqual({ counts: { added: 3, removed: 0, changed: 0 }, lines: ['added '] });
    // k1 goes, then comes back; new keys around a changed one keep their places.
    sync(2, [remote(3), remote(2)]);
    const third = sync(3, [remote(5), { ...remote(2), name: 'renamed' }, remote(6), remote(1), remote(7), remote(3), remote(5)]);
    expect(third).toEqual({
      counts: { added: 4, removed: 0, changed: 1 },
      lines: ['added k5', 'changed k2', 'added k6', 'added k1', 'added k7'],
    });
    store.close();
  });

  it('logs a connection’s first sync as one line, "N keys found", and each key’s history still starts there', () => {
    const { store } = open();
    insertConnection(store, 'c-one');
    const keys = Array.from({ length: 1204 }, (_, i) => remote(i));
    const run = store.syncRuns.start('c-one', 10);
    store.transaction(() => {
      store.inventory.replaceSnapshot('c-one', scopes, keys, run, 10);
      store.syncRuns.succeed(run, 10, { added: 1204, removed: 0, changed: 0, scopes: 2, keys: 1204 });
      store.connections.markSynced('c-one', 10);
    });
    const first = store.inventory.changesSince(0, 'c-one', 0, 100);
    expect(first.total).toBe(1);
    expect(first.rows[0]).toMatchObject({ source: 'sync', change: 'added', keyId: '', keyName: '', found: 1204, at: 10 });
    expect(store.inventory.history('c-one', 'k7')).toEqual([{ at: 10, source: 'sync', change: 'added', fields: {} }]);

    // Later syncs log each key again, and a key's own lines come before its first sighting.
    const next = store.syncRuns.start('c-one', 20);
    store.transaction(() => store.inventory.replaceSnapshot('c-one', scopes, [...keys.slice(1).map((k) => (k.id === 'k7' ? { ...k, name: 'renamed' } : k)), remote(5000)], next, 20));
    const later = store.inventory.changesSince(20, 'c-one', 0, 100).rows;
    expect(later.map((r) => [r.change, r.keyId, r.found])).toEqual([
      ['removed', 'k0', null],
      ['added', 'k5000', null],
      ['changed', 'k7', null],
    ]);
    expect(store.inventory.history('c-one', 'k7').map((l) => [l.at, l.change])).toEqual([
      [20, 'changed'],
      [10, 'added'],
    ]);
    store.close();
  });
});
