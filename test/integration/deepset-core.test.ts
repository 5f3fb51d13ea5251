// deepset through the core as the renderer uses it (createCore().api), with the real keychain and
// a real SQLite file: a read-only API key connection that syncs but cannot manage, and a user
// access token connection that creates (one-time reveal), labels, rotates (composed) and deletes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { READ_ONLY_NOTE } from '../../src-main/providers/deepset/credential.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { failure } from '../support/failure.ts';

let sandbox: DeepsetSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;

const rejection = (promise: Promise<unknown>) => failure(promise, ApiError);

/** The masked form Keyfleet shows: deepset's first and last 4 characters around one ellipsis. */
const shown = (secret: string) => `${secret.slice(0, 4)}…${secret.slice(-4)}`;

const connect = (token: string, credentialKind: string) =>
  core.api.connections.add({ kind: 'deepset', name: 'deepset', baseUrl: `${sandbox.url}/api/v1`, credential: { type: 'token', token }, credentialKind });

beforeAll(async () => {
  sandbox = await startDeepsetSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  dir = tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } });
});
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

describe('deepset read-only connection (API key)', () => {
  it('syncs and shows the whole inventory, but cannot create, rotate or delete', async () => {
    const connection = await connect(sandbox.credentials.apiKey, 'api-key');
    expect(connection).toMatchObject({ readOnly: true, baseUrl: sandbox.url, account: { name: 'API key' }, target: { name: 'acme-search' } });
    expect(connection.capabilities.actions.create).toEqual({ mode: 'unavailable', note: READ_ONLY_NOTE });

    const run = await core.api.sync.run({ connectionId: connection.id });
    expect(run).toMatchObject({ result: 'ok', scopes: 4, keys: sandbox.keys().length });
    const scopes = await core.api.scopes.list({ connectionId: connection.id });
    expect(scopes.map((s) => [s.name, s.keyCount])).toEqual([
      ['acme-search', 4],
      ['production', 2],
      ['staging', 1],
      ['research', 1],
    ]);
    const { rows } = await core.api.keys.list({ connectionId: connection.id, limit: 100 });
    const unnamed = rows.find((k) => k.id === sandbox.ids.keys.unnamed)!;
    // Nameless: shown, sorted and found by its id, as deepset shows it.
    expect(unnamed).toMatchObject({ name: unnamed.id, scopeId: 'staging', maskedValue: shown(sandbox.secretOf(unnamed.id)!) });
    const found = await core.api.keys.list({ connectionId: connection.id, query: unnamed.id.slice(0, 13) });
    expect(found.rows.map((k) => k.id)).toEqual([unnamed.id]);

    const requests = sandbox.requests.length;
    const create = await rejection(core.api.keys.create({ connectionId: connection.id, scopeId: 'staging', type: 'service', name: 'x' }));
    expect(create).toMatchObject({ kind: 'unsupported', message: READ_ONLY_NOTE });
    expect((await rejection(core.api.keys.delete({ connectionId: connection.id, keyId: unnamed.id }))).message).toBe(READ_ONLY_NOTE);
    expect((await rejection(core.api.rotation.start({ connectionId: connection.id, keyId: unnamed.id }))).kind).toBe('unsupported');
    expect(sandbox.requests.length).toBe(requests);

    // A label stays possible: it lives in Keyfleet only.
    const labelled = await core.api.keys.update({ connectionId: connection.id, keyId: unnamed.id, name: 'Ada’s staging notebook', description: null });
    expect(labelled).toMatchObject({ name: unnamed.id, localLabel: 'Ada’s staging notebook' });
    expect(sandbox.key(unnamed.id)!.name).toBeNull();
  });
});

describe('deepset managed connection (user access token)', () => {
  it('creates a limited organization key, reveals it once, keeps no secret, and maps 422s to fields', async () => {
    const connection = await connect(sandbox.credentials.admin, 'user-token');
    expect(connection).toMatchObject({ readOnly: false, account: { id: sandbox.ids.users.admin, name: 'Ada Lovelace' }, target: { id: sandbox.ids.organization } });
    await core.api.sync.run({ connectionId: connection.id });

    const { key, revealSlotId } = await core.api.keys.create({
      connectionId: connection.id,
      scopeId: sandbox.ids.organization,
      type: 'personal',
      name: 'analyst',
      role: 'EXTERNAL',
      scopeIds: ['staging', 'research'],
    });
    const reveal = await core.api.reveal.take({ slotId: revealSlotId });
    const secret = reveal.fields[0]!.value;
    expect(sandbox.authenticates(secret)).toBe(true);
    expect((await rejection(core.api.reveal.take({ slotId: revealSlotId }))).message).toMatch(/already revealed once/);
    expect(sandbox.key(key.id)).toMatchObject({ personal: true, workspaces: ['staging', 'research'], organizationRole: 'EXTERNAL' });
    expect(key).toMatchObject({ name: 'analyst', type: 'personal', role: 'EXTERNAL', maskedValue: shown(secret) });

    sandbox.faults.add({
      kind: 'status',
      status: 422,
      method: 'POST',
      times: 1,
      body: { detail: [{ type: 'value_error', loc: ['body', 'expires_at'], msg: 'Value error, expiry too far in the future' }, { type: 'enum', loc: ['body', 'organization_role'], msg: 'Input should be ADMIN or MEMBER' }] },
    });
    const invalid = await rejection(core.api.keys.create({ connectionId: connection.id, scopeId: 'production', type: 'service', name: 'far', expiresAt: Date.now() + 3650 * 86_400_000 }));
    expect(invalid.kind).toBe('invalid');
    expect(invalid.fields).toEqual({ expiresAt: 'Expiry too far in the future.', role: 'Input should be ADMIN or MEMBER.' });

    await core.api.sync.run({ connectionId: connection.id });
    await core.close();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 } });
    expect(scanForSecrets(dir.path, [secret, sandbox.credentials.admin])).toEqual([]);
  });

  it('rotates a limited key as a composed twin, then deletes the old one', async () => {
    const connection = await connect(sandbox.credentials.admin, 'user-token');
    await core.api.sync.run({ connectionId: connection.id });
    const { key: old, revealSlotId } = await core.api.keys.create({
      connectionId: connection.id,
      scopeId: sandbox.ids.organization,
      type: 'service',
      name: 'indexer',
      role: 'MEMBER',
      scopeIds: ['research'],
      expiresAt: Date.now() + 10 * 86_400_000,
    });
    await core.api.reveal.take({ slotId: revealSlotId });

    const started = await core.api.rotation.start({ connectionId: connection.id, keyId: old.id });
    expect(started).toMatchObject({ mode: 'composed', retire: 'delete', step: 'awaiting-reveal' });
    const twin = sandbox.key(started.newKeyId!)!;
    expect(twin).toMatchObject({ name: 'indexer', personal: false, scope: 'organization', workspaces: ['research'], organizationRole: 'MEMBER' });
    // deepset reports no creation date, so the old key's lifetime is unknown: the twin expires when
    // the old key would have, never "not at all".
    expect(twin.expiresAt).not.toBeNull();
    expect(Math.abs(twin.expiresAt! - old.expiresAt!)).toBeLessThan(5_000);
    expect(sandbox.authenticates((await core.api.reveal.take({ slotId: started.revealSlotId! })).fields[0]!.value)).toBe(true);
    await core.api.rotation.confirmDeployed({ operationId: started.operationId });
    expect((await core.api.rotation.retire({ operationId: started.operationId })).step).toBe('done');
    expect(sandbox.key(old.id)).toBeUndefined();
  });

  it('never makes a twin that never expires of a key that did: it asks, or follows the policy', async () => {
    const connection = await connect(sandbox.credentials.admin, 'user-token');
    await core.api.sync.run({ connectionId: connection.id });
    // Expired ten days ago, and deepset does not say when it was made: no lifetime to repeat.
    const oldKey = sandbox.ids.keys['prod-old']!;
    const posts = () => sandbox.requests.filter((r) => r.method === 'POST').length;
    const before = posts();
    const asked = await rejection(core.api.rotation.start({ connectionId: connection.id, keyId: oldKey }));
    expect(asked).toMatchObject({ kind: 'validation', fields: { expiresAt: 'Choose when the new key expires.' } });
    expect(asked.message).toMatch(/cannot tell how long the old key was meant to last/);
    expect(posts()).toBe(before);

    // The wizard's plan says so before anything is made; the user's choice, "never" included, stands.
    expect(await core.api.rotation.plan({ connectionId: connection.id, keyId: oldKey })).toMatchObject({
      mode: 'composed',
      expiry: { supported: true, default: null, basis: 'choose', oldExpiresAt: sandbox.key(oldKey)!.expiresAt, expiryRequired: false },
    });
    const chosen = Date.now() + 7 * 86_400_000;
    const picked = await core.api.rotation.start({ connectionId: connection.id, keyId: oldKey, expiresAt: chosen });
    await core.api.reveal.take({ slotId: picked.revealSlotId! });
    expect(sandbox.key(picked.newKeyId!)!.expiresAt).toBe(chosen);
    await core.api.rotation.cancel({ operationId: picked.operationId });
    const never = await core.api.rotation.start({ connectionId: connection.id, keyId: oldKey, expiresAt: null });
    await core.api.reveal.take({ slotId: never.revealSlotId! });
    expect(sandbox.key(never.newKeyId!)!.expiresAt).toBeNull();
    await core.api.rotation.cancel({ operationId: never.operationId });

    await core.api.policy.set({ connectionId: connection.id, maxLifetimeDays: 30, requireExpiry: false, noAdminKeys: false });
    expect((await core.api.rotation.plan({ connectionId: connection.id, keyId: oldKey })).expiry).toMatchObject({ basis: 'policy', expiryRequired: true });
    const started = await core.api.rotation.start({ connectionId: connection.id, keyId: oldKey });
    await core.api.reveal.take({ slotId: started.revealSlotId! });
    expect(Math.abs(sandbox.key(started.newKeyId!)!.expiresAt! - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    await core.api.rotation.cancel({ operationId: started.operationId });
  });

  it('offers the workspace roles on create, shows a key’s in its details, and keeps it in the twin', async () => {
    const connection = await connect(sandbox.credentials.admin, 'user-token');
    await core.api.sync.run({ connectionId: connection.id });
    const [service] = (await core.api.keys.createForm({ connectionId: connection.id })).types;
    const role = service!.fields!.find((f) => f.id === 'workspaceRole')!;
    expect(role).toMatchObject({ multiple: false, emptyMeans: 'deepset’s default: your own workspace role.' });
    expect(role.options.map((o) => o.label)).toEqual(['Editor', 'Search user', 'Annotator']);
    const annotator = sandbox.ids.roles.Annotator;
    const { key, revealSlotId } = await core.api.keys.create({ connectionId: connection.id, scopeId: sandbox.ids.organization, type: 'service', name: 'labeller', fields: { workspaceRole: annotator } });
    await core.api.reveal.take({ slotId: revealSlotId });
    expect(sandbox.key(key.id)!.roleId).toBe(annotator);
    await core.api.sync.run({ connectionId: connection.id });
    expect((await core.api.keys.get({ connectionId: connection.id, keyId: key.id })).facts).toContainEqual({ label: 'Workspace role', value: 'Annotator' });
    const plan = await core.api.rotation.plan({ connectionId: connection.id, keyId: key.id });
    expect(plan.keeps).toContain('Workspace role: Annotator');
    const started = await core.api.rotation.start({ connectionId: connection.id, keyId: key.id });
    await core.api.reveal.take({ slotId: started.revealSlotId! });
    expect(sandbox.key(started.newKeyId!)!.roleId).toBe(annotator);
    await core.api.rotation.cancel({ operationId: started.operationId });
    await core.api.keys.delete({ connectionId: connection.id, keyId: key.id });
  });

  it('keeps the renamed name as a local label, and deletes in deepset', async () => {
    const connection = await connect(sandbox.credentials.admin, 'user-token');
    await core.api.sync.run({ connectionId: connection.id });
    const { key, revealSlotId } = await core.api.keys.create({ connectionId: connection.id, scopeId: 'staging', type: 'service', name: '' });
    await core.api.reveal.take({ slotId: revealSlotId });
    expect(key.name).toBe(key.id);
    const labelled = await core.api.keys.update({ connectionId: connection.id, keyId: key.id, name: 'staging-ingest', description: null });
    expect(labelled.localLabel).toBe('staging-ingest');
    await core.api.keys.delete({ connectionId: connection.id, keyId: key.id });
    expect(sandbox.key(key.id)).toBeUndefined();
    expect((await core.api.keys.list({ connectionId: connection.id, limit: 100 })).rows.some((k) => k.id === key.id)).toBe(false);
  });
});
