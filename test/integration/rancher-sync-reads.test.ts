// What a Rancher sync waits for: every key list needs only the account id the environments list
// answers with, so the lists' first pages go out while the account lookup and the environments'
// permission checks are still on their way, and the sync's own listKeys takes each of them once
// and reads on from there. A listKeys
// outside that sync (a rotation looking for its twin) reads the backend afresh.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteScope } from '../../src-main/model.ts';
import { createProvider, type Provider } from '../../src-main/providers/index.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';

let sandbox: RancherSandbox;
const providers: Provider[] = [];

function connect(): Provider {
  const provider = createProvider('rancher', {
    baseUrl: sandbox.url,
    credential: { type: 'key-pair', ...sandbox.credentials.user },
    http: { timeoutMs: 10_000, retries: 0 },
  });
  providers.push(provider);
  return provider;
}

const keyLists = /\/apikeys\?/;
const checks = /\/schemas\/apiKey$|\/v2-beta\/accounts\//;

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
  // Past one page (1,000): the rest of the list follows the first page the sync asked for early.
  sandbox.seedKeys(sandbox.ids.user, 1030, { namePrefix: 'own' });
  sandbox.seedKeys(sandbox.ids.projects.Default!, 20, { namePrefix: 'env' });
});
afterEach(() => sandbox.faults.clear());
afterAll(async () => {
  await Promise.all(providers.map((p) => p.close()));
  await sandbox.close();
});

describe('Rancher sync reads', () => {
  it('asks for the key lists before the account lookup and the permission checks have answered', async () => {
    const provider = connect();
    const marker = sandbox.requests.length;
    // The checks answer slowly; the key lists must not wait for them.
    sandbox.faults.add({ kind: 'latency', ms: 1500, path: checks });
    const signal = new AbortController().signal;
    let scopesListed = false;
    const listing = provider.listScopes({ signal }).then((scopes) => {
      scopesListed = true;
      return scopes;
    });
    const served = () => sandbox.requests.slice(marker).filter((r) => keyLists.test(r.path) && r.status === 200);
    await expect.poll(() => served().length, { timeout: 5000, interval: 10 }).toBe(3);
    expect(scopesListed).toBe(false);
    expect(sandbox.requests.slice(marker).filter((r) => checks.test(r.path)).every((r) => r.status === 0)).toBe(true);

    const scopes = await listing;
    // The sync's listKeys takes the first pages already read: each was asked for once, and the
    // account's second page followed.
    const keys = await Promise.all(scopes.map((scope) => provider.listKeys(scope, { signal })));
    expect(served().filter((r) => !r.path.includes('marker='))).toHaveLength(3);
    expect(served().filter((r) => r.path.includes('marker='))).toHaveLength(1);
    // And they are whole: what a read of its own finds, every page.
    const fresh = await Promise.all(scopes.map((scope) => provider.listKeys(scope)));
    expect(keys.map((list) => list.map((k) => k.id).sort())).toEqual(fresh.map((list) => list.map((k) => k.id).sort()));
    expect(keys.flat().length).toBeGreaterThanOrEqual(1050);
  });

  it('reads afresh for a listKeys outside the sync, and for the sync once its list was taken', async () => {
    const provider = connect();
    const signal = new AbortController().signal;
    const scopes = await provider.listScopes({ signal });
    const account: RemoteScope = scopes.find((s) => s.kind === 'account')!;
    // A key made after the sync read its lists: a rotation's own read must see it.
    const created = await provider.createKey({ scopeId: account.id, type: 'account', name: 'made-after-listing' }, account);
    const outside = await provider.listKeys(account);
    expect(outside.map((k) => k.id)).toContain(created.key.id);
    const marker = sandbox.requests.length;
    await provider.listKeys(account, { signal });
    expect(sandbox.requests.slice(marker).filter((r) => keyLists.test(r.path) && !r.path.includes('marker='))).toHaveLength(0);
    const again = await provider.listKeys(account, { signal });
    expect(again.map((k) => k.id)).toContain(created.key.id);
  });
});
