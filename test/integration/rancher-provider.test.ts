// The Rancher 1.x adapter against the sandbox backend: every operation, both key kinds, all
// pages, and each of Rancher's refusals mapped to a clear ProviderError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src-main/errors.ts';
import type { RemoteScope } from '../../src-main/model.ts';
import { createProvider, type Provider } from '../../src-main/providers/index.ts';
import { normalizeRancherUrl } from '../../src-main/providers/rancher/index.ts';
import { startRancherSandbox, type RancherSandbox, type SandboxCredential } from '../backends/rancher/server.ts';
import { failure as failureOf } from '../support/failure.ts';

let sandbox: RancherSandbox;
const providers: Provider[] = [];

function connect(credential: SandboxCredential, baseUrl = sandbox.url): Provider {
  const provider = createProvider('rancher', {
    baseUrl,
    credential: { type: 'key-pair', ...credential },
    http: { timeoutMs: 3000, retries: 0, backoffMs: 5 },
  });
  providers.push(provider);
  return provider;
}

const failure = (promise: Promise<unknown>) => failureOf(promise, ProviderError);

function scope(scopes: RemoteScope[], name: string): RemoteScope {
  const found = scopes.find((s) => s.name === name || s.name.endsWith(name));
  if (!found) throw new Error(`no scope ${name} in ${scopes.map((s) => s.name).join(', ')}`);
  return found;
}

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 15 });
});
afterAll(async () => {
  await Promise.all(providers.map((p) => p.close()));
  await sandbox.close();
});

describe('Rancher 1.x adapter', () => {
  it('keeps only the server part of a pasted API endpoint', () => {
    expect(normalizeRancherUrl('https://rancher.example.com/v2-beta/projects/1a5')).toBe('https://rancher.example.com');
    expect(normalizeRancherUrl('https://example.com/rancher/v1/')).toBe('https://example.com/rancher');
    expect(normalizeRancherUrl('http://10.0.0.1:8080/')).toBe('http://10.0.0.1:8080');
  });

  it('verifies an account key and names its owner', async () => {
    const identity = await connect(sandbox.credentials.user).verify();
    expect(identity.accountId).toBe(sandbox.ids.user);
    expect(identity.accountName).toBe('alice');
  });

  it('lists the account scope and only the environments the user belongs to', async () => {
    const scopes = await connect(sandbox.credentials.user).listScopes();
    expect(scopes.map((s) => [s.kind, s.id])).toEqual([
      ['account', sandbox.ids.user],
      ['environment', sandbox.ids.projects.Default],
      ['environment', sandbox.ids.projects.Staging],
    ]);
  });

  it('sees an environment key as a connection to its one environment', async () => {
    const provider = connect(sandbox.credentials.environment);
    const identity = await provider.verify();
    expect(identity.accountId).toBe(sandbox.ids.projects.Default);
    const scopes = await provider.listScopes();
    expect(scopes).toHaveLength(1);
    expect(scopes[0]).toMatchObject({ kind: 'environment', id: sandbox.ids.projects.Default, name: 'Default' });
  });

  it('lists every key of a scope across pages, without secrets, removed keys or other accounts’ keys', async () => {
    const { ids } = sandbox;
    sandbox.seedKeys(ids.projects.Staging!, 2350, { namePrefix: 'bulk' });
    const provider = connect(sandbox.credentials.user);
    const staging = scope(await provider.listScopes(), 'Staging');
    const keys = await provider.listKeys(staging);
    const expected = sandbox.keys(ids.projects.Staging).filter((k) => !['removed', 'purged'].includes(String(k.state)));
    expect(keys.map((k) => k.id).sort()).toEqual(expected.map((k) => String(k.id)).sort());
    expect(keys.length).toBeGreaterThan(2350);
    expect(keys.every((k) => k.type === 'environment' && k.category === 'service' && k.scopeId === staging.id)).toBe(true);
    expect(keys.some((k) => 'secretValue' in k.raw)).toBe(false);
    // Several pages were read, following Rancher's own next links.
    expect(sandbox.requests.filter((r) => r.path.includes('/apikeys') && r.path.includes('marker=')).length).toBeGreaterThanOrEqual(2);
  });

  it('shows an admin only the keys of its own account, although Rancher lists every account’s to admins', async () => {
    const provider = connect(sandbox.credentials.admin);
    const account = scope(await provider.listScopes(), 'admin');
    const keys = await provider.listKeys(account);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.raw.accountId === sandbox.ids.admin)).toBe(true);
  });

  it('creates an environment key whose secret is returned once and authenticates', async () => {
    const provider = connect(sandbox.credentials.user);
    const env = scope(await provider.listScopes(), 'Default');
    const { key, secret } = await provider.createKey({ scopeId: env.id, type: 'environment', name: 'ci', description: 'pipeline' }, env);
    const [access, secretKey] = secret.fields;
    expect(access).toMatchObject({ label: 'Access key', secret: false });
    expect(secretKey).toMatchObject({ label: 'Secret key', secret: true });
    expect(sandbox.authenticates(access!.value, secretKey!.value)).toBe(true);
    expect(key).toMatchObject({ name: 'ci', description: 'pipeline', status: 'active', type: 'environment' });
    expect(key.maskedValue).toBe(`${access!.value}:••••`);
    expect(JSON.stringify(key)).not.toContain(secretKey!.value);
    expect(sandbox.key(key.id)!.accountId).toBe(env.id);
  });

  it('refuses to create a key of the wrong kind for a scope', async () => {
    const provider = connect(sandbox.credentials.user);
    const env = scope(await provider.listScopes(), 'Default');
    const error = await failure(provider.createKey({ scopeId: env.id, type: 'account', name: 'x' }, env));
    expect(error.kind).toBe('invalid');
    expect(error.fields?.type).toBeDefined();
  });

  it('renames, deactivates, activates and deletes an account key', async () => {
    const provider = connect(sandbox.credentials.user);
    const account = scope(await provider.listScopes(), 'alice');
    const { key } = await provider.createKey({ scopeId: account.id, type: 'account', name: 'laptop-2' }, account);

    const renamed = await provider.renameKey!(key, { name: 'laptop-3', description: 'new machine' });
    expect(renamed).toMatchObject({ name: 'laptop-3', description: 'new machine', status: 'active' });

    const inactive = await provider.setKeyActive!(renamed, false);
    expect(inactive.status).toBe('inactive');
    expect(sandbox.key(key.id)!.state).toBe('inactive');

    const active = await provider.setKeyActive!(inactive, true);
    expect(active.status).toBe('active');

    // Rancher refuses DELETE on an active key; the adapter deactivates it first.
    await provider.deleteKey!(active);
    expect(['removing', 'removed']).toContain(sandbox.key(key.id)!.state);
    const listed = await provider.listKeys(account);
    expect(listed.some((k) => k.id === key.id)).toBe(false);
    // Deleting again is harmless.
    await provider.deleteKey!(active);
  });

  it('maps Rancher’s 405 on deleting an active key to a clear message', async () => {
    const provider = connect(sandbox.credentials.user);
    const account = scope(await provider.listScopes(), 'alice');
    const { key } = await provider.createKey({ scopeId: account.id, type: 'account', name: 'raced' }, account);
    // Someone re-activates the key between our deactivate and our DELETE.
    sandbox.faults.add({ kind: 'status', status: 405, method: 'DELETE', path: `/apikeys/${key.id}`, times: 1 });
    const error = await failure(provider.deleteKey!(key));
    expect(error.kind).toBe('conflict');
    expect(error.message).toMatch(/refuses to delete an active key.*Deactivate it first/);
  });

  it('maps a field validation error to the field', async () => {
    const provider = connect(sandbox.credentials.user);
    const account = scope(await provider.listScopes(), 'alice');
    const error = await failure(provider.createKey({ scopeId: account.id, type: 'account', name: 'n'.repeat(300) }, account));
    expect(error.kind).toBe('invalid');
    expect(error.fields).toEqual({ name: 'Is too long.' });
    expect(error.message).toBe('Rancher rejected the name: it is too long.');
  });

  it('reports a wrong secret as an auth failure and a non-Rancher server as such', async () => {
    const wrong = await failure(connect({ accessKey: sandbox.credentials.user.accessKey, secretKey: 'nope' }).verify());
    expect(wrong.kind).toBe('auth');
    expect(wrong.message).toMatch(/rejected the connection's credential/);
    expect(wrong.message).not.toContain(sandbox.credentials.user.accessKey);
  });

  it('reports a key deleted elsewhere as not found when renaming it', async () => {
    const provider = connect(sandbox.credentials.user);
    const account = scope(await provider.listScopes(), 'alice');
    const { key } = await provider.createKey({ scopeId: account.id, type: 'account', name: 'gone-soon' }, account);
    await provider.deleteKey!(key);
    sandbox.faults.add({ kind: 'status', status: 404, method: 'PUT', times: 1 });
    const error = await failure(provider.renameKey!(key, { name: 'x', description: null }));
    expect(error.kind).toBe('not-found');
  });
});
