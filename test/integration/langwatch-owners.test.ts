// LangWatch's owners, creators and permission modes (≥ v3.13): who owns and who made a key, its
// restricted or readonly mode, shown in its details; a personal key made for a chosen member; and
// a rotation's twin that keeps owner, CUSTOM binding, permissions and mode.
import { describe, expect, it } from 'vitest';
import { createProvider } from '../../src-main/providers/index.ts';
import { langwatch } from '../../src-main/providers/langwatch/index.ts';
import { startLangwatchSandbox, type LangwatchSandbox, type SandboxKey } from '../backends/langwatch/server.ts';
import { failure, langwatchLab } from './langwatch-adapter.ts';

const era = 'B';
let sandbox: LangwatchSandbox;
const { connected, requestsSince, providers } = langwatchLab(era, (started) => (sandbox = started));

describe('LangWatch adapter: owners and permission modes (≥ v3.13)', () => {
  it('shows who owns and who made a key, and its permission mode, in its details', async () => {
    const { provider, org } = await connected();
    const keys = await provider.listKeys(org);
    const describe = (name: string) => langwatch.describeKey!(keys.find((k) => k.name === name)!);
    expect(describe('ada-notebook')).toEqual([
      { label: 'Owner', value: `member ${sandbox.ids.users.ada}` },
      { label: 'Permission mode', value: 'all (what its bindings allow)' },
    ]);
    expect(describe('custom-reader')).toContainEqual({ label: 'Permission mode', value: 'restricted: organization:view, traces:view' });
    expect(describe('org-automation').map((f) => f.label)).toEqual(['Permission mode']);
    // Who made a key is the common "Created by".
    expect(keys.find((k) => k.name === 'ada-notebook')!.createdBy).toBe(`member ${sandbox.ids.users.ada}`);
  });

  it('names owners and creators where LangWatch lists the members (Enterprise)', async () => {
    const enterprise = await startLangwatchSandbox({ era, enterprise: true });
    const provider = createProvider('langwatch', { baseUrl: enterprise.url, credential: { type: 'token', token: enterprise.credentials.service } });
    providers.push(provider);
    try {
      const org = (await provider.listScopes())[0]!;
      const bo = (await provider.listKeys(org)).find((k) => k.name === 'bo-readonly')!;
      expect(langwatch.describeKey!(bo)).toEqual([
        { label: 'Owner', value: 'Bo' },
        { label: 'Permission mode', value: 'readonly' },
      ]);
      expect(bo.createdBy).toBe('Bo');
    } finally {
      await enterprise.close();
    }
  });

  it('makes a service connection’s personal key for the member chosen, and refuses one no member would own', async () => {
    const { provider, org, scope } = await connected(sandbox.credentials.service);
    const grants = [{ scope: scope('project', 'Chatbot'), role: 'VIEWER' }];
    const mark = sandbox.requests.length;
    const ownerless = await failure(provider.createKey({ scopeId: org.id, type: 'personal', name: 'nobodys', grants }, org));
    expect(ownerless).toMatchObject({ kind: 'invalid', fields: { owner: 'Choose the member who owns the key.' } });
    expect(requestsSince(mark).filter((r) => r.method === 'POST')).toEqual([]);
    const { key } = await provider.createKey({ scopeId: org.id, type: 'personal', name: 'for-bo', grants, fields: { owner: sandbox.ids.users.bo } }, org);
    expect(sandbox.key(key.id)).toMatchObject({ keyType: 'personal', userId: sandbox.ids.users.bo });
    expect(key.type).toBe('personal');
  });

  it('keeps a personal key’s owner in its twin, even when an admin rotates another member’s key', async () => {
    const { provider, org, scopes } = await connected(sandbox.credentials.service);
    const bo = (await provider.listKeys(org)).find((k) => k.name === 'bo-dev')!;
    const plan = await provider.twinPlan!(bo, scopes);
    expect(plan).toMatchObject({ fields: { owner: sandbox.ids.users.bo }, keeps: ['Type: personal', `Owner: member ${sandbox.ids.users.bo}`, 'Bindings: Member · Platform (team)'] });
    const { keeps: _keeps, ...spec } = plan;
    const twin = await provider.createKey({ scopeId: org.id, type: 'personal', name: 'bo-dev', ...spec }, org);
    expect(sandbox.key(twin.key.id)).toMatchObject({ keyType: 'personal', userId: sandbox.ids.users.bo });
  });

  it('keeps a restricted key’s CUSTOM binding and permissions, and a readonly key’s mode, in their twins', async () => {
    const { provider, org, scopes } = await connected(sandbox.credentials.service);
    const keys = await provider.listKeys(org);
    for (const name of ['custom-reader', 'bo-readonly']) {
      const old = keys.find((k) => k.name === name)!;
      const { keeps, ...spec } = await provider.twinPlan!(old, scopes);
      expect(keeps).toContainEqual(name === 'custom-reader' ? 'Permission mode: restricted: organization:view, traces:view' : 'Permission mode: readonly');
      const twin = await provider.createKey({ scopeId: org.id, type: 'personal', name, ...spec }, org);
      const same = (k: SandboxKey) => ({ keyType: k.keyType, userId: k.userId, bindings: k.bindings.map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId })) });
      expect(same(sandbox.key(twin.key.id)!)).toEqual(same(sandbox.key(old.id)!));
      const detail = await fetch(`${sandbox.url}/api/api-keys/${twin.key.id}`, { headers: { authorization: `Bearer ${sandbox.credentials.admin}` } }).then((r) => r.json() as Promise<Record<string, unknown>>);
      expect(detail).toMatchObject({ permissionMode: name === 'custom-reader' ? 'restricted' : 'readonly', permissions: name === 'custom-reader' ? ['organization:view', 'traces:view'] : [] });
    }
  });
});
