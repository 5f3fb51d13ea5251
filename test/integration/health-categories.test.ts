// Every health category, through the core: non-empty for a backend that can tell (env zero and
// LangWatch report last use and creation dates, LangWatch keys expire, Rancher admin keys are
// privileged), and, on a board of a backend that cannot, empty with the reason stated. One idle,
// shared by the board, the lists behind its cards and bulk selections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core.ts';
import type { HealthKind } from '../../src-preload/contract.ts';
import { startEnvZeroSandbox, type EnvZeroSandbox } from '../backends/envzero/server.ts';
import { startLangwatchSandbox, type LangwatchSandbox } from '../backends/langwatch/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

let rancher: RancherSandbox;
let envzero: EnvZeroSandbox;
let langwatch: LangwatchSandbox;
/** Rancher, env zero and LangWatch. */
let mixed: Core;
/** Rancher alone: a board where last use, expiry and policies cannot apply. */
let rancherOnly: Core;
const ids = { rancher: '', envzero: '', langwatch: '', rancherAlone: '' };
const dirs: Array<ReturnType<typeof tempDir>> = [];

function newCore(): Core {
  const dir = tempDir();
  dirs.push(dir);
  return createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0 });
}

async function add(core: Core, input: Parameters<Core['api']['connections']['add']>[0]): Promise<string> {
  const { id } = await core.api.connections.add(input);
  await core.api.sync.run({ connectionId: id });
  return id;
}

const rancherInput = () => ({ kind: 'rancher' as const, name: 'Rancher', baseUrl: rancher.url, credential: { type: 'key-pair' as const, ...rancher.credentials.admin } });

beforeAll(async () => {
  [rancher, envzero, langwatch] = await Promise.all([startRancherSandbox({ settleMs: 5 }), startEnvZeroSandbox(), startLangwatchSandbox()]);
  mixed = newCore();
  ids.rancher = await add(mixed, rancherInput());
  const { apiKeyId, apiKeySecret } = envzero.credentials.admin;
  ids.envzero = await add(mixed, { kind: 'envzero', name: 'Platform', baseUrl: envzero.url, credential: { type: 'key-pair', accessKey: apiKeyId, secretKey: apiKeySecret } });
  ids.langwatch = await add(mixed, { kind: 'langwatch', name: 'LangWatch', baseUrl: langwatch.url, credential: { type: 'token', token: langwatch.credentials.admin } });
  rancherOnly = newCore();
  ids.rancherAlone = await add(rancherOnly, rancherInput());
});

afterAll(async () => {
  for (const core of [mixed, rancherOnly]) {
    for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
    await core.close();
  }
  for (const dir of dirs) dir.cleanup();
  await Promise.all([rancher.close(), envzero.close(), langwatch.close()]);
});

async function names(core: Core, kind: HealthKind, days?: number): Promise<string[]> {
  return (await core.api.keys.list({ health: { kind, days }, limit: 1000 })).rows.map((k) => k.name).sort();
}

/** Active Rancher keys in a core's cache: what a category that cannot apply leaves out. */
async function activeRancherKeys(core: Core, connectionId: string): Promise<number> {
  return (await core.api.keys.list({ connectionId, limit: 1000 })).rows.filter((k) => k.status === 'active').length;
}

const notCounted = (n: number) => `${n} active keys are not counted`;

describe('health categories', () => {
  it('never used: env zero and LangWatch keys no one has used; Rancher cannot say', async () => {
    const summary = await mixed.api.health.summary({ idleDays: 90 });
    const list = await names(mixed, 'never-used');
    expect(list).toEqual(expect.arrayContaining(['cost-report', 'never-used', 'org-automation', 'ada-notebook']));
    // Used: the env zero key of the connection, and one used a day ago.
    expect(list).not.toContain('terraform-ci');
    expect(list).not.toContain('keyfleet-admin');
    expect(list).not.toContain('admin-cli');
    expect(summary.counts.neverUsed).toBe(list.length);

    const alone = await rancherOnly.api.health.summary({ idleDays: 90 });
    expect(alone.counts.neverUsed).toBe(0);
    const n = await activeRancherKeys(rancherOnly, ids.rancherAlone);
    expect(alone.notCounted['never-used']).toEqual([`Rancher 1.x does not report when a key was last used: ${notCounted(n)}.`]);
    expect(summary.notCounted['never-used']).toEqual(alone.notCounted['never-used']);
  });

  it('idle: judged by last use, not age; the board, its list and bulk selections agree', async () => {
    const summary = await mixed.api.health.summary({ idleDays: 4 });
    const list = await names(mixed, 'idle', 4);
    // Last used 5 days ago; never used and created more than 4 days ago.
    expect(list).toEqual(expect.arrayContaining(['dashboard-reader', 'cost-report', 'never-used', 'org-automation']));
    // 400 days old, but used yesterday; and no Rancher key, whatever its age.
    expect(list).not.toContain('terraform-ci');
    expect(list).not.toContain('admin-cli');
    expect(summary.counts.idle).toBe(list.length);

    // Bulk's "idle for more than 4 days" selects exactly these keys.
    const plan = await mixed.api.bulk.plan({ action: 'delete', idleDays: 4 });
    expect([...plan.items, ...plan.skipped].map((k) => k.name).sort()).toEqual(list);

    const alone = await rancherOnly.api.health.summary({ idleDays: 4 });
    expect(alone.counts.idle).toBe(0);
    expect(alone.notCounted.idle).toEqual([`Rancher 1.x does not report when a key was last used: ${notCounted(await activeRancherKeys(rancherOnly, ids.rancherAlone))}.`]);
    const rancherPlan = await rancherOnly.api.bulk.plan({ action: 'deactivate', idleDays: 4 });
    expect(rancherPlan.count).toBe(0);
    expect(rancherPlan.notJudged).toEqual(['Rancher 1.x does not report when a key was last used.']);
  });

  it('no expiry: LangWatch keys made to last forever; Rancher and env zero keys cannot expire', async () => {
    const summary = await mixed.api.health.summary({ idleDays: 90 });
    const list = await names(mixed, 'no-expiry');
    expect(list).toEqual(expect.arrayContaining(['org-automation', 'ci-pipeline']));
    expect(list).not.toContain('ada-notebook');
    expect(list).not.toContain('terraform-ci');
    expect(summary.counts.noExpiry).toBe(list.length);
    expect(summary.notCounted['no-expiry']).toEqual(expect.arrayContaining([expect.stringMatching(/^env zero Organization API keys cannot expire: \d+ active keys are not counted\.$/)]));

    const alone = await rancherOnly.api.health.summary({ idleDays: 90 });
    expect(alone.counts.noExpiry).toBe(0);
    const reason = `Rancher 1.x Account API keys and Environment API keys cannot expire: ${notCounted(await activeRancherKeys(rancherOnly, ids.rancherAlone))}.`;
    expect(alone.notCounted['no-expiry']).toEqual([reason]);
  });

  it('expiring: a LangWatch key that ends within 30 days; not where keys cannot expire', async () => {
    const summary = await mixed.api.health.summary({ idleDays: 90 });
    expect(await names(mixed, 'expiring', 30)).toEqual(['ada-notebook']);
    expect(summary.counts.expiring30).toBe(1);
    expect(summary.counts.expiring7).toBe(0);

    const alone = await rancherOnly.api.health.summary({ idleDays: 90 });
    expect(alone.counts.expiring60).toBe(0);
    expect(alone.notCounted.expiring).toEqual([expect.stringMatching(/^Rancher 1\.x Account API keys and Environment API keys cannot expire/)]);
  });

  it('too old: env zero keys older than the organization’s maximum lifetime; none checked without one', async () => {
    await mixed.api.policy.set({ connectionId: ids.envzero, maxLifetimeDays: 365, requireExpiry: false, noAdminKeys: false });
    try {
      const summary = await mixed.api.health.summary({ idleDays: 90 });
      expect(await names(mixed, 'too-old')).toEqual(['terraform-ci']);
      expect(summary.counts.tooOld).toBe(1);
      expect(summary.notCounted['too-old']).toEqual([expect.stringMatching(/^No maximum lifetime is set for Rancher and LangWatch: \d+ active keys are not checked\.$/)]);
    } finally {
      await mixed.api.policy.set({ connectionId: ids.envzero, maxLifetimeDays: null, requireExpiry: false, noAdminKeys: false });
    }

    const alone = await rancherOnly.api.health.summary({ idleDays: 90 });
    expect(alone.counts.tooOld).toBe(0);
    const n = await activeRancherKeys(rancherOnly, ids.rancherAlone);
    expect(alone.notCounted['too-old']).toEqual([`No maximum lifetime is set for Rancher: ${n} active keys are not checked.`]);
  });

  it('privileged: the Rancher admin’s own keys and env zero Admin keys; every backend can say', async () => {
    const summary = await mixed.api.health.summary({ idleDays: 90 });
    const list = await names(mixed, 'privileged');
    expect(list).toEqual(expect.arrayContaining(['admin-cli', 'keyfleet-admin', 'terraform-ci']));
    expect(list).not.toContain('compose-deploy');
    expect(list).not.toContain('dashboard-reader');
    expect(summary.counts.privileged).toBe(list.length);
    expect(summary.notCounted.privileged).toEqual([]);
    expect((await rancherOnly.api.health.summary({ idleDays: 90 })).counts.privileged).toBeGreaterThan(0);
  });

  it('policy: env zero keys that break “no admin keys”; none checked where no policy is set', async () => {
    await mixed.api.policy.set({ connectionId: ids.envzero, maxLifetimeDays: null, requireExpiry: false, noAdminKeys: true });
    try {
      const summary = await mixed.api.health.summary({ idleDays: 90 });
      const list = await names(mixed, 'policy');
      expect(list).toEqual(expect.arrayContaining(['keyfleet-admin', 'terraform-ci']));
      expect(list).not.toContain('admin-cli');
      expect(summary.counts.policy).toBe(list.length);
      expect(summary.notCounted.policy).toEqual([expect.stringMatching(/^No policy is set for Rancher and LangWatch: \d+ active keys are not checked\.$/)]);
    } finally {
      await mixed.api.policy.set({ connectionId: ids.envzero, maxLifetimeDays: null, requireExpiry: false, noAdminKeys: false });
    }

    const alone = await rancherOnly.api.health.summary({ idleDays: 90 });
    expect(alone.counts.policy).toBe(0);
    expect(alone.notCounted.policy).toEqual([`No policy is set for Rancher: ${await activeRancherKeys(rancherOnly, ids.rancherAlone)} active keys are not checked.`]);
  });
});
