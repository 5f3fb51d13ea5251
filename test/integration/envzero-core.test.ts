// env zero through the core as the renderer uses it (createCore().api), with the real keychain and
// a real SQLite file: choosing the organization of a personal key, a create that the lagging list
// must not make vanish, a delete that stays "revoked" while env zero may still accept the key, a
// local label instead of a rename, and a composed rotation that keeps the project roles.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { startEnvZeroSandbox, type Credential, type EnvZeroSandbox } from '../backends/envzero/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { failure } from '../support/failure.ts';

const MINUTE = 60_000;
let sandbox: EnvZeroSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
/** The core's clock runs ahead of real time by this much. */
let skew = 0;

const rejection = (promise: Promise<unknown>) => failure(promise, ApiError);

const add = (credential: Credential, target?: string) =>
  core.api.connections.add({
    kind: 'envzero',
    name: 'env zero',
    baseUrl: `${sandbox.url}/`,
    credential: { type: 'key-pair', accessKey: credential.apiKeyId, secretKey: credential.apiKeySecret },
    target,
  });

beforeAll(async () => {
  sandbox = await startEnvZeroSandbox({ listLagMs: 30_000 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  skew = 0;
  dir = tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 }, now: () => Date.now() + skew });
});
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

describe('env zero through the core', () => {
  it('asks which organization a personal key manages, then connects to the chosen one', async () => {
    const error = await rejection(add(sandbox.credentials.personal));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('This credential reaches several organizations. Choose the one this connection manages.');
    expect(error.choices?.map((c) => c.label)).toEqual(['Acme Platform', 'Acme Labs']);
    expect(await core.api.connections.list()).toEqual([]);

    const connection = await add(sandbox.credentials.personal, sandbox.ids.orgs.labs);
    expect(connection).toMatchObject({ kind: 'envzero', baseUrl: sandbox.url, target: { id: sandbox.ids.orgs.labs, name: 'Acme Labs' } });
    const run = await core.api.sync.run({ connectionId: connection.id });
    expect(run).toMatchObject({ result: 'ok', scopes: 4, keys: 2 });
    const scopes = await core.api.scopes.list({ connectionId: connection.id });
    expect(scopes.map((s) => [s.kind, s.name, s.keyCount])).toEqual([
      ['organization', 'Acme Labs', 2],
      ['project', 'Research', 0],
      ['project', 'Experiments', 0],
      ['team', 'Lab crew', 0],
    ]);
  });

  it('keeps a new key through syncs while the list lags, then follows the list', async () => {
    const connection = await add(sandbox.credentials.admin);
    await core.api.sync.run({ connectionId: connection.id });
    const { key, revealSlotId } = await core.api.keys.create({ connectionId: connection.id, scopeId: sandbox.ids.orgs.platform, type: 'organization', name: 'fresh', role: 'Admin' });
    expect(key).toMatchObject({ name: 'fresh', holdReason: 'created' });
    const reveal = await core.api.reveal.take({ slotId: revealSlotId });
    expect(reveal.fields.map((f) => [f.label, f.secret])).toEqual([['API key ID', false], ['API key secret', true]]);
    const secret = reveal.fields[1]!.value;

    // The list does not show it yet; the sync must not drop it.
    const lagging = await core.api.sync.run({ connectionId: connection.id });
    expect(lagging.removed).toBe(0);
    const held = await core.api.keys.get({ connectionId: connection.id, keyId: key.id });
    expect(held).toMatchObject({ status: 'active', holdReason: 'created', maskedValue: reveal.fields[0]!.value });

    sandbox.advance(30_000);
    await core.api.sync.run({ connectionId: connection.id });
    expect(await core.api.keys.get({ connectionId: connection.id, keyId: key.id })).toMatchObject({ holdReason: null, holdUntil: null });

    await core.close();
    expect(scanForSecrets(dir.path, [secret, sandbox.credentials.admin.apiKeySecret])).toEqual([]);
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } });
  });

  it('turns a held new key the list never shows into a ghost row once the hold is over', async () => {
    const connection = await add(sandbox.credentials.admin);
    await core.api.sync.run({ connectionId: connection.id });
    const { key, revealSlotId } = await core.api.keys.create({ connectionId: connection.id, scopeId: sandbox.ids.orgs.platform, type: 'organization', name: 'vanishing', role: 'Admin' });
    await core.api.reveal.discard({ slotId: revealSlotId });
    sandbox.faults.add({ kind: 'status', status: 200, body: [], path: '/api-keys?' });
    skew = 3 * MINUTE;
    const run = await core.api.sync.run({ connectionId: connection.id });
    sandbox.faults.clear();
    expect(run.removed).toBeGreaterThan(0);
    const ghost = await core.api.keys.get({ connectionId: connection.id, keyId: key.id });
    expect(ghost.goneSince).not.toBeNull();
    expect((await rejection(core.api.keys.delete({ connectionId: connection.id, keyId: key.id }))).message).toMatch(/gone from the backend/);
  });

  it('shows a deleted key as revoked until env zero stops accepting it, across syncs', async () => {
    const connection = await add(sandbox.credentials.admin);
    await core.api.sync.run({ connectionId: connection.id });
    const victim = (await core.api.keys.list({ connectionId: connection.id })).rows.find((k) => k.name === 'terraform-ci')!;
    const before = Date.now();
    await core.api.keys.delete({ connectionId: connection.id, keyId: victim.id });
    const revoked = await core.api.keys.get({ connectionId: connection.id, keyId: victim.id });
    expect(revoked).toMatchObject({ status: 'revoked', holdReason: 'revoked' });
    expect(revoked.holdUntil).toBeGreaterThanOrEqual(before + 60 * MINUTE);
    expect(revoked.holdUntil).toBeLessThanOrEqual(Date.now() + 60 * MINUTE);
    expect(sandbox.key(victim.id)!.deletedAt).not.toBeNull();

    await core.api.sync.run({ connectionId: connection.id });
    expect(await core.api.keys.get({ connectionId: connection.id, keyId: victim.id })).toMatchObject({ status: 'revoked' });

    skew = 61 * MINUTE;
    await core.api.sync.run({ connectionId: connection.id });
    expect((await rejection(core.api.keys.get({ connectionId: connection.id, keyId: victim.id }))).kind).toBe('not-found');
  });

  it('keeps a rename as a local label and never calls env zero for it', async () => {
    const connection = await add(sandbox.credentials.admin);
    await core.api.sync.run({ connectionId: connection.id });
    const key = (await core.api.keys.list({ connectionId: connection.id })).rows.find((k) => k.name === 'never-used')!;
    const count = sandbox.requests.length;
    const labelled = await core.api.keys.update({ connectionId: connection.id, keyId: key.id, name: 'spare', description: null });
    expect(labelled).toMatchObject({ name: 'never-used', localLabel: 'spare' });
    // Only reads (the create form, to check the name) reached env zero.
    expect(sandbox.requests.slice(count).filter((r) => r.method !== 'GET')).toEqual([]);
    expect((await rejection(core.api.keys.setActive({ connectionId: connection.id, keyId: key.id, active: false }))).kind).toBe('unsupported');
  });

  it('offers teams on a User key’s create form, shows them in its details, and checks them', async () => {
    const connection = await add(sandbox.credentials.admin);
    await core.api.sync.run({ connectionId: connection.id });
    const [type] = (await core.api.keys.createForm({ connectionId: connection.id })).types;
    const teams = type!.fields!.find((f) => f.id === 'teamIds')!;
    expect(teams).toMatchObject({ label: 'Teams', multiple: true, whenRoles: ['User', sandbox.ids.roles.auditor, sandbox.ids.roles.releaseManager] });
    expect(teams.options.map((o) => o.label)).toEqual(['SRE', 'Developers']);

    const reader = (await core.api.keys.list({ connectionId: connection.id })).rows.find((k) => k.name === 'dashboard-reader')!;
    expect((await core.api.keys.get({ connectionId: connection.id, keyId: reader.id })).facts).toEqual([
      { label: 'Project roles', value: 'Platform: Viewer, Data: Viewer' },
      { label: 'Teams', value: 'SRE' },
    ]);

    const org = sandbox.ids.orgs.platform;
    const base = { connectionId: connection.id, scopeId: org, type: 'organization', name: 'team-bot' };
    const posts = () => sandbox.requests.filter((r) => r.method === 'POST').length;
    const before = posts();
    expect((await rejection(core.api.keys.create({ ...base, role: 'User', fields: { teamIds: ['no-such-team'] } }))).fields).toMatchObject({ teamIds: expect.stringMatching(/^Choose teams from the list/) });
    expect((await rejection(core.api.keys.create({ ...base, role: 'Admin', fields: { teamIds: [sandbox.ids.teams.SRE!] } }))).fields).toEqual({ teamIds: 'This does not apply with this role.' });
    expect(posts()).toBe(before);
    const { key, revealSlotId } = await core.api.keys.create({ ...base, role: 'User', fields: { teamIds: [sandbox.ids.teams.Developers!] } });
    await core.api.reveal.take({ slotId: revealSlotId });
    expect(sandbox.teamsOf(key.id)).toEqual([sandbox.ids.teams.Developers]);
    await core.api.keys.delete({ connectionId: connection.id, keyId: key.id });
  });

  it('rotates a key with a custom project role, keeping it, instead of refusing', async () => {
    const connection = await add(sandbox.credentials.admin);
    await core.api.sync.run({ connectionId: connection.id });
    const old = (await core.api.keys.list({ connectionId: connection.id })).rows.find((k) => k.name === 'cost-report')!;
    const started = await core.api.rotation.start({ connectionId: connection.id, keyId: old.id });
    await core.api.reveal.take({ slotId: started.revealSlotId! });
    expect(sandbox.key(started.newKeyId!)).toMatchObject({ name: 'cost-report', organizationRole: sandbox.ids.roles.auditor });
    expect(sandbox.projectRoles(started.newKeyId!)).toEqual(sandbox.projectRoles(old.id));
    expect(sandbox.projectRoles(started.newKeyId!)).toContainEqual({ projectId: sandbox.ids.projects.Networking, role: sandbox.ids.roles.releaseManager });
    await core.api.rotation.cancel({ operationId: started.operationId });
  });

  it('rotates a User key into a twin with the same project roles and teams, then deletes the old one', async () => {
    const connection = await add(sandbox.credentials.admin);
    await core.api.sync.run({ connectionId: connection.id });
    const old = (await core.api.keys.list({ connectionId: connection.id })).rows.find((k) => k.name === 'dashboard-reader')!;
    // The wizard shows what the twin keeps; env zero keys never expire.
    expect(await core.api.rotation.plan({ connectionId: connection.id, keyId: old.id })).toEqual({
      mode: 'composed',
      expiry: { supported: false, default: null, basis: 'unsupported', oldExpiresAt: null, expiryRequired: false },
      keeps: ['Organization role: User', 'Project roles: Platform: Viewer, Data: Viewer', 'Teams: SRE'],
    });
    const started = await core.api.rotation.start({ connectionId: connection.id, keyId: old.id });
    expect(started).toMatchObject({ mode: 'composed', retire: 'delete' });
    await core.api.reveal.take({ slotId: started.revealSlotId! });
    expect(sandbox.key(started.newKeyId!)).toMatchObject({ name: 'dashboard-reader', organizationRole: 'User' });
    expect(sandbox.projectRoles(started.newKeyId!)).toEqual(expect.arrayContaining(sandbox.projectRoles(old.id)));
    expect(sandbox.projectRoles(started.newKeyId!)).toHaveLength(2);
    // What team SRE grants, the twin holds too.
    expect(sandbox.teamsOf(started.newKeyId!)).toEqual([sandbox.ids.teams.SRE]);
    await core.api.rotation.confirmDeployed({ operationId: started.operationId });
    const done = await core.api.rotation.retire({ operationId: started.operationId });
    expect(done.step).toBe('done');
    expect(sandbox.key(old.id)!.deletedAt).not.toBeNull();
    expect(await core.api.keys.get({ connectionId: connection.id, keyId: old.id })).toMatchObject({ status: 'revoked', holdReason: 'revoked' });
  });
});
