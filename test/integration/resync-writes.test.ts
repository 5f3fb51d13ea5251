// A re-sync costs what changed: with nothing changed on the backend it writes no key row (the
// background sync runs every 15 minutes), and with a change it writes exactly the rows that
// changed. Rows written are counted by triggers on the real SQLite file, not by the code under test.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { rancherCall } from '../backends/rancher/call.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
  sandbox.seedKeys(sandbox.ids.user, 120, { namePrefix: 'resync' });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

const rancher = (path: string, method: string, body?: unknown) => rancherCall<{ id: string }>(sandbox, path, method, body);

/** Counts every row inserted, updated or deleted in keys and scopes from now on (a trigger in the file). */
function countWrites(dataDir: string) {
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.exec(`CREATE TABLE IF NOT EXISTS written (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)`);
  for (const table of ['keys', 'scopes']) {
    db.prepare('INSERT OR REPLACE INTO written VALUES (?, 0)').run(table);
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TRIGGER IF NOT EXISTS count_${table}_${op.toLowerCase()} AFTER ${op} ON ${table}
        BEGIN UPDATE written SET n = n + 1 WHERE tbl = '${table}'; END`);
    }
  }
  const read = db.prepare('SELECT tbl, n FROM written');
  return {
    read: () => Object.fromEntries((read.all() as Array<{ tbl: string; n: number }>).map((r) => [r.tbl, r.n])) as { keys: number; scopes: number },
    reset: () => db.exec('UPDATE written SET n = 0'),
    close: () => db.close(),
  };
}

describe('re-sync', () => {
  it('writes no key or scope row when nothing changed, and exactly the changed rows when something did', async () => {
    dir = tempDir();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0 });
    const { id } = await core.api.connections.add({ kind: 'rancher', name: 'Quiet', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
    const first = await core.api.sync.run({ connectionId: id });
    expect(first.keys).toBeGreaterThanOrEqual(120);
    const writes = countWrites(dir.path);
    try {
      const again = await core.api.sync.run({ connectionId: id });
      expect(again).toMatchObject({ result: 'ok', keys: first.keys, added: 0, removed: 0, changed: 0 });
      expect(writes.read()).toEqual({ keys: 0, scopes: 0 });
      // Unwritten, every key still reads as seen by this sync.
      const page = await core.api.keys.list({ connectionId: id, offset: 0, limit: 500 });
      expect(page.total).toBe(first.keys);
      for (const key of page.rows) expect(key.lastSeenAt).toBe(again.finishedAt);

      // One key renamed, one created, one deleted, behind Keyfleet's back.
      const [renamed, deleted] = page.rows.filter((k) => k.name.startsWith('resync'));
      await rancher(`/v2-beta/apikeys/${renamed!.id}`, 'PUT', { name: 'renamed elsewhere' });
      const created = await rancher('/v2-beta/apikeys', 'POST', { name: 'made elsewhere' });
      await rancher(`/v2-beta/apikeys/${deleted!.id}/?action=deactivate`, 'POST');
      await new Promise((resolve) => setTimeout(resolve, 40));
      await rancher(`/v2-beta/apikeys/${deleted!.id}`, 'DELETE');
      await new Promise((resolve) => setTimeout(resolve, 40));
      writes.reset();

      const changed = await core.api.sync.run({ connectionId: id });
      expect(changed).toMatchObject({ result: 'ok', added: 1, removed: 1, changed: 1 });
      // The renamed row updated, the new row inserted, the deleted row marked gone: three rows.
      expect(writes.read()).toEqual({ keys: 3, scopes: 0 });
      const gone = await core.api.keys.get({ connectionId: id, keyId: deleted!.id });
      expect(gone.goneSince).toBe(changed.finishedAt);
      // Gone, it was last seen by the sync before.
      expect(gone.lastSeenAt).toBe(again.finishedAt);
      expect((await core.api.keys.get({ connectionId: id, keyId: renamed!.id })).name).toBe('renamed elsewhere');
      expect((await core.api.keys.get({ connectionId: id, keyId: created.id })).name).toBe('made elsewhere');
    } finally {
      writes.close();
    }
  });
});
