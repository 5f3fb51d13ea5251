// The Rancher 1.x adapter where releases and installs differ: every 1.x release's identity
// headers, access control switched off, a deactivated environment, a read-only member and the
// admin's own keys. Adapter calls and whole syncs through the core, against the sandbox.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core.ts';
import { ProviderError } from '../../src-main/errors.ts';
import type { RemoteScope } from '../../src-main/model.ts';
import { createProvider, type Provider } from '../../src-main/providers/index.ts';
import type { ApiError } from '../../src-preload/api.ts';
import { VARIANTS } from '../backends/rancher/json.ts';
import { SEEDED_LABELS, seededCredential } from '../backends/rancher/seed.ts';
import { startRancherSandbox, type RancherSandbox, type RancherSandboxOptions, type SandboxCredential } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function sandboxWith(options: RancherSandboxOptions = {}): Promise<RancherSandbox> {
  const sandbox = await startRancherSandbox({ settleMs: 5, ...options });
  open.push(sandbox);
  return sandbox;
}

function connect(sandbox: RancherSandbox, credential: SandboxCredential): Provider {
  const provider = createProvider('rancher', { baseUrl: sandbox.url, credential: { type: 'key-pair', ...credential }, http: { timeoutMs: 3000, retries: 0 } });
  open.push(provider);
  return provider;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

function coreWith(): Core {
  const dir = tempDir();
  const core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0 });
  open.push({ close: () => dir.cleanup() }, { close: () => core.close() });
  return core;
}

async function rancherConnection(core: Core, sandbox: RancherSandbox, credential: SandboxCredential): Promise<string> {
  const connection = await core.api.connections.add({ kind: 'rancher', name: 'Rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', ...credential } });
  open.push({ close: async () => void (await core.api.connections.remove({ connectionId: connection.id }).catch(() => undefined)) });
  return connection.id;
}

const byName = (scopes: RemoteScope[], name: string) => scopes.find((s) => s.name === name)!;

describe('Rancher 1.x: every release', () => {
  it.each(VARIANTS)('connects to Rancher %s with an account key and with an environment key', async (variant) => {
    const sandbox = await sandboxWith({ variant });
    const account = await connect(sandbox, sandbox.credentials.user).verify();
    expect(account).toMatchObject({ accountId: sandbox.ids.user, accountName: 'alice' });
    const user = connect(sandbox, sandbox.credentials.user);
    expect((await user.listScopes()).map((s) => [s.kind, s.id])).toEqual([
      ['account', sandbox.ids.user],
      ['environment', sandbox.ids.projects.Default],
      ['environment', sandbox.ids.projects.Staging],
    ]);
    const env = connect(sandbox, sandbox.credentials.environment);
    expect((await env.verify()).accountId).toBe(sandbox.ids.projects.Default);
    expect((await env.listScopes()).map((s) => s.id)).toEqual([sandbox.ids.projects.Default]);
  });
});

describe('Rancher 1.x: access control off', () => {
  it('refuses a mistyped secret instead of acting as the admin, and enforces authentication on every request', async () => {
    const sandbox = await sandboxWith({ accessControl: false });
    const wrong = await failure(connect(sandbox, { accessKey: sandbox.credentials.user.accessKey, secretKey: 'mistyped' }).verify());
    expect(wrong.kind).toBe('auth');

    // A whole session of calls: each one asks cattle to enforce authentication.
    const provider = connect(sandbox, sandbox.credentials.user);
    const scopes = await provider.listScopes();
    const account = byName(scopes, 'Account · alice');
    const { key } = await provider.createKey({ scopeId: account.id, type: 'account', name: 'enforced' }, account);
    await provider.renameKey!(key, { name: 'enforced-2', description: null });
    await provider.setKeyActive!(key, false);
    await provider.deleteKey!(key);
    for (const scope of scopes) await provider.listKeys(scope);
    expect(sandbox.requests.length).toBeGreaterThan(10);
    expect(sandbox.requests.filter((r) => !r.enforceAuthentication)).toEqual([]);
  });
});

describe('Rancher 1.x: a deactivated environment', () => {
  it('shows it as inactive, keeps its cached keys, and syncs every other scope', async () => {
    const sandbox = await sandboxWith();
    const core = coreWith();
    const connectionId = await rancherConnection(core, sandbox, sandbox.credentials.user);
    await core.api.sync.run({ connectionId });
    const staging = sandbox.ids.projects.Staging!;
    const cachedStaging = (await core.api.keys.list({ connectionId, scopeId: staging, limit: 100 })).rows.map((k) => k.id).sort();
    expect(cachedStaging.length).toBeGreaterThan(0);

    sandbox.setProjectState(staging, 'inactive');
    const run = await core.api.sync.run({ connectionId });
    expect(run.result).toBe('ok');
    expect(run.removed).toBe(0);

    const scopes = await core.api.scopes.list({ connectionId });
    const inactive = scopes.find((s) => s.id === staging)!;
    expect(inactive.inactive).toMatch(/deactivated in Rancher/);
    expect(scopes.filter((s) => s.id !== staging).every((s) => s.inactive === null)).toBe(true);
    // The other scopes were read: a key made in Default since the first sync is there.
    const def = sandbox.ids.projects.Default!;
    const fresh = await connect(sandbox, sandbox.credentials.user).createKey({ scopeId: def, type: 'environment', name: 'after' }, byName(await connect(sandbox, sandbox.credentials.user).listScopes(), 'Default'));
    await core.api.sync.run({ connectionId });
    expect((await core.api.keys.list({ connectionId, scopeId: def, limit: 100 })).rows.map((k) => k.id)).toContain(fresh.key.id);
    expect((await core.api.keys.list({ connectionId, scopeId: sandbox.ids.user, limit: 100 })).total).toBeGreaterThan(0);
    // Its keys are as they were, not gone.
    const kept = (await core.api.keys.list({ connectionId, scopeId: staging, limit: 100 })).rows;
    expect(kept.map((k) => k.id).sort()).toEqual(cachedStaging);
    expect(kept.every((k) => k.goneSince === null)).toBe(true);

    // Nothing is created or changed there; the reason is Rancher's.
    const refused = await core.api.keys.create({ connectionId, scopeId: staging, type: 'environment', name: 'x' }).catch((e: unknown) => e as ApiError);
    expect(refused).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/deactivated in Rancher/) as unknown });

    // Activated again, it is read again.
    sandbox.setProjectState(staging, 'active');
    await core.api.sync.run({ connectionId });
    expect((await core.api.scopes.list({ connectionId })).find((s) => s.id === staging)!.inactive).toBeNull();
  });

  it('says an environment key stops working while its environment is deactivated', async () => {
    const sandbox = await sandboxWith();
    sandbox.setProjectState(sandbox.ids.projects.Default!, 'inactive');
    const error = await failure(connect(sandbox, sandbox.credentials.environment).verify());
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/its environment or user account deactivated/);
  });
});

describe('Rancher 1.x: a read-only member', () => {
  it('sees the environment as read-only, and a refused change is a permission problem in words', async () => {
    const sandbox = await sandboxWith();
    const bob = connect(sandbox, seededCredential(SEEDED_LABELS.readOnlyMember));
    const scopes = await bob.listScopes();
    const def = byName(scopes, 'Default');
    expect(def.readOnly).toMatch(/read-only/);
    expect(byName(scopes, 'Account · bob').readOnly).toBeUndefined();

    const created = await failure(bob.createKey({ scopeId: def.id, type: 'environment', name: 'nope' }, def));
    expect(created.kind).toBe('forbidden');
    expect(created.message).toMatch(/role in this Rancher environment is read-only/);
    const [key] = await bob.listKeys(def);
    // One at a time: a refusal must not wait unobserved while another call is awaited.
    for (const attempt of [() => bob.renameKey!(key!, { name: 'x', description: null }), () => bob.setKeyActive!(key!, false), () => bob.deleteKey!(key!)]) {
      const error = await failure(attempt());
      expect(error.kind).toBe('forbidden');
      expect(error.message).toMatch(/read-only/);
    }
    expect(sandbox.key(key!.id)!.state).toBe('active');
  });

  it('is not offered for new keys: the core refuses before calling Rancher', async () => {
    const sandbox = await sandboxWith();
    const core = coreWith();
    const connectionId = await rancherConnection(core, sandbox, seededCredential(SEEDED_LABELS.readOnlyMember));
    await core.api.sync.run({ connectionId });
    const scopes = await core.api.scopes.list({ connectionId });
    const def = scopes.find((s) => s.id === sandbox.ids.projects.Default)!;
    expect(def.readOnly).toMatch(/read-only/);
    const before = sandbox.requests.length;
    const refused = await core.api.keys.create({ connectionId, scopeId: def.id, type: 'environment', name: 'x' }).catch((e: unknown) => e as ApiError);
    expect(refused).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/read-only/) as unknown });
    expect(sandbox.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('cannot rotate a key there: the wizard’s plan and the rotation say why, and nothing is made', async () => {
    const sandbox = await sandboxWith();
    const core = coreWith();
    const connectionId = await rancherConnection(core, sandbox, seededCredential(SEEDED_LABELS.readOnlyMember));
    await core.api.sync.run({ connectionId });
    const [key] = (await core.api.keys.list({ connectionId, scopeId: sandbox.ids.projects.Default!, limit: 1 })).rows;
    const before = sandbox.requests.length;
    for (const attempt of [core.api.rotation.plan({ connectionId, keyId: key!.id }), core.api.rotation.start({ connectionId, keyId: key!.id })]) {
      const refused = await attempt.catch((e: unknown) => e as ApiError);
      expect(refused).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/read-only/) as unknown });
    }
    expect(sandbox.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(await core.api.rotation.list()).toEqual([]);
  });
});

describe('Rancher 1.x: admin keys', () => {
  it('marks the admin’s own account keys privileged, and no one else’s', async () => {
    const sandbox = await sandboxWith();
    const admin = connect(sandbox, sandbox.credentials.admin);
    const scopes = await admin.listScopes();
    const own = await admin.listKeys(byName(scopes, 'Account · admin'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((k) => k.privileged === true)).toBe(true);
    const env = await admin.listKeys(byName(scopes, 'Default'));
    expect(env.every((k) => k.privileged === false)).toBe(true);
    const alice = connect(sandbox, sandbox.credentials.user);
    const aliceKeys = await alice.listKeys(byName(await alice.listScopes(), 'Account · alice'));
    expect(aliceKeys.every((k) => k.privileged === false)).toBe(true);

    // Through the core: the health board counts them.
    const core = coreWith();
    const connectionId = await rancherConnection(core, sandbox, sandbox.credentials.admin);
    await core.api.sync.run({ connectionId });
    const privileged = (await core.api.keys.list({ health: { kind: 'privileged' }, limit: 100 })).rows.map((k) => k.name);
    expect(privileged).toContain('admin-cli');
    expect(privileged).not.toContain('compose-deploy');
  });
});
