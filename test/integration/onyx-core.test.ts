// Onyx through the core, as the renderer drives it (createCore().api), in both variants: connect,
// sync, create from the dynamic form, rename without losing access, regenerate with a one-time
// reveal, delete, and PATs with expiry. Real keychain, real SQLite, the sandbox on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { startOnyxSandbox, type OnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe.each<Variant>(['roles', 'groups'])('Onyx through the core (%s variant)', (variant) => {
  let sandbox: OnyxSandbox;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let connectionId: string;
  const revealed: string[] = [];

  beforeAll(async () => {
    sandbox = await startOnyxSandbox({ variant });
    dir = tempDir();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } });
    const connection = await core.api.connections.add({
      kind: 'onyx',
      name: 'Onyx sandbox',
      baseUrl: `${sandbox.url}/api/`,
      credential: { type: 'token', token: sandbox.credentials.adminPat },
    });
    connectionId = connection.id;
    await core.api.sync.run({ connectionId });
  });

  afterAll(async () => {
    await core.api.connections.remove({ connectionId });
    await core.close();
    expect(scanForSecrets(dir.path, [sandbox.credentials.adminPat, ...revealed])).toEqual([]);
    await sandbox.close();
    dir.cleanup();
  });

  async function take(slotId: string): Promise<string> {
    const view = await core.api.reveal.take({ slotId });
    const secret = view.fields.find((f) => f.secret)!.value;
    revealed.push(secret);
    return secret;
  }

  const keyId = (view: { id: string }) => Number(view.id.replace(/^(key|pat)-/, ''));

  it('stores the connection with its variant and syncs both scopes', async () => {
    const [view] = await core.api.connections.list();
    expect(view).toMatchObject({ kind: 'onyx', baseUrl: sandbox.url, account: { name: 'ada@example.com' }, readOnly: false });
    expect(view!.capabilities.actions.rotate).toMatchObject({ mode: 'native', note: expect.stringContaining('old secret stops working at once') });
    expect(view!.capabilities.actions.deactivate.mode).toBe('unavailable');
    const scopes = await core.api.scopes.list({ connectionId });
    expect(scopes.map((s) => [s.kind, s.name, s.keyCount])).toEqual([
      ['tenant', 'Service accounts', sandbox.apiKeys().length],
      ['user', 'My personal access tokens', 3],
    ]);
  });

  it('creates a limited key, renames it keeping its access, regenerates it once, deletes it', async () => {
    const form = await core.api.keys.createForm({ connectionId });
    expect(form.types.map((t) => t.id)).toEqual(['api-key', 'pat']);
    const created = await core.api.keys.create({
      connectionId,
      scopeId: 'service-accounts',
      type: 'api-key',
      name: 'kiosk-2',
      ...(variant === 'roles' ? { role: 'limited' } : { groupIds: [] }),
    });
    const first = await take(created.revealSlotId);
    const id = keyId(created.key);
    expect(sandbox.apiKey(id)).toMatchObject({ name: 'kiosk-2', role: variant === 'roles' ? 'limited' : 'basic', groupIds: [] });
    expect(created.key.maskedValue).toBe(sandbox.apiKey(id)!.display);

    const renamed = await core.api.keys.update({ connectionId, keyId: created.key.id, name: 'kiosk-lobby', description: null });
    expect(renamed.name).toBe('kiosk-lobby');
    expect(sandbox.apiKey(id)).toMatchObject({ name: 'kiosk-lobby', groupIds: [], ...(variant === 'roles' ? { role: 'limited' } : {}) });

    const rotation = await core.api.rotation.start({ connectionId, keyId: created.key.id });
    expect(rotation).toMatchObject({ mode: 'native', newKeyId: created.key.id });
    const second = await take(rotation.revealSlotId!);
    expect(second).not.toBe(first);
    expect(sandbox.authenticates(first)).toBe(false);
    expect(sandbox.authenticates(second)).toBe(true);
    const detail = await core.api.keys.get({ connectionId, keyId: created.key.id });
    expect(detail.maskedValue).toBe(sandbox.apiKey(id)!.display);
    expect(JSON.stringify(detail.raw)).not.toContain(second);

    await core.api.keys.delete({ connectionId, keyId: created.key.id });
    expect(sandbox.apiKey(id)).toBeUndefined();
    expect((await core.api.keys.list({ connectionId, query: 'kiosk-lobby' })).total).toBe(0);
  });

  it('validates a create against the variant’s form before calling Onyx', async () => {
    const before = sandbox.requests.filter((r) => r.method === 'POST').length;
    const wrong = variant === 'roles' ? { groupIds: ['1'] } : { role: 'admin' };
    const error = await rejection(core.api.keys.create({ connectionId, scopeId: 'service-accounts', type: 'api-key', name: 'x', ...wrong }));
    expect(error.kind).toBe('validation');
    expect(Object.keys(error.fields ?? {})).toEqual([variant === 'roles' ? 'groupIds' : 'role']);
    expect(sandbox.requests.filter((r) => r.method === 'POST').length).toBe(before);
  });

  it('keeps service-account key names to 261 characters, which Onyx answers with a 500 beyond', async () => {
    const writes = () => sandbox.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH').length;
    const before = writes();
    const access = variant === 'roles' ? { role: 'basic' } : { groupIds: ['2'] };
    const error = await rejection(core.api.keys.create({ connectionId, scopeId: 'service-accounts', type: 'api-key', name: 'n'.repeat(262), ...access }));
    expect(error).toMatchObject({ kind: 'validation', fields: { name: 'At most 261 characters.' } });
    const key = (await core.api.keys.list({ connectionId, query: 'search-bot' })).rows[0]!;
    const rename = await rejection(core.api.keys.update({ connectionId, keyId: key.id, name: 'm'.repeat(262), description: null }));
    expect(rename.fields).toEqual({ name: 'At most 261 characters.' });
    expect(writes()).toBe(before);
  });

  it('rates an admin’s unscoped tokens privileged, not a scoped one', async () => {
    const privileged = await core.api.keys.list({ connectionId, health: { kind: 'privileged' }, limit: 100 });
    const tokens = privileged.rows.filter((k) => k.type === 'pat').map((k) => k.name).sort();
    expect(tokens).toEqual(['keyfleet-sandbox', 'laptop-cli']);
  });

  it('offers token scopes on create, checks them, and shows them in a token’s details', async () => {
    const pat = (await core.api.keys.createForm({ connectionId })).types.find((t) => t.id === 'pat')!;
    const scopes = pat.fields!.find((f) => f.id === 'scopes')!;
    expect(scopes.options.map((o) => [o.id, o.label])).toEqual([
      ['read:search', 'Search: Read'],
      ['read:chat', 'Chat: Read'],
      ['write:chat', 'Chat: Write'],
      ['use:llm_gateway', 'LLM Gateway: Use'],
    ]);
    const bad = await rejection(core.api.keys.create({ connectionId, scopeId: 'personal-access-tokens', type: 'pat', name: 'x', fields: { scopes: ['admin'] } }));
    expect(bad.fields?.scopes).toMatch(/^Choose scopes from the list/);
    const made = await core.api.keys.create({ connectionId, scopeId: 'personal-access-tokens', type: 'pat', name: 'chat-bot', fields: { scopes: ['read:chat'] } });
    await take(made.revealSlotId);
    expect(sandbox.pat(keyId(made.key))!.scopes).toEqual(['read:chat']);
    expect((await core.api.keys.get({ connectionId, keyId: made.key.id })).facts).toEqual([{ label: 'Scopes', value: 'read:chat' }]);
    await core.api.keys.delete({ connectionId, keyId: made.key.id });
  });

  it('rotates a scoped token into a twin with the same scopes and lifetime', async () => {
    const old = (await core.api.keys.list({ connectionId, query: 'search-only' })).rows[0]!;
    const plan = await core.api.rotation.plan({ connectionId, keyId: old.id });
    expect(plan).toMatchObject({ mode: 'composed', keeps: ['Scopes: read:search'], expiry: { supported: true, basis: 'lifetime', oldExpiresAt: old.expiresAt } });
    const rotation = await core.api.rotation.start({ connectionId, keyId: old.id });
    await take(rotation.revealSlotId!);
    const twin = sandbox.pat(keyId({ id: rotation.newKeyId! }))!;
    expect(twin.scopes).toEqual(['read:search']);
    // Created 5 days ago for 30 days: the twin gets 30 days from now (whole Onyx days).
    expect(Math.abs(twin.expiresAt! - (Date.now() + 30 * 86_400_000))).toBeLessThan(86_400_000);
    await core.api.rotation.cancel({ operationId: rotation.operationId });
  });

  it('creates a PAT with an expiry, refuses to rename or regenerate it, and revokes it', async () => {
    const expiresAt = Date.now() + 30 * 24 * 3600_000;
    const created = await core.api.keys.create({ connectionId, scopeId: 'personal-access-tokens', type: 'pat', name: 'ci-token', expiresAt });
    const token = await take(created.revealSlotId);
    expect(token).toMatch(/^onyx_pat_/);
    expect(created.key.expiresAt).toBe(sandbox.pat(keyId(created.key))!.expiresAt);
    expect(Math.abs(created.key.expiresAt! - expiresAt)).toBeLessThanOrEqual(12 * 3600_000 + 1000);

    const rename = await rejection(core.api.keys.update({ connectionId, keyId: created.key.id, name: 'other', description: null }));
    expect(rename.kind).toBe('unsupported');
    // A token cannot be regenerated in place, so its rotation is composed: a new token, then the old revoked.
    const rotation = await core.api.rotation.start({ connectionId, keyId: created.key.id });
    expect(rotation).toMatchObject({ mode: 'composed', retire: 'delete', step: 'awaiting-reveal' });
    const twin = await take(rotation.revealSlotId!);
    expect(sandbox.authenticates(twin)).toBe(true);
    await core.api.rotation.cancel({ operationId: rotation.operationId });
    expect(sandbox.authenticates(twin)).toBe(false);
    expect(sandbox.authenticates(token)).toBe(true);

    await core.api.keys.delete({ connectionId, keyId: created.key.id });
    expect(sandbox.authenticates(token)).toBe(false);
    const tooFar = await rejection(core.api.keys.create({ connectionId, scopeId: 'personal-access-tokens', type: 'pat', name: 'far', expiresAt: Date.now() + 4000 * 24 * 3600_000 }));
    expect(tooFar.fields?.expiresAt).toBe('At most 3650 days ahead.');
  });
});

describe('Onyx through the core: connection options', () => {
  it('connects through a proxy that keeps Authorization, sending the key as X-Onyx-Authorization', async () => {
    const sandbox = await startOnyxSandbox({ variant: 'groups', proxyTakesAuthorization: true });
    const dir = tempDir();
    const core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } });
    try {
      const base = { kind: 'onyx' as const, name: 'Behind a proxy', baseUrl: sandbox.url, credential: { type: 'token' as const, token: sandbox.credentials.adminKey } };
      expect((await rejection(core.api.connections.add(base))).kind).toBe('auth');
      expect((await rejection(core.api.connections.add({ ...base, options: { noSuchOption: true } }))).fields).toEqual({
        options: 'One option is not Onyx’s; it has: Send the key as X-Onyx-Authorization.',
      });
      const option = (await core.api.app.backends()).find((b) => b.kind === 'onyx')!.options![0]!;
      expect(option.id).toBe('onyxHeader');
      const connection = await core.api.connections.add({ ...base, options: { [option.id]: true } });
      expect((await core.api.sync.run({ connectionId: connection.id })).result).toBe('ok');
      // Stored with the connection: after a restart, it still goes that way.
      await core.close();
      const again = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } });
      expect((await again.api.sync.run({ connectionId: connection.id })).result).toBe('ok');
      await again.api.connections.remove({ connectionId: connection.id });
      await again.close();
    } finally {
      await core.close().catch(() => undefined);
      await sandbox.close();
      dir.cleanup();
    }
  });
});
