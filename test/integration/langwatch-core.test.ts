// LangWatch through the core as the renderer drives it (createCore().api), in both API eras, with
// the real keychain and a real SQLite file: connect (the era lands in the connection's settings),
// sync, create with a one-time reveal and a kept hint, rename natively (era B) or as a local label
// (era A), a composed rotation that keeps the bindings, and revoke (twice is harmless).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { startLangwatchSandbox, type Era, type LangwatchSandbox } from '../backends/langwatch/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { failure } from '../support/failure.ts';

const rejection = (promise: Promise<unknown>) => failure(promise, ApiError);

describe.each<Era>(['A', 'B'])('LangWatch through the core (era %s)', (era) => {
  let sandbox: LangwatchSandbox;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let connectionId: string;
  const open = () => createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } });

  beforeAll(async () => {
    sandbox = await startLangwatchSandbox({ era });
    dir = tempDir();
    core = open();
    const connection = await core.api.connections.add({ kind: 'langwatch', name: 'LangWatch', baseUrl: `${sandbox.url}/api/api-keys`, credential: { type: 'token', token: sandbox.credentials.admin } });
    connectionId = connection.id;
    await core.api.sync.run({ connectionId });
  });

  afterAll(async () => {
    await core.api.connections.remove({ connectionId });
    await core.close();
    const secrets = sandbox.issuedTokens().flatMap((t) => [t, t.slice(t.indexOf('_') + 1)]);
    expect(scanForSecrets(dir.path, [sandbox.credentials.admin, ...secrets])).toEqual([]);
    await sandbox.close();
    dir.cleanup();
  });

  const keys = async () => (await core.api.keys.list({ connectionId, limit: 1000 })).rows;
  const byName = async (name: string) => (await keys()).find((k) => k.name === name || k.localLabel === name);
  const scopeId = async (name: string) => (await core.api.scopes.list({ connectionId })).find((s) => s.name === name)!.id;

  it('stores the era it found and offers rename natively only on ≥ v3.13, also after a restart', async () => {
    const [view] = await core.api.connections.list();
    expect(view).toMatchObject({ kind: 'langwatch', baseUrl: sandbox.url, account: { id: sandbox.ids.organization, name: `Organization API key ${sandbox.credentials.admin.slice(0, 10)}…` } });
    expect(view!.capabilities.actions.rename.mode).toBe(era === 'B' ? 'native' : 'composed');
    await core.close();
    core = open();
    const mark = sandbox.requests.length;
    const [again] = await core.api.connections.list();
    expect(again!.capabilities.actions.rename.mode).toBe(era === 'B' ? 'native' : 'composed');
    expect(sandbox.requests.length).toBe(mark);
    const scopes = await core.api.scopes.list({ connectionId });
    expect(scopes.map((s) => [s.kind, s.name, s.keyCount])).toEqual([
      ['organization', 'Organization', era === 'B' ? 6 : 5],
      ['team', 'Platform', 0],
      ['team', 'Research', 0],
      ['project', 'Chatbot', 0],
      ['project', 'Search', 0],
      ['project', 'Evals', 0],
    ]);
  });

  it('creates a service key for two projects: the key once, then only its hint', async () => {
    const org = sandbox.ids.organization;
    const created = await core.api.keys.create({ connectionId, scopeId: org, type: 'service', name: 'deploy-bot', description: 'CD', scopeIds: [await scopeId('Chatbot'), await scopeId('Search')] });
    const reveal = await core.api.reveal.take({ slotId: created.revealSlotId });
    const token = reveal.fields.find((f) => f.secret)!.value;
    expect(sandbox.authenticates(token)).toBe(true);
    expect((await rejection(core.api.reveal.take({ slotId: created.revealSlotId }))).kind).toBe('not-found');
    expect(created.key).toMatchObject({ type: 'service', role: 'Admin · Chatbot, Search', maskedValue: `${token.slice(0, 10)}…` });
    expect(sandbox.key(created.key.id)!.bindings.map((b) => b.scopeId)).toEqual([sandbox.ids.projects.Chatbot, sandbox.ids.projects.Search]);
    await core.api.sync.run({ connectionId });
    expect(await byName('deploy-bot')).toMatchObject({ id: created.key.id, type: 'service', maskedValue: `${token.slice(0, 10)}…`, holdReason: null });
  });

  it('refuses a personal key without bindings on the bindings field, creating nothing', async () => {
    const before = sandbox.keys().length;
    const error = await rejection(core.api.keys.create({ connectionId, scopeId: sandbox.ids.organization, type: 'personal', name: 'bare', grants: [] }));
    // Caught before LangWatch is called.
    expect(error).toMatchObject({ kind: 'invalid', fields: { grants: 'Add at least one role binding.' } });
    expect(sandbox.keys().length).toBe(before);
  });

  it(era === 'B' ? 'renames in LangWatch' : 'keeps a local label, LangWatch’s name untouched', async () => {
    const key = (await byName('deploy-bot'))!;
    const mark = sandbox.requests.length;
    const updated = await core.api.keys.update({ connectionId, keyId: key.id, name: 'deploy-bot-eu', description: 'CD (EU)' });
    if (era === 'B') {
      expect(updated).toMatchObject({ name: 'deploy-bot-eu', description: 'CD (EU)', localLabel: null });
      expect(sandbox.key(key.id)).toMatchObject({ name: 'deploy-bot-eu', description: 'CD (EU)' });
    } else {
      expect(updated).toMatchObject({ name: 'deploy-bot', localLabel: 'deploy-bot-eu' });
      expect(sandbox.key(key.id)!.name).toBe('deploy-bot');
      expect(sandbox.requests.slice(mark)).toEqual([]);
    }
    await core.api.sync.run({ connectionId });
    expect(await byName('deploy-bot-eu')).toMatchObject({ id: key.id, maskedValue: key.maskedValue });
  });

  it('rotates a personal key into a twin with the same bindings, then revokes the old one', async () => {
    const old = (await byName('ada-notebook'))!;
    const started = await core.api.rotation.start({ connectionId, keyId: old.id });
    expect(started).toMatchObject({ mode: 'composed', retire: 'delete' });
    const twin = await core.api.reveal.take({ slotId: started.revealSlotId! });
    expect(sandbox.authenticates(twin.fields.find((f) => f.secret)!.value)).toBe(true);
    expect(sandbox.key(started.newKeyId!)).toMatchObject({ name: 'ada-notebook', keyType: 'personal', description: 'Jupyter on my laptop', bindings: sandbox.key(old.id)!.bindings });
    // The twin expires after as long a life as the old key had.
    expect(sandbox.key(started.newKeyId!)!.expiresAt).toBeGreaterThan(sandbox.key(old.id)!.expiresAt!);
    await core.api.rotation.confirmDeployed({ operationId: started.operationId });
    expect((await core.api.rotation.retire({ operationId: started.operationId })).step).toBe('done');
    expect(sandbox.key(old.id)!.revokedAt).not.toBeNull();
    expect(await byName('ada-notebook')).toMatchObject({ id: started.newKeyId, status: 'active' });
  });

  it.runIf(era === 'B')('offers the owner of a personal key: the connection’s user by default', async () => {
    const personal = (await core.api.keys.createForm({ connectionId })).types.find((t) => t.id === 'personal')!;
    expect(personal.fields).toEqual([expect.objectContaining({ id: 'owner', multiple: false, default: sandbox.ids.users.ada, required: false })]);
    // The notebook is the twin the rotation above made: a sync reads who made it.
    await core.api.sync.run({ connectionId });
    const notebook = (await byName('ada-notebook'))!;
    const detail = await core.api.keys.get({ connectionId, keyId: notebook.id });
    expect(detail.facts).toEqual([
      { label: 'Owner', value: `member ${sandbox.ids.users.ada}` },
      { label: 'Permission mode', value: 'all (what its bindings allow)' },
    ]);
    expect(detail.createdBy).toBe(`member ${sandbox.ids.users.ada}`);
  });

  it.runIf(era === 'B')('rotates other members’ keys from a service connection, keeping owner and permission mode', async () => {
    const service = (await core.api.connections.add({ kind: 'langwatch', name: 'Service', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.service } })).id;
    try {
      await core.api.sync.run({ connectionId: service });
      // A service key acts as no one: the owner must be chosen, among the members Keyfleet sees.
      const owner = (await core.api.keys.createForm({ connectionId: service })).types.find((t) => t.id === 'personal')!.fields![0]!;
      expect(owner).toMatchObject({ id: 'owner', required: true });
      // Without the (Enterprise) member list, the members seen owning keys.
      expect(owner.options.map((o) => o.id).sort()).toEqual([sandbox.ids.users.ada, sandbox.ids.users.bo, sandbox.ids.users.cy].sort());
      const grants = [{ scopeId: await scopeId('Chatbot'), role: 'VIEWER' }];
      const unowned = await rejection(core.api.keys.create({ connectionId: service, scopeId: sandbox.ids.organization, type: 'personal', name: 'whose', grants }));
      expect(unowned.fields).toEqual({ owner: 'Choose the owner.' });
      const made = await core.api.keys.create({ connectionId: service, scopeId: sandbox.ids.organization, type: 'personal', name: 'for-bo', grants, fields: { owner: sandbox.ids.users.bo } });
      await core.api.reveal.take({ slotId: made.revealSlotId });
      expect(sandbox.key(made.key.id)).toMatchObject({ keyType: 'personal', userId: sandbox.ids.users.bo });
      const detail = (id: string) => fetch(`${sandbox.url}/api/api-keys/${id}`, { headers: { authorization: `Bearer ${sandbox.credentials.service}` } }).then((r) => r.json() as Promise<Record<string, unknown>>);
      const cases = [
        ['bo-readonly', { keyType: 'personal', assignedToUserId: sandbox.ids.users.bo, permissionMode: 'readonly', permissions: [] }],
        ['custom-reader', { keyType: 'personal', assignedToUserId: sandbox.ids.users.ada, permissionMode: 'restricted', permissions: ['organization:view', 'traces:view'] }],
      ] as const;
      for (const [name, expected] of cases) {
        const old = (await core.api.keys.list({ connectionId: service, limit: 1000 })).rows.find((k) => k.name === name)!;
        const started = await core.api.rotation.start({ connectionId: service, keyId: old.id });
        await core.api.reveal.take({ slotId: started.revealSlotId! });
        expect(await detail(started.newKeyId!)).toMatchObject({ ...expected, bindings: (await detail(old.id)).bindings });
        await core.api.rotation.cancel({ operationId: started.operationId });
      }
    } finally {
      await core.api.connections.remove({ connectionId: service });
    }
  });

  it('revokes a key, and one already revoked in LangWatch, dropping both from the inventory', async () => {
    const key = (await byName('deploy-bot-eu'))!;
    await core.api.keys.delete({ connectionId, keyId: key.id });
    expect(sandbox.key(key.id)!.revokedAt).not.toBeNull();
    expect(await byName('deploy-bot-eu')).toBeUndefined();

    const other = (await byName('expired-script'))!;
    sandbox.revokeElsewhere(other.id);
    await core.api.keys.delete({ connectionId, keyId: other.id });
    expect(await byName('expired-script')).toBeUndefined();
    const audit = (await core.api.journal.list({})).rows.filter((r) => r.action === 'key.delete');
    expect(audit.map((r) => r.result)).toEqual(['ok', 'ok']);
  });
});

