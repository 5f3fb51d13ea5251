// A policy applies to every way a backend grants power: "no admin keys" refuses an Onyx key that
// joins the Admin group as it refuses an admin role — in the create form (the choice is marked)
// and in the core (the create is refused on the field that grants it). Real sandbox, real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core.ts';
import { startOnyxSandbox, type OnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { rejection } from '../support/rejection.ts';
import { tempDir } from '../support/temp.ts';

describe.each<Variant>(['groups', 'roles'])('“no admin keys” on Onyx (%s)', (variant) => {
  let sandbox: OnyxSandbox;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let connectionId: string;

  beforeAll(async () => {
    sandbox = await startOnyxSandbox({ variant });
    dir = tempDir();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0 });
    connectionId = (await core.api.connections.add({ kind: 'onyx', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.adminKey } })).id;
    await core.api.sync.run({ connectionId });
    await core.api.policy.set({ connectionId, maxLifetimeDays: null, requireExpiry: false, noAdminKeys: true });
  });
  afterAll(async () => {
    await core.api.connections.remove({ connectionId });
    await core.close();
    await sandbox.close();
    dir.cleanup();
  });

  it('marks the choices that grant admin power in the form', async () => {
    const type = (await core.api.keys.createForm({ connectionId })).types.find((t) => t.id === 'api-key')!;
    const options = variant === 'groups' ? type.groups!.options : type.role!.options;
    expect(options.filter((o) => o.privileged).map((o) => o.label)).toEqual(['Admin']);
    expect(options.filter((o) => !o.privileged).length).toBeGreaterThan(1);
  });

  it('refuses a key that would join the Admin group (or take the admin role), on that field; allows the others', async () => {
    const base = { connectionId, scopeId: 'service-accounts', type: 'api-key', name: 'policy-check' };
    const admin = variant === 'groups' ? { groupIds: [String(sandbox.ids.groups.Admin)] } : { role: 'admin' };
    const before = sandbox.apiKeys().length;
    const error = await rejection(core.api.keys.create({ ...base, ...admin }));
    expect(error.kind).toBe('validation');
    expect(error.fields).toEqual(variant === 'groups' ? { groupIds: 'This organization’s policy allows no admin keys.' } : { role: 'This organization’s policy allows no admin keys.' });
    expect(sandbox.apiKeys().length).toBe(before);

    const allowed = variant === 'groups' ? { groupIds: [String(sandbox.ids.groups.Engineering)] } : { role: 'basic' };
    const { key, revealSlotId } = await core.api.keys.create({ ...base, ...allowed });
    await core.api.reveal.take({ slotId: revealSlotId });
    expect(key.name).toBe('policy-check');
  });

  it('counts keys in the Admin group as admin keys on the health board', async () => {
    const health = await core.api.health.summary({});
    expect(health.counts.privileged).toBeGreaterThan(0);
    expect(health.counts.policy).toBeGreaterThanOrEqual(health.counts.privileged);
  });
});
