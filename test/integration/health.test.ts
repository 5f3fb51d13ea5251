// Key health across connections, per-organization policy and expiry reminders, against the
// deepset sandbox (keys with roles and expiry dates) through the core.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Events, HealthKind } from '../../src-preload/contract.ts';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { tempDir } from '../support/temp.ts';

const DAY = 86_400_000;
let sandbox: DeepsetSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
let connectionId: string;
let notes: Array<Events['notify']>;

beforeAll(async () => {
  sandbox = await startDeepsetSandbox();
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  dir = tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0 });
  notes = [];
  core.events.on('notify', (n) => notes.push(n));
  const connection = await core.api.connections.add({
    kind: 'deepset',
    name: 'Acme',
    baseUrl: sandbox.url,
    credential: { type: 'token', token: sandbox.credentials.admin },
    credentialKind: 'user-token',
  });
  connectionId = connection.id;
  await core.api.sync.run({ connectionId });
});
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

const org = () => sandbox.ids.organization;

async function create(name: string, days: number | null, role = 'MEMBER') {
  const { key, revealSlotId } = await core.api.keys.create({
    connectionId,
    scopeId: org(),
    type: 'service',
    name,
    role,
    expiresAt: days === null ? undefined : Date.now() + days * DAY,
  });
  await core.api.reveal.take({ slotId: revealSlotId });
  return key;
}

describe('key health', () => {
  it('counts each concern, and each count opens exactly the keys behind it', async () => {
    await create('soon', 5);
    await create('this-month', 20);
    await create('next-month', 50);
    await create('forever-admin', null, 'ADMIN');
    const summary = await core.api.health.summary({ idleDays: 90 });
    expect(summary.counts.expiring7).toBeGreaterThanOrEqual(1);
    expect(summary.counts.expiring30).toBeGreaterThanOrEqual(summary.counts.expiring7 + 1);
    expect(summary.counts.expiring60).toBeGreaterThanOrEqual(summary.counts.expiring30 + 1);

    const names = async (kind: HealthKind, days?: number) =>
      (await core.api.keys.list({ health: { kind, days }, limit: 1000 })).rows.map((k) => k.name);
    expect(await names('expiring', 7)).toContain('soon');
    expect(await names('expiring', 7)).not.toContain('this-month');
    expect(await names('expiring', 30)).toEqual(expect.arrayContaining(['soon', 'this-month']));
    expect(await names('expiring', 60)).toEqual(expect.arrayContaining(['soon', 'this-month', 'next-month']));
    expect(await names('no-expiry')).toContain('forever-admin');
    expect(await names('no-expiry')).not.toContain('soon');
    expect(await names('privileged')).toContain('forever-admin');
    expect(await names('privileged')).not.toContain('soon');

    // The board's numbers are the lists' lengths.
    expect((await core.api.keys.list({ health: { kind: 'expiring', days: 30 }, limit: 1 })).total).toBe(summary.counts.expiring30);
    expect((await core.api.keys.list({ health: { kind: 'no-expiry' }, limit: 1 })).total).toBe(summary.counts.noExpiry);
    expect((await core.api.keys.list({ health: { kind: 'privileged' }, limit: 1 })).total).toBe(summary.counts.privileged);
  });

  it('applies the organization’s policy to create forms and flags keys that break it', async () => {
    await create('forever-admin', null, 'ADMIN');
    expect((await core.api.health.summary({ idleDays: 90 })).counts.policy).toBe(0);
    const policy = await core.api.policy.set({ connectionId, maxLifetimeDays: 30, requireExpiry: true, noAdminKeys: true });
    expect(policy).toEqual({ connectionId, maxLifetimeDays: 30, requireExpiry: true, noAdminKeys: true });
    expect(await core.api.policy.get({ connectionId })).toEqual(policy);

    const refused = await core.api.keys
      .create({ connectionId, scopeId: org(), type: 'service', name: 'too-much', role: 'ADMIN', expiresAt: Date.now() + 50 * DAY })
      .then(() => undefined, (e: unknown) => e as ApiError);
    expect(refused).toMatchObject({ kind: 'validation' });
    expect(refused!.fields).toEqual({
      role: 'This organization’s policy allows no admin keys.',
      expiresAt: 'This organization’s policy allows at most 30 days.',
    });
    const noExpiry = await core.api.keys
      .create({ connectionId, scopeId: org(), type: 'service', name: 'x', role: 'MEMBER' })
      .then(() => undefined, (e: unknown) => e as ApiError);
    expect(noExpiry!.fields).toEqual({ expiresAt: 'This organization’s policy requires an expiry date.' });

    // Existing keys that break it are flagged.
    const flagged = (await core.api.keys.list({ health: { kind: 'policy' }, limit: 1000 })).rows.map((k) => k.name);
    expect(flagged).toContain('forever-admin');
    expect((await core.api.health.summary({ idleDays: 90 })).counts.policy).toBe(flagged.length);
  });
});

describe('expiry reminders', () => {
  it('reminds once per key per threshold, only the nearest threshold for a key already close', async () => {
    const soon = await create('soon', 5);
    const month = await create('this-month', 20);
    await create('far', 200);
    notes = [];
    await core.api.sync.run({ connectionId });
    const about = (keyId: string) => notes.filter((n) => n.keyId === keyId);
    expect(about(soon.id)).toHaveLength(1);
    expect(about(soon.id)[0]!.title).toBe('API key expires in 5 days');
    expect(about(soon.id)[0]!.body).toMatch(/“\u2068soon\u2069” of \u2068Acme\u2069 expires on \d{4}-\d\d-\d\d\./);
    expect(about(month.id)).toHaveLength(1);
    expect(notes.some((n) => n.body.includes('“\u2068far\u2069”'))).toBe(false);

    // Another sync: nothing is repeated.
    notes = [];
    await core.api.sync.run({ connectionId });
    expect(about(soon.id)).toEqual([]);
    expect(about(month.id)).toEqual([]);
  });
});
