// deepset's key lists, many pages long, through the core with a real SQLite file: after the first
// page (which tells the total) the rest are fetched together, and whatever order they come back
// in, every key is cached exactly once; a page failing mid-way fails the sync and leaves the
// cached inventory exactly as it was.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: DeepsetSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;

/** The organization list's page `n` (page_number=n, not n0 or 1n). */
const orgPage = (n: number) => new RegExp(`^/api/v1/token\\?(.*&)?page_number=${n}(&|$)`);

beforeAll(async () => {
  sandbox = await startDeepsetSandbox();
  sandbox.seedKeys(950, { namePrefix: 'paged' });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  dir = tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 5000, retries: 0 }, syncIntervalMs: 0 });
});
afterEach(async () => {
  sandbox.faults.clear();
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

const connect = async () =>
  (
    await core.api.connections.add({
      kind: 'deepset',
      name: 'deepset',
      baseUrl: `${sandbox.url}/api/v1`,
      credential: { type: 'token', token: sandbox.credentials.admin },
      credentialKind: 'user-token',
    })
  ).id;

function cachedIds(): string[] {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT id FROM keys WHERE gone_since IS NULL').pluck().all() as string[];
  } finally {
    db.close();
  }
}

function keysTable(): string {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return JSON.stringify([db.prepare('SELECT * FROM keys ORDER BY connection_id, id').all(), db.prepare('SELECT * FROM scopes ORDER BY connection_id, id').all()]);
  } finally {
    db.close();
  }
}

describe('deepset paging', () => {
  it('fetches the pages after the first together and caches every key exactly once, whatever order they arrive in', async () => {
    const id = await connect();
    const marker = sandbox.requests.length;
    // Page 2 answers last: the pages after it must not wait for it.
    sandbox.faults.add({ kind: 'latency', ms: 600, path: orgPage(2) });
    const running = core.api.sync.run({ connectionId: id });
    const served = (n: number) => sandbox.requests.slice(marker).find((r) => orgPage(n).test(r.path));
    await expect.poll(() => served(5)?.status, { timeout: 4000, interval: 10 }).toBe(200);
    expect(served(2)).toBeDefined();
    expect(served(2)!.status).not.toBe(200);
    const run = await running;

    const expected = sandbox.keys().map((k) => k.id);
    expect(expected.length).toBeGreaterThan(950);
    const ids = cachedIds();
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(run).toMatchObject({ result: 'ok', keys: expected.length });
    // Each page of the organization's list once: ceil(total / 100) of them.
    const pages = sandbox.requests.slice(marker).filter((r) => /^\/api\/v1\/token\?/.test(r.path));
    expect(pages.length).toBe(Math.ceil(sandbox.keys({ scope: 'organization' }).length / 100) || 1);
    expect(new Set(pages.map((r) => r.path)).size).toBe(pages.length);
  });

  it('reads the list again page by page when keys were added while it paged, and misses none', async () => {
    const id = await connect();
    const marker = sandbox.requests.length;
    const before = new Set(sandbox.keys().map((k) => k.id));
    const counted = Math.ceil(sandbox.keys({ scope: 'organization' }).length / 100);
    sandbox.faults.add({ kind: 'latency', ms: 300, path: orgPage(2) });
    const running = core.api.sync.run({ connectionId: id });
    const served = (n: number) => sandbox.requests.slice(marker).find((r) => orgPage(n).test(r.path));
    await expect.poll(() => served(2), { timeout: 4000, interval: 5 }).toBeDefined();
    // Newest first: 150 new keys push every counted page's keys down by a page and a half.
    sandbox.seedKeys(150, { namePrefix: 'meanwhile' });
    await running;

    const ids = cachedIds();
    expect(ids.length).toBe(new Set(ids).size);
    for (const known of before) expect(ids).toContain(known);
    // Read again from the first page, the new keys with it.
    expect(new Set(ids)).toEqual(new Set(sandbox.keys().map((k) => k.id)));
    const firstPages = sandbox.requests.slice(marker).filter((r) => orgPage(1).test(r.path));
    expect(firstPages).toHaveLength(2);
    expect(served(counted + 2)?.status).toBe(200);
  });

  it('fails the sync when a page fails mid-way and leaves the cached inventory exactly as it was', async () => {
    const id = await connect();
    await core.api.sync.run({ connectionId: id });
    const before = keysTable();
    sandbox.seedKeys(30, { namePrefix: 'later' });
    sandbox.faults.add({ kind: 'status', status: 500, path: orgPage(6) });
    await expect(core.api.sync.run({ connectionId: id })).rejects.toMatchObject({ kind: 'unavailable' });
    expect(keysTable()).toBe(before);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync?.result).toBe('failed');
  });
});
