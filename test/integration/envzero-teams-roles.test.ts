// env zero's teams and custom project roles: a User key's teams and its custom project roles read
// and shown by name, offered on the create form, given to a new key the way env zero takes them
// (after the create, a half-made key deleted again), and kept, read afresh, in a rotation's twin.
import { describe, expect, it } from 'vitest';
import { envzero } from '../../src-main/providers/envzero/index.ts';
import { connect, failure, orgScope, platform, sandbox, sandboxWith, scopeNamed, useEnvZeroSandbox } from './envzero-adapter.ts';

useEnvZeroSandbox({ teamsPageSize: 1 });

describe('env zero adapter: teams and custom roles, read', () => {
  it('reads the teams a User key belongs to, and shows them in its details', async () => {
    const before = sandbox.requests.length;
    const provider = connect(sandbox.credentials.admin, platform());
    const keys = await provider.listKeys(orgScope(await provider.listScopes()));
    const reader = keys.find((k) => k.name === 'dashboard-reader')!;
    expect(reader.raw.teams).toEqual([{ id: sandbox.ids.teams.SRE, name: 'SRE' }]);
    expect(envzero.describeKey!(reader)).toEqual([
      { label: 'Project roles', value: 'Platform: Viewer, Data: Viewer' },
      { label: 'Teams', value: 'SRE' },
    ]);
    expect(envzero.describeKey!(keys.find((k) => k.name === 'never-used')!)).toEqual([{ label: 'Teams', value: 'none' }]);
    // The teams listScopes read served this sync's listKeys too: one read of every page.
    expect(sandbox.requests.slice(before).filter((r) => r.path.startsWith('/teams/organizations/') && !r.path.includes('offset=')).length).toBe(1);
  });

  it('reads each team’s members on its own where the team list leaves them out', async () => {
    const box = await sandboxWith({ teamListMembers: false });
    const provider = connect(box.credentials.admin, platform(box), box);
    const scopes = await provider.listScopes();
    const reader = (await provider.listKeys(orgScope(scopes))).find((k) => k.name === 'dashboard-reader')!;
    expect(reader.raw.teams).toEqual([{ id: box.ids.teams.SRE, name: 'SRE' }]);
    expect(await provider.twinPlan!(reader, scopes)).toMatchObject({ fields: { teamIds: [box.ids.teams.SRE] } });
    expect(box.requests.some((r) => r.path === `/teams/${box.ids.teams.SRE}`)).toBe(true);
  });

  it('shows a custom project role by its name', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const keys = await provider.listKeys(orgScope(await provider.listScopes()));
    const cost = keys.find((k) => k.name === 'cost-report')!;
    expect(envzero.describeKey!(cost)).toContainEqual({ label: 'Project roles', value: 'Networking: Release manager, Data: Planner' });
  });

  it('offers Admin, User and the custom roles, with project roles for every role but Admin', async () => {
    const form = await connect(sandbox.credentials.admin, platform()).createForm!();
    const [type] = form.types;
    const { auditor, releaseManager } = sandbox.ids.roles;
    expect(type!.role!.options.map((o) => [o.id, o.label])).toEqual([
      ['Admin', 'Admin'],
      ['User', 'User'],
      [auditor, 'Auditor (custom role)'],
      [releaseManager, 'Release manager (custom role)'],
    ]);
    expect(type!.role!.default).toBe('Admin');
    expect(type!.grants).toMatchObject({ scopeKinds: ['project'], whenRoles: ['User', auditor, releaseManager] });
    // Custom roles serve as project roles too.
    expect(type!.grants!.roles.map((r) => r.id)).toEqual(['Admin', 'Deployer', 'Planner', 'Viewer', auditor, releaseManager]);
  });
});

describe('env zero adapter: teams and custom roles, given', () => {
  it('creates a User key with a custom project role and teams, given after the create as env zero takes them', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const scopes = await provider.listScopes();
    const org = orgScope(scopes);
    const { releaseManager } = sandbox.ids.roles;
    const grants = [{ scope: scopeNamed(scopes, 'Data'), role: 'Planner' }, { scope: scopeNamed(scopes, 'Networking'), role: releaseManager }];
    const teamIds = [sandbox.ids.teams.SRE!, sandbox.ids.teams.Developers!];
    const { key } = await provider.createKey({ scopeId: org.id, type: 'organization', name: 'release-bot', role: 'User', grants, fields: { teamIds } }, org);
    const post = sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api-keys').at(-1)!.body as any;
    expect(post.permissions).toEqual({ organizationRole: 'User', projectsPermissions: [{ projectId: sandbox.ids.projects.Data, projectRole: 'Planner' }] });
    expect(sandbox.projectRoles(key.id)).toEqual([
      { projectId: sandbox.ids.projects.Data, role: 'Planner' },
      { projectId: sandbox.ids.projects.Networking, role: releaseManager },
    ]);
    expect(sandbox.teamsOf(key.id).sort()).toEqual([...teamIds].sort());
    // Adding a member kept the team's others.
    expect(sandbox.teamsOf(sandbox.ids.users.alice)).toContain(sandbox.ids.teams.SRE);
    expect(envzero.describeKey!(key)).toEqual([
      { label: 'Project roles', value: 'Data: Planner, Networking: Release manager' },
      { label: 'Teams', value: 'SRE, Developers' },
    ]);
    // Its twin would keep all of it, teams read afresh.
    const plan = await provider.twinPlan!(key, scopes);
    expect(plan).toMatchObject({ role: 'User', grants, fields: { teamIds } });
    expect(plan.keeps).toEqual(['Organization role: User', 'Project roles: Data: Planner, Networking: Release manager', 'Teams: SRE, Developers']);
  });

  it('deletes a new key again when env zero refuses one of its teams, and says so', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const scopes = await provider.listScopes();
    const org = orgScope(scopes);
    sandbox.faults.add({ kind: 'status', status: 403, method: 'PUT', path: '/teams/' });
    const error = await failure(provider.createKey({ scopeId: org.id, type: 'organization', name: 'half-made', role: 'User', fields: { teamIds: [sandbox.ids.teams.SRE!] } }, org));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toMatch(/^env zero created “half-made” but refused a project role or team for it \(.*\)\. Keyfleet deleted the half-made key again; its secret was never shown\.$/);
    expect(sandbox.keys(sandbox.ids.orgs.platform).some((k) => k.name === 'half-made')).toBe(false);
  });

  it('reads a key’s teams afresh for its twin: a team joined since the last sync is kept', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const scopes = await provider.listScopes();
    const keys = await provider.listKeys(orgScope(scopes));
    const never = keys.find((k) => k.name === 'never-used')!;
    expect(never.raw.teams).toEqual([]);
    const body = { name: 'Developers', description: '', userIds: [sandbox.ids.users.bob, never.id] };
    const put = await fetch(`${sandbox.url}/teams/${sandbox.ids.teams.Developers}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${sandbox.credentials.admin.apiKeyId}:${sandbox.credentials.admin.apiKeySecret}`).toString('base64')}` },
      body: JSON.stringify(body),
    });
    expect(put.status).toBe(200);
    expect(await provider.twinPlan!(never, scopes)).toMatchObject({ role: 'User', grants: [], fields: { teamIds: [sandbox.ids.teams.Developers] } });
  });

  it('creates a custom-role key and names its role', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    await provider.createForm!();
    const org = orgScope(await provider.listScopes());
    const { key } = await provider.createKey({ scopeId: org.id, type: 'organization', name: 'auditor-bot', role: sandbox.ids.roles.auditor }, org);
    expect(key.role).toBe('Auditor');
    expect(sandbox.key(key.id)!.organizationRole).toBe(sandbox.ids.roles.auditor);
  });
});
