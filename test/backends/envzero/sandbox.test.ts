// The sandbox must answer like env zero (envzero-and-deepset.md, Part 1), or every test built on
// it proves nothing. These tests speak raw HTTP to it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEnvZeroSandbox, type Credential, type EnvZeroSandbox, type EnvZeroSandboxOptions } from './server.ts';

let sandbox: EnvZeroSandbox;
let options: EnvZeroSandboxOptions = {};

beforeEach(async () => {
  sandbox = await startEnvZeroSandbox(options);
});
afterEach(async () => {
  await sandbox.close();
  options = {};
});

const basic = (c: Credential) => `Basic ${Buffer.from(`${c.apiKeyId}:${c.apiKeySecret}`).toString('base64')}`;

async function call(path: string, init: { method?: string; body?: unknown; as?: Credential | null } = {}) {
  const as = init.as === undefined ? sandbox.credentials.admin : init.as;
  const res = await fetch(`${sandbox.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(as ? { authorization: basic(as) } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: Item = {};
  try {
    json = text ? (JSON.parse(text) as Item) : {};
  } catch {
    // a plain-text answer: read it from `text`
  }
  return { status: res.status, headers: res.headers, text, json, list: Array.isArray(json) ? (json as Item[]) : [] };
}

/** A raw JSON object of the sandbox's answers. */
type Item = Record<string, any>;
const names = (items: Item[]) => items.map((k) => String(k.name));

const orgs = () => sandbox.ids.orgs;

describe('env zero sandbox: the gateway and Basic auth', () => {
  it('answers an unknown route with the gateway 403 that echoes the Authorization header, before checking auth', async () => {
    const res = await call('/v1/api-keys', { as: { apiKeyId: 'nobody', apiKeySecret: 'nothing' } });
    expect(res.status).toBe(403);
    expect(res.json.message).toMatch(/^Authorization header requires 'Credential' parameter\. .*Authorization=Basic /);
    expect(res.json.message).toContain(basic({ apiKeyId: 'nobody', apiKeySecret: 'nothing' }).slice(6));
    expect((await call('/v1/api-keys', { as: null })).json).toEqual({ message: 'Missing Authentication Token' });
    // A known path with another method is unknown to the gateway too.
    expect((await call('/organizations', { method: 'DELETE' })).status).toBe(403);
  });

  it('answers a wrong secret, an unknown id or no credential with 401 {"message":"Unauthorized"}', async () => {
    for (const as of [{ ...sandbox.credentials.admin, apiKeySecret: 'wrong' }, { apiKeyId: 'unknown', apiKeySecret: 'x' }, null]) {
      const res = await call('/organizations', { as });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ message: 'Unauthorized' });
    }
  });

  it('limits each (IP, method, path) to its quota per window with a 429, counting paths without the query', async () => {
    await sandbox.close();
    sandbox = await startEnvZeroSandbox({ rateLimit: { max: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await call(`/projects?organizationId=${orgs().platform}&i=${i}`)).status).toBe(200);
    const limited = await call(`/projects?organizationId=${orgs().platform}`);
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ message: 'Too Many Requests' });
    // Another path has its own quota; the window slides with the clock.
    expect((await call('/organizations')).status).toBe(200);
    sandbox.advance(60_001);
    expect((await call(`/projects?organizationId=${orgs().platform}`)).status).toBe(200);
  });
});

describe('env zero sandbox: organizations, projects, teams, roles', () => {
  it('shows an organization key its one organization and a personal key every organization of its user', async () => {
    const org = await call('/organizations');
    expect(org.list.map((o) => [String(o.id), String(o.name), String(o.role)])).toEqual([[orgs().platform, 'Acme Platform', 'Admin']]);
    const personal = await call('/organizations', { as: sandbox.credentials.personal });
    expect(names(personal.list)).toEqual(['Acme Platform', 'Acme Labs']);
  });

  it('lists projects with parentProjectId on sub-projects and isArchived, for a reachable organization only', async () => {
    const res = await call(`/projects?organizationId=${orgs().platform}`);
    const byName = Object.fromEntries(res.list.map((p) => [String(p.name), p]));
    expect(byName.Networking!.parentProjectId).toBe(sandbox.ids.projects.Platform);
    expect(byName.Platform).not.toHaveProperty('parentProjectId');
    expect(byName.Legacy!.isArchived).toBe(true);
    expect((await call(`/projects?organizationId=${orgs().labs}`)).status).toBe(403);
    expect((await call('/projects')).text).toBe("/querystring must have required property 'organizationId'");
  });

  it('pages teams with an opaque nextPageKey passed back as offset', async () => {
    await sandbox.close();
    sandbox = await startEnvZeroSandbox({ teamsPageSize: 1 });
    const first = await call(`/teams/organizations/${orgs().platform}?limit=100`);
    expect(names(first.json.teams as Item[])).toEqual(['SRE']);
    expect(typeof first.json.nextPageKey).toBe('string');
    const second = await call(`/teams/organizations/${orgs().platform}?limit=100&offset=${String(first.json.nextPageKey)}`);
    expect(names(second.json.teams as Item[])).toEqual(['Developers']);
    expect(second.json).not.toHaveProperty('nextPageKey');
  });

  it('leaves the members out of the team list when asked, keeping them in GET /teams/{id}', async () => {
    await sandbox.close();
    sandbox = await startEnvZeroSandbox({ teamListMembers: false });
    const list = await call(`/teams/organizations/${orgs().platform}`);
    expect((list.json.teams as Item[]).every((t) => !('users' in t))).toBe(true);
    expect(((await call(`/teams/${sandbox.ids.teams.SRE}`)).json.users as Item[]).length).toBe(2);
  });

  it('lists custom roles and the project roles of users and User keys, custom ones by role id', async () => {
    const roles = await call(`/roles?organizationId=${orgs().platform}`);
    expect(roles.list.map((r) => [String(r.id), String(r.name)])).toEqual([
      [sandbox.ids.roles.auditor, 'Auditor'],
      [sandbox.ids.roles.releaseManager, 'Release manager'],
    ]);
    const assignments = await call(`/permissions/projects/${sandbox.ids.projects.Data}`);
    expect(assignments.list.map((a) => [String(a.userId), String(a.role)]).sort()).toEqual(
      [[sandbox.ids.keys['dashboard-reader'], 'Viewer'], [sandbox.ids.keys['cost-report'], 'Planner']].sort(),
    );
    const custom = await call(`/permissions/projects/${sandbox.ids.projects.Networking}`);
    expect(custom.list.map((a) => [String(a.userId), String(a.role)])).toEqual([[sandbox.ids.keys['cost-report'], sandbox.ids.roles.releaseManager]]);
  });

  it('lists a User key among the members of its teams, and reads one team', async () => {
    const reader = sandbox.ids.keys['dashboard-reader']!;
    const team = await call(`/teams/${sandbox.ids.teams.SRE}`);
    expect(team.status).toBe(200);
    expect((team.json.users as Item[]).map((u) => [String(u.user_id), String(u.name)])).toEqual([
      [sandbox.ids.users.alice, 'Alice Admin'],
      [reader, 'dashboard-reader'],
    ]);
    expect((await call(`/teams/${sandbox.ids.teams['Lab crew']}`)).status).toBe(404);
  });

  it('replaces a team’s whole membership on PUT, refusing strangers and non-admins', async () => {
    const team = sandbox.ids.teams.Developers!;
    const key = sandbox.ids.keys['never-used']!;
    const put = (userIds: unknown, as?: Credential) => call(`/teams/${team}`, { method: 'PUT', body: { name: 'Developers', description: '', userIds }, as });
    expect((await put([sandbox.ids.users.bob, key])).status).toBe(200);
    expect(sandbox.teamsOf(key)).toEqual([team]);
    expect((await put([key])).json.users).toHaveLength(1);
    expect(sandbox.teamsOf(sandbox.ids.users.bob)).toEqual([]);
    expect(await put(['auth0|stranger'])).toMatchObject({ status: 400, text: 'User auth0|stranger is not a member of this organization' });
    expect((await call(`/teams/${team}`, { method: 'PUT', body: { description: 'x' } })).text).toBe("/body must have required property 'name'");
    expect((await put([key], sandbox.credentials.user)).status).toBe(403);
  });

  it('assigns a project role to a User key, built in or custom, once', async () => {
    const key = sandbox.ids.keys['never-used']!;
    const assign = (role: string) => call(`/permissions/projects/${sandbox.ids.projects.Platform}`, { method: 'POST', body: { userId: key, role } });
    const made = await assign(sandbox.ids.roles.releaseManager);
    expect(made.status).toBe(200);
    expect(Object.keys(made.json).sort()).toEqual(['id', 'role', 'userId']);
    expect(sandbox.projectRoles(key)).toEqual([{ projectId: sandbox.ids.projects.Platform, role: sandbox.ids.roles.releaseManager }]);
    expect((await assign('Viewer')).status).toBe(400);
    expect((await call(`/permissions/projects/${sandbox.ids.projects.Data}`, { method: 'POST', body: { userId: key, role: 'Owner' } })).text).toMatch(/^\/body\/role must be equal to one of the allowed values/);
  });
});

describe('env zero sandbox: API keys', () => {
  it('lists the organization keys as a bare array with both ids and never a secret', async () => {
    const res = await call(`/api-keys?organizationId=${orgs().platform}`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    expect(names(res.list).sort()).toEqual(['cost-report', 'dashboard-reader', 'keyfleet-admin', 'never-used', 'terraform-ci']);
    const admin = res.list.find((k) => k.name === 'keyfleet-admin')!;
    expect(admin.apiKeyId).toBe(sandbox.credentials.admin.apiKeyId);
    expect(admin.id).not.toBe(admin.apiKeyId);
    expect(admin).toMatchObject({ organizationRole: 'Admin', organizationId: orgs().platform, createdBy: sandbox.ids.users.alice });
    expect(admin.createdByUser).toMatchObject({ name: 'Alice Admin', email: 'alice@acme.example' });
    expect(res.list.find((k) => k.name === 'never-used')!.lastUsedAt).toBeNull();
    expect(res.text).not.toContain('apiKeySecret');
    expect(res.text).not.toContain(sandbox.credentials.admin.apiKeySecret);
  });

  it('refuses key management to a User-role key, and to another organization', async () => {
    expect((await call(`/api-keys?organizationId=${orgs().platform}`, { as: sandbox.credentials.user })).status).toBe(403);
    const other = await call(`/api-keys?organizationId=${orgs().labs}`);
    expect(other.status).toBe(403);
    expect(other.json).toEqual({ message: 'Forbidden' });
  });

  it('creates a key with the secret once, the project roles under projectsPermissions, and the old spelling ignored', async () => {
    const created = await call('/api-keys', {
      method: 'POST',
      body: { name: 'ci', organizationId: orgs().platform, permissions: { organizationRole: 'User', projectsPermissions: [{ projectId: sandbox.ids.projects.Data, projectRole: 'Deployer' }] } },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ name: 'ci', organizationRole: 'User', organizationId: orgs().platform });
    expect(created.json.apiKeySecret).toHaveLength(40);
    expect(sandbox.projectRoles(created.json.id)).toEqual([{ projectId: sandbox.ids.projects.Data, role: 'Deployer' }]);
    expect(sandbox.authenticates({ apiKeyId: created.json.apiKeyId, apiKeySecret: created.json.apiKeySecret })).toBe(true);

    const legacy = await call('/api-keys', {
      method: 'POST',
      body: { name: 'old-client', organizationId: orgs().platform, permissions: { organizationRole: 'User', projectPermissions: [{ projectId: sandbox.ids.projects.Data, projectRole: 'Viewer' }] } },
    });
    expect(legacy.status).toBe(200);
    expect(sandbox.projectRoles(legacy.json.id)).toEqual([]);
  });

  it('answers validation failures with plain-text, comma-joined AJV messages', async () => {
    const missing = await call('/api-keys', { method: 'POST', body: { organizationId: orgs().platform } });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(missing.text).toBe("/body must have required property 'name', /body must have required property 'permissions'");
    const role = await call('/api-keys', { method: 'POST', body: { name: 'x', organizationId: orgs().platform, permissions: { organizationRole: 'Owner' } } });
    expect(role.text).toMatch(/^\/body\/permissions\/organizationRole must be equal to one of the allowed values, /);
    const projectRole = await call('/api-keys', {
      method: 'POST',
      body: { name: 'x', organizationId: orgs().platform, permissions: { organizationRole: 'User', projectsPermissions: [{ projectId: sandbox.ids.projects.Data, projectRole: 'Owner' }] } },
    });
    expect(projectRole.text).toBe('/body/permissions/projectsPermissions/0/projectRole must be equal to one of the allowed values');
  });

  it('hides a new key from the list during the lag, while it already authenticates', async () => {
    await sandbox.close();
    sandbox = await startEnvZeroSandbox({ listLagMs: 15_000 });
    const created = await call('/api-keys', { method: 'POST', body: { name: 'lagging', organizationId: orgs().platform, permissions: { organizationRole: 'Admin' } } });
    const listed = async () => names((await call(`/api-keys?organizationId=${orgs().platform}`)).list);
    expect(await listed()).not.toContain('lagging');
    expect(sandbox.authenticates({ apiKeyId: created.json.apiKeyId, apiKeySecret: created.json.apiKeySecret })).toBe(true);
    sandbox.advance(15_000);
    expect(await listed()).toContain('lagging');
  });

  it('deletes by id (not apiKeyId); a deleted key that signed in keeps authenticating for the cache window, then stops', async () => {
    const created = await call('/api-keys', { method: 'POST', body: { name: 'doomed', organizationId: orgs().platform, permissions: { organizationRole: 'Admin' } } });
    const pair = { apiKeyId: created.json.apiKeyId, apiKeySecret: created.json.apiKeySecret };
    expect((await call('/organizations', { as: pair })).status).toBe(200); // signs in: cached for an hour
    expect((await call(`/api-keys/${created.json.apiKeyId}`, { method: 'DELETE' })).status).toBe(404);
    const deleted = await call(`/api-keys/${created.json.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(names((await call(`/api-keys?organizationId=${orgs().platform}`)).list)).not.toContain('doomed');
    sandbox.advance(59 * 60 * 1000);
    expect((await call('/organizations', { as: pair })).status).toBe(200);
    sandbox.advance(2 * 60 * 1000);
    expect((await call('/organizations', { as: pair })).status).toBe(401);
    const again = await call(`/api-keys/${created.json.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.text).toBe('Not Found');
  });

  it('refuses at once a deleted key that never signed in', async () => {
    const created = await call('/api-keys', { method: 'POST', body: { name: 'unused', organizationId: orgs().platform, permissions: { organizationRole: 'Admin' } } });
    await call(`/api-keys/${created.json.id}`, { method: 'DELETE' });
    expect((await call('/organizations', { as: { apiKeyId: created.json.apiKeyId, apiKeySecret: created.json.apiKeySecret } })).status).toBe(401);
  });

  it('echoes project permissions in the list only when configured, under either spelling', async () => {
    await sandbox.close();
    sandbox = await startEnvZeroSandbox({ permissionsEcho: 'projectPermissions' });
    const legacy = await call(`/api-keys?organizationId=${orgs().platform}`);
    expect(legacy.list.find((k) => k.name === 'cost-report')!.projectPermissions).toEqual([
      { projectId: sandbox.ids.projects.Data, projectRole: 'Planner' },
      { projectId: sandbox.ids.projects.Networking, projectRole: sandbox.ids.roles.releaseManager },
    ]);
    await sandbox.close();
    sandbox = await startEnvZeroSandbox({ permissionsEcho: 'permissions.projectsPermissions' });
    const current = await call(`/api-keys?organizationId=${orgs().platform}`);
    expect(current.list.find((k) => k.name === 'cost-report')!.permissions.projectsPermissions).toHaveLength(2);
  });

  it('answers the OIDC sub as a plain string', async () => {
    const res = await call(`/api-keys/oidc-sub?organizationId=${orgs().platform}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^auth0\|oidc-/);
  });

  it('injects faults through the shared control endpoint', async () => {
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 503, path: '/api-keys', times: 1 }) });
    expect((await call(`/api-keys?organizationId=${orgs().platform}`)).status).toBe(503);
    expect((await call(`/api-keys?organizationId=${orgs().platform}`)).status).toBe(200);
  });
});
