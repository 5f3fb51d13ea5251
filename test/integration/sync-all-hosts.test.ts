// "Sync all" starts every connection at once and holds syncs back only per backend host: three
// connections to one slow Rancher never run more than two at a time, while a connection to
// another host does not wait for them. Run records of the real SQLite file tell when each ran.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { SYNCS_PER_HOST } from '../../src-main/services/inventory.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

let slow: RancherSandbox;
let other: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;

beforeAll(async () => {
  [slow, other] = await Promise.all([startRancherSandbox({ settleMs: 5 }), startRancherSandbox({ settleMs: 5 })]);
});
afterAll(() => Promise.all([slow.close(), other.close()]));
afterEach(async () => {
  slow.faults.clear();
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

function runs(): Array<{ connection_id: string; started_at: number; finished_at: number; result: string }> {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT connection_id, started_at, finished_at, result FROM sync_runs').all() as ReturnType<typeof runs>;
  } finally {
    db.close();
  }
}

/** The most runs open at one instant (a run ending at t is closed for one starting at t). */
function mostAtOnce(list: ReturnType<typeof runs>): number {
  const edges = list.flatMap((r) => [[r.started_at, 1] as const, [r.finished_at, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (open += step));
  return most;
}

describe('sync all', () => {
  it('starts every connection at once, at most two syncs per backend host', async () => {
    dir = tempDir();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 5000, retries: 0 }, syncIntervalMs: 0 });
    const add = async (sandbox: RancherSandbox, name: string) =>
      (await core.api.connections.add({ kind: 'rancher', name, baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } })).id;
    const slowIds = [await add(slow, 'Slow 1'), await add(slow, 'Slow 2'), await add(slow, 'Slow 3')];
    const otherId = await add(other, 'Elsewhere');
    slow.faults.add({ kind: 'latency', ms: 250, path: '/apikeys' });

    const { runs: results } = await core.api.sync.all();
    expect(results.map((r) => r.result)).toEqual(['ok', 'ok', 'ok', 'ok']);

    const recorded = runs();
    const onSlow = recorded.filter((r) => slowIds.includes(r.connection_id));
    expect(onSlow).toHaveLength(3);
    expect(SYNCS_PER_HOST).toBe(2);
    expect(mostAtOnce(onSlow)).toBe(SYNCS_PER_HOST);
    // The connection elsewhere started before any slow one finished: it waited for none of them.
    const elsewhere = recorded.find((r) => r.connection_id === otherId)!;
    expect(elsewhere.started_at).toBeLessThan(Math.min(...onSlow.map((r) => r.finished_at)));
  });
});
