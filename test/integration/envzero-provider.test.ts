// The env zero adapter against the sandbox backend: organization choice, the org → projects and
// teams tree, keys with their two ids, create with roles and project roles, delete with the
// one-hour revocation, and each of env zero's failures mapped to a clear ProviderError.
import { describe, expect, it } from 'vitest';
import { envzero, normalizeEnvZeroUrl } from '../../src-main/providers/envzero/index.ts';
import { connect, failure, orgScope, platform, sandbox, sandboxWith, scopeNamed, tuned, useEnvZeroSandbox } from './envzero-adapter.ts';

const HOUR = 60 * 60 * 1000;

useEnvZeroSandbox({ teamsPageSize: 1 });

describe('env zero adapter: connecting', () => {
  it('describes itself as a key-pair backend whose target is an organization', () => {
    expect(envzero.info.credential).toMatchObject({ type: 'key-pair', labels: { accessKey: 'API key ID', secretKey: 'API key secret' } });
    expect(envzero.info.baseUrl.placeholder).toBe('https://api.env0.com');
    expect(envzero.info.targetLabel).toBe('organization');
    expect(normalizeEnvZeroUrl('https://api.env0.com/')).toBe('https://api.env0.com');
    expect(normalizeEnvZeroUrl('https://app.env0.com/p/123?x=1')).toBe('https://api.env0.com');
  });

  it('says honestly what env zero cannot do', () => {
    const { actions } = envzero.capabilities({});
    expect(actions.create.mode).toBe('native');
    expect(actions.rename).toMatchObject({ mode: 'composed', note: expect.stringContaining('cannot rename') });
    expect(actions.rotate).toMatchObject({ mode: 'composed', note: expect.stringContaining('up to an hour') });
    expect(actions.deactivate.mode).toBe('unavailable');
    expect(actions.activate.mode).toBe('unavailable');
    expect(actions.delete).toMatchObject({ mode: 'native', note: expect.stringContaining('up to an hour') });
    expect(envzero.capabilities({}).createForm.types[0]).toMatchObject({ id: 'organization', scopeKinds: ['organization'], expiry: 'unsupported' });
  });

  it('settles the one organization of an organization key and names the key', async () => {
    const identity = await connect(sandbox.credentials.admin).verify();
    expect(identity).toEqual({
      accountId: sandbox.credentials.admin.apiKeyId,
      accountName: 'keyfleet-admin (organization API key)',
      settings: { target: sandbox.ids.orgs.platform, targetName: 'Acme Platform', keyKind: 'organization' },
    });
  });

  it('offers the organizations of a personal key as choices, then settles the chosen one', async () => {
    const open = await connect(sandbox.credentials.personal).verify();
    expect(open.settings).toBeUndefined();
    expect(open.choices).toEqual([
      { id: sandbox.ids.orgs.platform, label: 'Acme Platform', hint: 'Role: Admin' },
      { id: sandbox.ids.orgs.labs, label: 'Acme Labs', hint: 'Role: Admin' },
    ]);
    const chosen = await connect(sandbox.credentials.personal, { target: sandbox.ids.orgs.labs }).verify();
    expect(chosen.settings).toEqual({ target: sandbox.ids.orgs.labs, targetName: 'Acme Labs', keyKind: 'personal' });
    expect(chosen.choices).toBeUndefined();
  });

  it('refuses an organization the key does not reach, offering those it does', async () => {
    const error = await failure(connect(sandbox.credentials.personal, { target: 'not-an-org' }).verify());
    expect(error.kind).toBe('invalid');
    expect(error.choices?.map((c) => c.label)).toEqual(['Acme Platform', 'Acme Labs']);
    const moved = await failure(connect(sandbox.credentials.admin, { settings: { target: sandbox.ids.orgs.labs, targetName: 'Acme Labs' } }).verify());
    expect(moved.message).toMatch(/does not reach the organization Acme Labs/);
  });

  it('maps a wrong secret to auth without echoing it', async () => {
    const wrong = { ...sandbox.credentials.admin, apiKeySecret: 'definitely-wrong-secret-0000000000' };
    const error = await failure(connect(wrong).verify());
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/env zero rejected the connection's API key \(HTTP 401\)/);
    expect(error.message).not.toContain(wrong.apiKeySecret);
  });

  it('refuses a User-role key: only admins manage keys', async () => {
    const error = await failure(connect(sandbox.credentials.user).verify());
    expect(error.kind).toBe('forbidden');
    expect(error.message).toMatch(/refused to list the API keys of “Acme Platform”.*organization Admin API key/);
  });

  it('maps the gateway’s 403 for a wrong URL to a clear message that never shows the echoed credential', async () => {
    const error = await failure(connect(sandbox.credentials.admin, { baseUrl: `${sandbox.url}/v2` }).verify());
    expect(error.kind).toBe('not-found');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/API gateway did not recognise the request.*https:\/\/api\.env0\.com/);
    const basic = Buffer.from(`${sandbox.credentials.admin.apiKeyId}:${sandbox.credentials.admin.apiKeySecret}`).toString('base64');
    expect(error.message).not.toContain(basic);
    expect(error.message).not.toContain(sandbox.credentials.admin.apiKeySecret);
  });
});

describe('env zero adapter: tree and keys', () => {
  it('draws the organization, its live projects nested by parentProjectId, and every page of teams', async () => {
    const scopes = await connect(sandbox.credentials.admin, platform()).listScopes();
    const { ids } = sandbox;
    expect(scopes.map((s) => [s.kind, s.name, s.parentId])).toEqual([
      ['organization', 'Acme Platform', null],
      ['project', 'Platform', ids.orgs.platform],
      ['project', 'Networking', ids.projects.Platform],
      ['project', 'Data', ids.orgs.platform],
      ['team', 'SRE', ids.orgs.platform],
      ['team', 'Developers', ids.orgs.platform],
    ]);
    // Teams came one per page here, following nextPageKey.
    expect(sandbox.requests.some((r) => r.path.startsWith(`/teams/organizations/${ids.orgs.platform}?`) && r.path.includes('offset='))).toBe(true);
  });

  it('lists the organization keys with both ids, role names, creators and use, and no secret', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const scopes = await provider.listScopes();
    const keys = await provider.listKeys(orgScope(scopes));
    expect(await provider.listKeys(scopeNamed(scopes, 'Data'))).toEqual([]);
    const byName = new Map(keys.map((k) => [k.name, k]));
    expect([...byName.keys()].sort()).toEqual(['cost-report', 'dashboard-reader', 'keyfleet-admin', 'never-used', 'terraform-ci']);
    const admin = byName.get('keyfleet-admin')!;
    expect(admin).toMatchObject({
      id: sandbox.ids.keys['keyfleet-admin'],
      scopeId: sandbox.ids.orgs.platform,
      type: 'organization',
      category: 'service',
      role: 'Admin',
      status: 'active',
      maskedValue: sandbox.credentials.admin.apiKeyId,
      createdBy: 'Alice Admin',
      expiresAt: null,
    });
    expect(admin.lastUsedAt).toBeGreaterThan(Date.now() - 60_000); // this very call used it
    expect(byName.get('never-used')!.lastUsedAt).toBeNull();
    expect(byName.get('cost-report')!.role).toBe('Auditor');
    expect(keys.some((k) => JSON.stringify(k).includes('apiKeySecret'))).toBe(false);
  });

  it('reads a User key’s project roles from the projects when the list does not carry them', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const keys = await provider.listKeys(orgScope(await provider.listScopes()));
    const reader = keys.find((k) => k.name === 'dashboard-reader')!;
    expect(reader.raw.projectRoles).toEqual(
      expect.arrayContaining([
        { projectId: sandbox.ids.projects.Platform, projectRole: 'Viewer', project: 'Platform' },
        { projectId: sandbox.ids.projects.Data, projectRole: 'Viewer', project: 'Data' },
      ]),
    );
    expect(keys.find((k) => k.name === 'terraform-ci')!.raw).not.toHaveProperty('projectRoles');
  });

  it.each(['projectPermissions', 'permissions.projectsPermissions'] as const)('reads project roles the list echoes as %s, without asking the projects', async (echo) => {
    const box = await sandboxWith({ permissionsEcho: echo });
    const provider = connect(box.credentials.admin, platform(box), box);
    const scopes = await provider.listScopes();
    const keys = await provider.listKeys(orgScope(scopes));
    expect(box.requests.some((r) => r.path.startsWith('/permissions/'))).toBe(false);
    const cost = keys.find((k) => k.name === 'cost-report')!;
    expect(await provider.twinPlan!(cost, scopes)).toMatchObject({
      role: box.ids.roles.auditor,
      grants: [
        { scope: scopeNamed(scopes, 'Data'), role: 'Planner' },
        { scope: scopeNamed(scopes, 'Networking'), role: box.ids.roles.releaseManager },
      ],
    });
  });

});

describe('env zero adapter: create and delete', () => {
  const NOW = 1_800_000_000_000;

  it('creates an Admin key: both values to the reveal only, held against the lagging list', async () => {
    const provider = tuned(sandbox.credentials.admin, { now: () => NOW, holdMs: 120_000 });
    const org = orgScope(await provider.listScopes());
    const created = await provider.createKey({ scopeId: org.id, type: 'organization', name: 'deploy-bot', role: 'Admin' }, org);
    const post = sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api-keys').at(-1)!;
    expect(post.body).toEqual({ name: 'deploy-bot', organizationId: sandbox.ids.orgs.platform, permissions: { organizationRole: 'Admin' } });
    const [id, secret] = created.secret.fields;
    expect(id).toMatchObject({ label: 'API key ID', secret: false });
    expect(secret).toMatchObject({ label: 'API key secret', secret: true });
    expect(sandbox.authenticates({ apiKeyId: id!.value, apiKeySecret: secret!.value })).toBe(true);
    expect(created.key).toMatchObject({ name: 'deploy-bot', role: 'Admin', maskedValue: id!.value, status: 'active', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(created.key.id).not.toBe(id!.value);
    expect(created.holdUntil).toBe(NOW + 120_000);
    expect(JSON.stringify(created.key)).not.toContain(secret!.value);
  });

  it('creates a User key with project roles sent as projectsPermissions', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const scopes = await provider.listScopes();
    const grants = [{ scope: scopeNamed(scopes, 'Networking'), role: 'Deployer' }, { scope: scopeNamed(scopes, 'Data'), role: 'Viewer' }];
    const { key } = await provider.createKey({ scopeId: orgScope(scopes).id, type: 'organization', name: 'net-deployer', role: 'User', grants }, orgScope(scopes));
    const post = sandbox.requests.filter((r) => r.method === 'POST').at(-1)!.body as any;
    expect(post.permissions).toEqual({
      organizationRole: 'User',
      projectsPermissions: [
        { projectId: sandbox.ids.projects.Networking, projectRole: 'Deployer' },
        { projectId: sandbox.ids.projects.Data, projectRole: 'Viewer' },
      ],
    });
    expect(sandbox.projectRoles(key.id)).toEqual([
      { projectId: sandbox.ids.projects.Networking, role: 'Deployer' },
      { projectId: sandbox.ids.projects.Data, role: 'Viewer' },
    ]);
    expect(key.role).toBe('User');
    expect(await provider.twinPlan!(key, scopes)).toMatchObject({ role: 'User', grants, fields: { teamIds: [] } });
  });

  it('refuses project roles on an Admin key before calling env zero', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const scopes = await provider.listScopes();
    const posts = sandbox.requests.filter((r) => r.method === 'POST').length;
    const error = await failure(
      provider.createKey({ scopeId: orgScope(scopes).id, type: 'organization', name: 'x', role: 'Admin', grants: [{ scope: scopeNamed(scopes, 'Data'), role: 'Viewer' }] }, orgScope(scopes)),
    );
    expect(error).toMatchObject({ kind: 'invalid', fields: { grants: expect.any(String) } });
    expect(sandbox.requests.filter((r) => r.method === 'POST').length).toBe(posts);
  });

  it('turns env zero’s plain-text 400 into a clear invalid error on the right field', async () => {
    const provider = connect(sandbox.credentials.admin, platform());
    const org = orgScope(await provider.listScopes());
    const error = await failure(provider.createKey({ scopeId: org.id, type: 'organization', name: 'x', role: 'Owner' }, org));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/^env zero rejected the request \(HTTP 400\): \/body\/permissions\/organizationRole must be equal to one of the allowed values/);
    expect(error.fields?.role).toMatch(/organizationRole must be equal to one of the allowed values/);
  });

  it('deletes by id and reports the key revoked but possibly authenticating for another hour', async () => {
    const provider = tuned(sandbox.credentials.admin, { now: () => NOW });
    const org = orgScope(await provider.listScopes());
    const created = await provider.createKey({ scopeId: org.id, type: 'organization', name: 'short-lived', role: 'Admin' }, org);
    const pair = { apiKeyId: created.secret.fields[0]!.value, apiKeySecret: created.secret.fields[1]!.value };
    expect(sandbox.authenticates(pair)).toBe(true); // used once: env zero caches the sign-in

    const outcome = await provider.deleteKey!(created.key);
    expect(outcome).toEqual({ kind: 'revoked', mayAuthenticateUntil: NOW + HOUR, key: { ...created.key, status: 'revoked', statusDetail: 'deleted' } });
    expect(sandbox.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api-keys/${created.key.id}`, status: 200 });
    expect((await provider.listKeys(org)).some((k) => k.id === created.key.id)).toBe(false);
    // As the outcome says: still accepted within the hour.
    expect(sandbox.authenticates(pair)).toBe(true);

    // Deleted already (here or elsewhere): env zero's 404 is not a failure.
    expect(await provider.deleteKey!(created.key)).toMatchObject({ kind: 'revoked', mayAuthenticateUntil: NOW + HOUR });
    expect(sandbox.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 404 });
  });
});

describe('env zero adapter: failures', () => {
  it('explains the per-path rate limit', async () => {
    const box = await sandboxWith({ rateLimit: { max: 1, windowMs: 60_000 } });
    const provider = connect(box.credentials.admin, platform(box), box);
    const org = { id: box.ids.orgs.platform, kind: 'organization', name: 'Acme Platform', parentId: null, raw: {} };
    await provider.listKeys(org);
    const error = await failure(provider.listKeys(org));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(60_000);
    expect(error.message).toBe('env zero is rate-limiting requests (HTTP 429): it accepts at most 1,000 requests a minute for each API path. Try again in 60 s.');
  });

  it('fails with bad-response on a key list it cannot read', async () => {
    sandbox.faults.add({ kind: 'status', status: 200, body: [{ name: 'no id' }], path: '/api-keys' });
    const provider = connect(sandbox.credentials.admin, platform());
    const error = await failure(provider.listKeys(orgScope(await provider.listScopes())));
    expect(error.kind).toBe('bad-response');
    expect(error.message).toBe('env zero sent an API key Keyfleet could not read (field id).');
  });

  it('fails with bad-response when a create answer lacks the secret', async () => {
    sandbox.faults.add({ kind: 'status', status: 200, body: { id: 'b6b5c1b4-6a8e-4a8e-9a39-0b0c3c7b5a11', name: 'ghost', apiKeyId: 'abc' }, path: '/api-keys', method: 'POST' });
    const provider = connect(sandbox.credentials.admin, platform());
    const org = orgScope(await provider.listScopes());
    const error = await failure(provider.createKey({ scopeId: org.id, type: 'organization', name: 'ghost', role: 'Admin' }, org));
    expect(error.kind).toBe('bad-response');
    expect(error.message).toMatch(/did not return both its API key ID and secret; delete it in env zero/);
  });

  it('never repeats a create that failed with a 5xx: a retry could mint a second key', async () => {
    sandbox.faults.add({ kind: 'status', status: 502, path: '/api-keys', method: 'POST' });
    const provider = connect(sandbox.credentials.admin, { ...platform(), http: { timeoutMs: 3000, retries: 2, backoffMs: 5 } });
    const org = orgScope(await provider.listScopes());
    const posts = sandbox.requests.filter((r) => r.method === 'POST').length;
    const error = await failure(provider.createKey({ scopeId: org.id, type: 'organization', name: 'once', role: 'Admin' }, org));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/^env zero at 127\.0\.0\.1:\d+ is unavailable \(HTTP 502\)/);
    expect(sandbox.requests.filter((r) => r.method === 'POST').length).toBe(posts + 1);
  });

  it('maps a 403 on a key operation to the admin-key explanation', async () => {
    sandbox.faults.add({ kind: 'status', status: 403, path: '/api-keys/', method: 'DELETE' });
    const provider = connect(sandbox.credentials.admin, platform());
    const keys = await provider.listKeys(orgScope(await provider.listScopes()));
    const error = await failure(provider.deleteKey!(keys[0]!));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toMatch(/needs an organization Admin API key/);
  });
});
