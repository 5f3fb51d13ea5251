// What a deepset sync waits for: the organization's key list needs nothing the scopes tell, and a
// workspace's list only the workspace's name, so they go out with the scopes' reads instead of
// after the roles list; the keys are still named from the roles read in the same sync, and the
// sync's own listKeys takes each list once.
import { describe, expect, it } from 'vitest';
import { connect, sandbox, useDeepsetSandbox } from './deepset-adapter.ts';

useDeepsetSandbox();

const orgFirstPage = /^\/api\/v1\/token\?(.*&)?page_number=1(&|$)/;
const workspaceFirstPage = /^\/api\/v1\/workspaces\/[^/]+\/token\?(.*&)?page_number=1(&|$)/;
const roles = /\/roles\?/;

describe('deepset sync reads', () => {
  it('asks for the key lists while the roles are still on their way, and names the keys from those roles', async () => {
    sandbox.seedKeys(230, { namePrefix: 'paged' });
    const provider = connect(sandbox.credentials.admin, { kind: 'user-token' });
    await provider.verify();
    const marker = sandbox.requests.length;
    const since = () => sandbox.requests.slice(marker);
    sandbox.faults.add({ kind: 'latency', ms: 1500, path: roles });
    try {
      const signal = new AbortController().signal;
      let scopesListed = false;
      const listing = provider.listScopes({ signal }).then((scopes) => {
        scopesListed = true;
        return scopes;
      });
      const workspaces = Object.keys(sandbox.ids.workspaces).length;
      await expect
        .poll(() => since().filter((r) => r.status === 200 && (orgFirstPage.test(r.path) || workspaceFirstPage.test(r.path))).length, { timeout: 5000, interval: 10 })
        .toBe(1 + workspaces);
      expect(scopesListed).toBe(false);
      expect(since().filter((r) => roles.test(r.path)).every((r) => r.status !== 200)).toBe(true);

      const scopes = await listing;
      const keys = await Promise.all(scopes.map((scope) => provider.listKeys(scope, { signal })));
      // Each first page was asked for once: the sync's listKeys took what was read.
      expect(since().filter((r) => orgFirstPage.test(r.path) || workspaceFirstPage.test(r.path))).toHaveLength(1 + workspaces);
      const fresh = await Promise.all(scopes.map((scope) => provider.listKeys(scope)));
      expect(keys.map((list) => list.map((k) => [k.id, k.role]).sort())).toEqual(fresh.map((list) => list.map((k) => [k.id, k.role]).sort()));
      expect(keys.flat().length).toBeGreaterThan(230);
      // Named from the roles list (its names, not the bare role ids).
      expect(keys.flat().some((k) => k.role !== null && !/^[0-9a-f-]{36}$/.test(k.role))).toBe(true);
    } finally {
      sandbox.faults.clear();
    }
  });
});
