// Bulk actions: the dry run names exactly what would change (and what cannot, with the reason);
// running needs the count typed back; one failure does not stop the rest; each key is journaled.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { startEnvZeroSandbox, type EnvZeroSandbox } from '../backends/envzero/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: RancherSandbox;
let envzero: EnvZeroSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
let alice: string;
let admin: string;

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
  envzero = await startEnvZeroSandbox();
});
afterAll(async () => {
  await sandbox.close();
  await envzero.close();
});
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
  it('previews exactly the idle keys across organizations, only where the backend reports last use, and skips what it cannot act on', async () => {
    const envZero = async (name: string, credential: { apiKeyId: string; apiKeySecret: string }) => {
      const c = await core.api.connections.add({ kind: 'envzero', name, baseUrl: envzero.url, credential: { type: 'key-pair', accessKey: credential.apiKeyId, secretKey: credential.apiKeySecret } });
      await core.api.sync.run({ connectionId: c.id });
      return c.id;
    };
    const platform = await envZero('Platform', envzero.credentials.admin);
    const labs = await envZero('Labs', envzero.credentials.labsAdmin);
    const names = (list: Array<{ name: string }>) => list.map((i) => i.name).sort();
    // Seeded env zero keys: dashboard-reader last used 5 days ago; cost-report (45 d old), never-used
    // (200 d) and lab-runner (10 d) never used; the others used within 3 days. Rancher reports no last
    // use, so none of its keys is idle, however old (admin-cli is 400 days old).
    const plan = await core.api.bulk.plan({ action: 'delete', connectionIds: [alice, admin, platform, labs], idleDays: 4 });
    expect(names(plan.items)).toEqual(['cost-report', 'dashboard-reader', 'lab-runner', 'never-used']);
    expect(plan.skipped).toEqual([]);
    expect(plan.notJudged).toEqual(['Rancher 1.x does not report when a key was last used.']);
    const deactivate = await core.api.bulk.plan({ action: 'deactivate', connectionIds: [alice, admin, platform, labs], idleDays: 4 });
    expect(deactivate.count).toBe(0);
    expect(new Set(deactivate.skipped.map((s) => s.reason))).toEqual(new Set(['env zero keys cannot be deactivated or reactivated; they can only be deleted.']));
    // A dry run changes nothing.
    expect(envzero.keys(envzero.ids.orgs.platform).map((k) => k.name)).toContain('never-used');
  });

  it('runs only with the count typed back, and reports each key, failures included', async () => {
    const plan = await core.api.bulk.plan({ action: 'deactivate', connectionIds: [alice], scopeId: sandbox.ids.projects.Default!, statuses: ['active'] });
    expect(plan.count).toBe(2);
    const wrong = await core.api.bulk.run({ planId: plan.planId, confirmCount: 3 }).catch((e: unknown) => e as ApiError);
    expect(wrong).toMatchObject({ kind: 'validation', message: 'Type the exact number of keys (2) to confirm.' });

    const monitoring = plan.items.find((i) => i.name === 'monitoring')!;
    sandbox.faults.add({ kind: 'status', status: 503, method: 'POST', path: `/apikeys/${monitoring.keyId}/`, times: 1 });
    const progress: Array<{ done: number; total: number; name: string; ok: boolean }> = [];
    const stop = core.api.on('bulk.progress', (event) => {
      if (event.planId === plan.planId) progress.push({ done: event.done, total: event.total, name: event.result.name, ok: event.result.ok });
    });
    const result = await core.api.bulk.run({ planId: plan.planId, confirmCount: 2 });
    stop();
    // Each key as it is done, in the plan's order, with how it went.
    expect(progress).toEqual(plan.items.map((item, i) => ({ done: i + 1, total: 2, name: item.name, ok: item.name !== 'monitoring' })));
    expect([result.succeeded, result.failed]).toEqual([1, 1]);
    const failed = result.results.find((r) => !r.ok)!;
    expect(failed).toMatchObject({ name: 'monitoring', error: expect.stringMatching(/unavailable \(HTTP 503\)/) as unknown });
    expect(sandbox.key(monitoring.keyId)!.state).toBe('active');
    const other = result.results.find((r) => r.ok)!;
    expect(sandbox.key(other.keyId)!.state).toBe('inactive');

    // The plan is spent.
    expect((await core.api.bulk.run({ planId: plan.planId, confirmCount: 2 }).catch((e: unknown) => e as ApiError))).toMatchObject({ kind: 'not-found' });
    const journal = await core.api.journal.list({ limit: 5 });
    expect(journal.rows.slice(0, 2).map((r) => r.result).sort()).toEqual(['failed', 'ok']);
  });
});
