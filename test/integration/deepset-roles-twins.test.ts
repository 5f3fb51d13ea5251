// deepset's workspace roles and a rotation's twin: a key asked for in a workspace made the
// documented way (an organization key limited to it), the workspace role chosen and named, and a
// twin that keeps type, role, workspaces, expiry and namelessness, or is refused where deepset does
// not report them.
import { describe, expect, it } from 'vitest';
import { deepset } from '../../src-main/providers/deepset/index.ts';
import { connect, DAY, failure, sandbox, scope, useDeepsetSandbox, variant } from './deepset-adapter.ts';

useDeepsetSandbox();

describe('deepset adapter: workspace roles and twins', () => {
  it('creates a key asked for in a workspace the documented way: an organization key limited to it', async () => {
    const provider = connect(sandbox.credentials.admin);
    const research = scope(await provider.listScopes(), 'research');
    const expiresAt = Date.now() + 30 * DAY;
    const before = sandbox.requests.length;
    const { key } = await provider.createKey({ scopeId: 'research', type: 'service', name: 'bot-2', role: 'MEMBER', expiresAt }, research);
    expect(sandbox.requests.slice(before).filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/v1/token']);
    expect(sandbox.key(key.id)).toMatchObject({ scope: 'organization', workspaces: ['research'], expiresAt });
    expect(key).toMatchObject({ scopeId: sandbox.ids.organization, expiresAt, status: 'active' });
    const nameless = await provider.createKey({ scopeId: 'research', type: 'personal', name: '' }, research);
    expect(sandbox.key(nameless.key.id)!.name).toBeNull();
    expect(nameless.key.name).toBe(nameless.key.id);
  });

  it('gives a key the chosen workspace role, names roles in its details, and keeps the role in its twin', async () => {
    const provider = connect(sandbox.credentials.admin);
    const scopes = await provider.listScopes();
    const org = scope(scopes, 'organization');
    const annotator = sandbox.ids.roles.Annotator;
    const { key } = await provider.createKey({ scopeId: org.id, type: 'service', name: 'labeller', role: 'MEMBER', fields: { workspaceRole: annotator } }, org);
    expect(sandbox.requests.filter((r) => r.method === 'POST').at(-1)).toMatchObject({ path: '/api/v1/token' });
    expect(sandbox.key(key.id)!.roleId).toBe(annotator);
    const listed = (await provider.listKeys(org)).find((k) => k.id === key.id)!;
    expect(deepset.describeKey!(listed)).toEqual([
      { label: 'Workspace role', value: 'Annotator' },
      { label: 'Workspaces', value: 'all, including ones created later' },
    ]);
    const plan = await provider.twinPlan!(listed, scopes);
    expect(plan).toMatchObject({ scopeId: org.id, name: 'labeller', role: 'MEMBER', scopes: [], fields: { workspaceRole: annotator } });
    expect(plan.keeps).toEqual(['Type: service', 'Organization role: MEMBER', 'Workspace role: Annotator', 'Workspaces: all, including ones created later']);
  });

  it('makes a workspace key’s twin an organization key limited to its workspace, and a nameless twin nameless', async () => {
    const provider = connect(sandbox.credentials.admin);
    const scopes = await provider.listScopes();
    const [unnamed] = await provider.listKeys(scope(scopes, 'staging'));
    const plan = await provider.twinPlan!(unnamed!, scopes);
    expect(plan).toMatchObject({ scopeId: sandbox.ids.organization, name: '', role: 'EXTERNAL', fields: { workspaceRole: sandbox.ids.roles['Search user'] } });
    expect(plan.scopes!.map((s) => s.id)).toEqual(['staging']);
    expect(plan.keeps.at(-1)).toMatch(/organization key limited to this workspace/);
  });

  it('refuses to rotate a key whose type, roles or workspaces deepset does not report, rather than guess', async () => {
    const box = await variant({ keyFields: 'documented' });
    const provider = connect(box.credentials.admin, { on: box });
    const scopes = await provider.listScopes();
    const keys = await provider.listKeys(scope(scopes, 'organization'));
    expect(keys.map((k) => k.name).sort()).toEqual(['ada-notebook', 'ci-pipeline', 'keyfleet-readonly', 'member-key']);
    const error = await failure(provider.twinPlan!(keys.find((k) => k.name === 'ada-notebook')!, scopes));
    expect(error).toMatchObject({
      kind: 'unsupported',
      message: 'deepset does not report this key’s type (personal or service), organization role, workspace role, workspaces, so Keyfleet cannot make a replacement with the same access. Create the replacement in deepset, then delete this key.',
    });
  });
});
