// Bulk actions: the dry run names exactly what would change (and what cannot, with the reason);
// running needs the count typed back; one failure does not stop the rest; each key is journaled.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
let alice: string;
let admin: string;

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  dir = tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 } });
  const add = async (name: string, credential: { accessKey: string; secretKey: string }) => {
    const c = await core.api.connections.add({ kind: 'rancher', name, baseUrl: sandbox.url, credential: { type: 'key-pair', ...credential } });
    await core.api.sync.run({ connectionId: c.id });
    return c.id;
  };
  alice = await add('Alice', sandbox.credentials.user);
  admin = await add('Admin', sandbox.credentials.admin);
});
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

describe('bulk actions', () => {
  it('previews exactly the idle active keys across two organizations, and skips what it cannot act on', async () => {
    const plan = await core.api.bulk.plan({ action: 'deactivate', connectionIds: [alice, admin], idleDays: 100 });
    const names = (list: Array<{ name: string }>) => list.map((i) => i.name).sort();
    // Seeded ages: admin-cli 400 d, laptop 120 d, compose-deploy 200 d, prod-deploy 500 d (Production: admin's
    // environment, admin reaches it) are active; old-ci 600 d and staging-backup 300 d are already inactive.
    expect(names(plan.items)).toEqual(['admin-cli', 'compose-deploy', 'compose-deploy', 'laptop', 'prod-deploy']);
    expect(plan.count).toBe(5);
    expect(plan.skipped.map((s) => [s.name, s.reason]).sort()).toEqual([
      ['old-ci', 'Not active.'],
      ['staging-backup', 'Not active.'],
    ]);
    // A dry run changes nothing.
    expect(sandbox.keys().filter((k) => k.name === 'laptop').every((k) => k.state === 'active')).toBe(true);
  });

  it('runs only with the count typed back, and reports each key, failures included', async () => {
    const plan = await core.api.bulk.plan({ action: 'deactivate', connectionIds: [alice], idleDays: 100 });
    expect(plan.count).toBe(2);
    const wrong = await core.api.bulk.run({ planId: plan.planId, confirmCount: 3 }).catch((e: unknown) => e as ApiError);
    expect(wrong).toMatchObject({ kind: 'validation', message: 'Type the exact number of keys (2) to confirm.' });

    const laptop = plan.items.find((i) => i.name === 'laptop')!;
    sandbox.faults.add({ kind: 'status', status: 503, method: 'POST', path: `/apikeys/${laptop.keyId}/`, times: 1 });
    const progress: Array<{ done: number; total: number; name: string; ok: boolean }> = [];
    const stop = core.api.on('bulk.progress', (event) => {
      if (event.planId === plan.planId) progress.push({ done: event.done, total: event.total, name: event.result.name, ok: event.result.ok });
    });
    const result = await core.api.bulk.run({ planId: plan.planId, confirmCount: 2 });
    stop();
    // Each key as it is done, in the plan's order, with how it went.
    expect(progress).toEqual(plan.items.map((item, i) => ({ done: i + 1, total: 2, name: item.name, ok: item.name !== 'laptop' })));
    expect([result.succeeded, result.failed]).toEqual([1, 1]);
    const failed = result.results.find((r) => !r.ok)!;
    expect(failed).toMatchObject({ name: 'laptop', error: expect.stringMatching(/unavailable \(HTTP 503\)/) as unknown });
    expect(sandbox.key(laptop.keyId)!.state).toBe('active');
    const other = result.results.find((r) => r.ok)!;
    expect(sandbox.key(other.keyId)!.state).toBe('inactive');

    // The plan is spent.
    expect((await core.api.bulk.run({ planId: plan.planId, confirmCount: 2 }).catch((e: unknown) => e as ApiError))).toMatchObject({ kind: 'not-found' });
    const journal = await core.api.journal.list({ limit: 5 });
    expect(journal.rows.slice(0, 2).map((r) => r.result).sort()).toEqual(['failed', 'ok']);
  });
});
