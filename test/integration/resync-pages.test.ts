// A re-sync reads again only what changed: a page the backend answers byte for byte as at the last
// sync stands for its keys as cached (services/page-memo.ts), and that trust ends with any write
// Keyfleet makes to the connection's keys, a failed sync, or a restart. What is trusted is shown
// through the real SQLite file: a cached name changed in the file behind Keyfleet's back stays as
// it is while its page is trusted, and is corrected by the first sync that compares that page.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { startOnyxSandbox, type OnyxSandbox } from '../backends/onyx/server.ts';
import { rancherCall } from '../backends/rancher/call.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

let rancherSandbox: RancherSandbox;
let onyxSandbox: OnyxSandbox;
let deepsetSandbox: DeepsetSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core | undefined;

beforeAll(async () => {
  // 50 keys a page: the user's 130 keys span three pages.
  rancherSandbox = await startRancherSandbox({ settleMs: 5, maxLimit: 50 });
  rancherSandbox.seedKeys(rancherSandbox.ids.user, 130, { namePrefix: 'paged' });
  onyxSandbox = await startOnyxSandbox({ variant: 'roles' });
  onyxSandbox.seedApiKeys(30, { namePrefix: 'svc' });
  // Over 100 keys in the organization's list and in one workspace's: lists of two pages.
  deepsetSandbox = await startDeepsetSandbox();
  deepsetSandbox.seedKeys(130, { namePrefix: 'org' });
  deepsetSandbox.seedKeys(110, { namePrefix: 'prod', workspace: 'production' });
});
afterAll(async () => {
  await rancherSandbox.close();
  await onyxSandbox.close();
  await deepsetSandbox.close();
});
afterEach(async () => {
  rancherSandbox.faults.clear();
  await core?.close();
  core = undefined;
  dir.cleanup();
});

const open = () => (core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0 }));

type Collection = { data: Array<{ id: string; name: string }>; pagination?: { next?: string | null } };
const rancher = (path: string, method = 'GET', body?: unknown) => rancherCall<Collection>(rancherSandbox, path, method, body);

/** The account's key ids as Rancher lists them, page by page. */
async function rancherPages(): Promise<string[][]> {
  const pages: string[][] = [];
  let path: string | null | undefined = `/v2-beta/apikeys?accountId=${rancherSandbox.ids.user}&limit=50`;
  while (path) {
    const page = await rancher(path.replace(rancherSandbox.url, ''));
    pages.push(page.data.map((k) => k.id));
    path = page.pagination?.next;
  }
  return pages;
}

/** A cached name changed in the database file, outside Keyfleet (which would end the trust itself). */
function tamper(connectionId: string, keyId: string, name: string) {
  const db = new Database(join(dir.path, DATABASE_FILE));
  try {
    expect(db.prepare('UPDATE keys SET name = ? WHERE connection_id = ? AND id = ?').run(name, connectionId, keyId).changes).toBe(1);
  } finally {
    db.close();
  }
}

async function cachedName(connectionId: string, keyId: string) {
  return (await core!.api.keys.get({ connectionId, keyId })).name;
}

async function addRancher() {
  return (await core!.api.connections.add({ kind: 'rancher', name: 'Paged', baseUrl: rancherSandbox.url, credential: { type: 'key-pair', ...rancherSandbox.credentials.user } })).id;
}

describe('re-sync of unchanged pages', () => {
  it('reads again only the Rancher pages that changed, until Keyfleet itself writes a key', async () => {
    dir = tempDir();
    open();
    const id = await addRancher();
    const pages = await rancherPages();
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const [onFirst, onLast] = [pages[0]![1]!, pages.at(-1)![0]!];
    const first = await core!.api.sync.run({ connectionId: id });
    const backendName = await cachedName(id, onFirst);

    tamper(id, onFirst, 'changed in the file');
    tamper(id, onLast, 'changed in the file');
    // Only the last page changes on the backend: it alone is compared, and corrected.
    await rancher(`/v2-beta/apikeys/${pages.at(-1)![1]}`, 'PUT', { name: 'renamed elsewhere' });
    const again = await core!.api.sync.run({ connectionId: id });
    expect(again).toMatchObject({ result: 'ok', keys: first.keys, added: 0, removed: 0, changed: 2 });
    expect(await cachedName(id, pages.at(-1)![1]!)).toBe('renamed elsewhere');
    expect(await cachedName(id, onLast)).not.toBe('changed in the file');
    expect(await cachedName(id, onFirst)).toBe('changed in the file');

    // A key renamed through Keyfleet: the cache was written outside a sync, so nothing is trusted.
    await core!.api.keys.update({ connectionId: id, keyId: pages[1]![0]!, name: 'renamed here', description: null });
    const third = await core!.api.sync.run({ connectionId: id });
    expect(third).toMatchObject({ result: 'ok', keys: first.keys, changed: 1 });
    expect(await cachedName(id, onFirst)).toBe(backendName);
    expect(await cachedName(id, pages[1]![0]!)).toBe('renamed here');
  });

  it('trusts no page after a sync that failed, nor after a restart', async () => {
    dir = tempDir();
    open();
    const id = await addRancher();
    const [firstPage] = await rancherPages();
    const key = firstPage![0]!;
    await core!.api.sync.run({ connectionId: id });
    const backendName = await cachedName(id, key);

    // A sync that fails on its second page (the first one, unchanged, was handed over) swaps nothing in.
    tamper(id, key, 'changed in the file');
    rancherSandbox.faults.add({ kind: 'status', status: 500, path: /apikeys.*marker/, times: 1 });
    await expect(core!.api.sync.run({ connectionId: id })).rejects.toThrow();
    const after = await core!.api.sync.run({ connectionId: id });
    expect(after).toMatchObject({ result: 'ok', changed: 1 });
    expect(await cachedName(id, key)).toBe(backendName);

    // Trusted again by this sync, but not by the next app start: memos live in memory.
    tamper(id, key, 'changed in the file');
    await core!.close();
    open();
    await core!.ready;
    expect(await core!.api.sync.run({ connectionId: id })).toMatchObject({ result: 'ok', changed: 1 });
    expect(await cachedName(id, key)).toBe(backendName);
  });

  it('takes an Onyx key list answered byte for byte as before as the cached keys, and compares any other', async () => {
    dir = tempDir();
    open();
    const { id } = await core!.api.connections.add({ kind: 'onyx', name: 'Onyx', baseUrl: `${onyxSandbox.url}/api/`, credential: { type: 'token', token: onyxSandbox.credentials.adminKey } });
    const first = await core!.api.sync.run({ connectionId: id });
    const key = (await core!.api.keys.list({ connectionId: id, offset: 0, limit: 100 })).rows.find((k) => k.name.startsWith('svc'))!;

    tamper(id, key.id, 'changed in the file');
    expect(await core!.api.sync.run({ connectionId: id })).toMatchObject({ result: 'ok', keys: first.keys, changed: 0 });
    expect(await cachedName(id, key.id)).toBe('changed in the file');

    onyxSandbox.seedApiKeys(1, { namePrefix: 'later' });
    expect(await core!.api.sync.run({ connectionId: id })).toMatchObject({ result: 'ok', keys: first.keys + 1, added: 1, changed: 1 });
    expect(await cachedName(id, key.id)).toBe(key.name);
  });

  it('takes deepset lists answered as before as their keys; a workspace list that changed is read again with the organization’s', async () => {
    dir = tempDir();
    open();
    const { id } = await core!.api.connections.add({ kind: 'deepset', name: 'deepset', baseUrl: `${deepsetSandbox.url}/api/v1`, credential: { type: 'token', token: deepsetSandbox.credentials.admin } });
    const first = await core!.api.sync.run({ connectionId: id });
    const orgKey = deepsetSandbox.keys({ scope: 'organization' }).find((k) => k.name?.startsWith('org'))!;
    const prodKey = deepsetSandbox.keys({ workspace: 'production' }).find((k) => k.name?.startsWith('prod'))!;
    const names = { org: await cachedName(id, orgKey.id), prod: await cachedName(id, prodKey.id) };
    expect(names).toEqual({ org: orgKey.name, prod: prodKey.name });

    tamper(id, orgKey.id, 'changed in the file');
    tamper(id, prodKey.id, 'changed in the file');
    expect(await core!.api.sync.run({ connectionId: id })).toMatchObject({ result: 'ok', keys: first.keys, changed: 0 });
    expect([await cachedName(id, orgKey.id), await cachedName(id, prodKey.id)]).toEqual(['changed in the file', 'changed in the file']);

    // A key made in another workspace: that list, and the organization's (its keys are its list
    // minus every workspace's), are compared; the production workspace's list is still the same.
    deepsetSandbox.seedKeys(1, { namePrefix: 'later', workspace: 'staging' });
    expect(await core!.api.sync.run({ connectionId: id })).toMatchObject({ result: 'ok', keys: first.keys + 1, added: 1, changed: 1 });
    expect(await cachedName(id, orgKey.id)).toBe(orgKey.name);
    expect(await cachedName(id, prodKey.id)).toBe('changed in the file');
  });
});
