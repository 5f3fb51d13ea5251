// The sandbox must answer like LangWatch (langwatch-and-onyx.md Part 1) in both eras, or every
// test built on it proves nothing. These tests speak raw HTTP to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLangwatchSandbox, type Era, type LangwatchSandbox } from './server.ts';

const INVALID = { error: 'Unauthorized', message: 'Invalid credentials.' };
const ROUTER_404 = { error: 'Not Found' };

describe.each<Era>(['A', 'B'])('LangWatch sandbox (era %s)', (era) => {
  let sandbox: LangwatchSandbox;
  beforeAll(async () => {
    sandbox = await startLangwatchSandbox({ era });
  });
  afterAll(() => sandbox.close());

  async function call(path: string, init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}) {
    const token = init.token === undefined ? sandbox.credentials.admin : init.token;
    const res = await fetch(`${sandbox.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }
  type Row = { id: string; name: string; roleBindings: Array<{ role: string; scopeType: string; scopeId: string }> };
  const names = (json: unknown) => ((json as { data: Row[] }).data ?? []).map((r) => r.name);
  const create = (body: Record<string, unknown>, token?: string) => call('/api/api-keys', { method: 'POST', body, token });

  describe('authentication', () => {
    it('answers missing, unknown, revoked, expired and deactivated credentials with the documented 401 bodies', async () => {
      expect(await call('/api/api-keys', { token: null })).toEqual({ status: 401, json: { error: 'Unauthorized', message: 'Authentication required. Use Authorization: Bearer <api-key>.' } });
      for (const token of [`${sandbox.credentials.admin.slice(0, -1)}x`, sandbox.credentials.revoked, sandbox.credentials.expired, sandbox.credentials.deactivated, 'sk-lw-nope']) {
        expect(await call('/api/api-keys', { token })).toEqual({ status: 401, json: INVALID });
      }
      expect(await call('/api/api-keys', { token: sandbox.credentials.legacyProject })).toEqual({
        status: 401,
        json: { error: 'Unauthorized', message: 'This endpoint needs an organization API key. The key sent is a project API key.' },
      });
    });

    it('reads the Bearer scheme in any case, and refuses keys without the organization permission', async () => {
      const lower = await call('/api/api-keys', { token: null, headers: { authorization: `bearer ${sandbox.credentials.admin}` } });
      expect(lower.status).toBe(200);
      expect(await call('/api/api-keys', { token: sandbox.credentials.teamOnly })).toEqual({ status: 403, json: { error: 'Forbidden', message: 'Insufficient permissions. Required: organization:view' } });
      expect(await create({ name: 'x', keyType: 'service' }, sandbox.credentials.member)).toEqual({
        status: 403,
        json: { error: 'Forbidden', message: 'Insufficient permissions. Required: organization:manage' },
      });
    });
  });

  describe('listing', () => {
    it('gives a personal credential its own live keys and the service keys, newest first, never revoked or hidden ones', async () => {
      const res = await call('/api/api-keys');
      const expected = ['custom-reader', 'ada-notebook', 'ci-pipeline', 'expired-script', 'keyfleet-admin', 'org-automation'].filter((n) => era === 'B' || n !== 'custom-reader');
      expect(names(res.json)).toEqual(expected);
      const row = (res.json!.data as Row[]).find((r) => r.name === 'ci-pipeline')!;
      expect(Object.keys(row).sort()).toEqual(['createdAt', 'description', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'roleBindings']);
      expect(row.roleBindings.map((b) => [b.role, b.scopeType, b.scopeId])).toEqual([
        ['ADMIN', 'PROJECT', sandbox.ids.projects.Chatbot],
        ['ADMIN', 'PROJECT', sandbox.ids.projects.Search],
      ]);
    });

    it('gives an org-wide service credential every live key, other members’ and ingestion keys included', async () => {
      const all = names((await call('/api/api-keys', { token: sandbox.credentials.service })).json);
      expect(all).toEqual(expect.arrayContaining(['bo-dev', 'bo-org-member', 'collector-ingest', 'cy-old', 'keyfleet-admin']));
      expect(all).not.toContain('old-deploy');
      expect(all).not.toContain('Langy session');
    });

    it('pages teams and projects with {page, limit, total} and hides archived projects', async () => {
      const teams = await call('/api/teams?page=1&limit=1');
      expect(teams.json).toMatchObject({ data: [{ name: 'Platform', organizationId: sandbox.ids.organization }], pagination: { page: 1, limit: 1, total: 2 } });
      const projects = await call('/api/projects?page=2&limit=2');
      expect(projects.json).toMatchObject({ data: [{ name: 'Evals', teamId: sandbox.ids.teams.Research }], pagination: { page: 2, limit: 2, total: 3 } });
      expect((await call('/api/projects?limit=1001')).status).toBe(422);
    });
  });

  describe('creating', () => {
    it('creates a personal key (201): the token once, in sk-lw-<16>_<48> form, and it authenticates', async () => {
      const res = await create({ name: 'laptop', description: 'mine', bindings: [{ role: 'VIEWER', scopeType: 'PROJECT', scopeId: sandbox.ids.projects.Evals }] });
      expect(res.status).toBe(201);
      const token = res.json!.token as string;
      expect(token).toMatch(/^sk-lw-[0-9A-Za-z]{16}_[0-9A-Za-z]{48}$/);
      expect(res.json!.apiKey).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/), name: 'laptop', createdAt: expect.stringMatching(/Z$/) });
      expect(sandbox.authenticates(token)).toBe(true);
      const id = (res.json!.apiKey as { id: string }).id;
      expect(sandbox.key(id)).toMatchObject({ keyType: 'personal', userId: sandbox.ids.users.ada, description: 'mine' });
      expect(JSON.stringify((await call('/api/api-keys')).json)).not.toContain(token.slice(6, 22));
    });

    it('gives a service key ADMIN on each project, or organization-wide ADMIN without projects', async () => {
      const scoped = await create({ keyType: 'service', name: 'ci-2', projectIds: [sandbox.ids.projects.Chatbot, sandbox.ids.projects.Evals] });
      expect(sandbox.key((scoped.json!.apiKey as { id: string }).id)!.bindings).toEqual([
        { role: 'ADMIN', scopeType: 'PROJECT', scopeId: sandbox.ids.projects.Chatbot },
        { role: 'ADMIN', scopeType: 'PROJECT', scopeId: sandbox.ids.projects.Evals },
      ]);
      const wide = await create({ keyType: 'service', name: 'everything' });
      expect(sandbox.key((wide.json!.apiKey as { id: string }).id)).toMatchObject({ keyType: 'service', bindings: [{ role: 'ADMIN', scopeType: 'ORGANIZATION', scopeId: sandbox.ids.organization }] });
    });

    it('refuses bad bodies with 422 validation_error reasons, and unparsable JSON with 400', async () => {
      const missing = await create({ bindings: [] });
      expect(missing.status).toBe(422);
      expect(missing.json).toMatchObject({ error: 'validation_error', fields: ['name'], reasons: [{ code: 'schema_failure', meta: { field: 'name', message: 'Required' } }] });
      expect((await create({ name: 'p' })).json).toMatchObject({ reasons: [{ meta: { field: 'bindings', message: 'bindings are required for personal keys' } }] });
      expect((await create({ name: 'p', bindings: [{ role: 'ADMIN', scopeType: 'ORGANIZATION', scopeId: sandbox.ids.organization }], projectIds: ['x'] })).json).toMatchObject({
        reasons: [{ meta: { field: 'projectIds' } }],
      });
      const custom = await create({ name: 'c', bindings: [{ role: 'CUSTOM', scopeType: 'ORGANIZATION', scopeId: sandbox.ids.organization }] });
      expect(custom.status).toBe(422);
      expect(JSON.stringify(custom.json)).toContain(era === 'A' ? 'Invalid enum value' : "restricted mode requires at least one permission");
      expect(await call('/api/api-keys', { method: 'POST', body: '{"name":', token: sandbox.credentials.admin })).toMatchObject({ status: 400, json: { error: 'malformed_request' } });
    });

    it('answers in the older phrase style when the build predates validation_error', async () => {
      const old = await startLangwatchSandbox({ era, validation: 'phrase' });
      try {
        const res = await fetch(`${old.url}/api/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${old.credentials.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: '', bindings: [] }) });
        expect({ status: res.status, json: await res.json() }).toEqual({ status: 422, json: { error: 'Unprocessable Entity', message: 'String must contain at least 1 character(s)', path: ['name'] } });
      } finally {
        await old.close();
      }
    });

    it('refuses the reserved name and bindings outside the organization, in the era’s own words', async () => {
      const reserved = await create({ name: 'Langy session', keyType: 'service' });
      expect(reserved.status).toBe(422);
      expect(reserved.json).toMatchObject(era === 'A' ? { error: 'Unprocessable Entity' } : { error: 'api_key_reserved_name', name: 'Langy session' });
      const foreign = await create({ name: 'Bad Scope', bindings: [{ role: 'ADMIN', scopeType: 'ORGANIZATION', scopeId: 'nonexistent-org-id' }] });
      expect(foreign.status).toBe(403);
      expect(foreign.json).toMatchObject({
        error: era === 'A' ? 'Forbidden' : 'api_key_scope_violation',
        message: "Organization scope must match the API key's organization",
      });
      expect((await create({ name: 'archived', bindings: [{ role: 'VIEWER', scopeType: 'PROJECT', scopeId: sandbox.ids.projects['Old demo'] }] })).status).toBe(403);
    });
  });

  describe('revoking', () => {
    it('soft-revokes (200), answers 409 the second time and 404 for an unknown id, in the era’s bodies', async () => {
      const made = await create({ keyType: 'service', name: 'short-lived', projectIds: [sandbox.ids.projects.Search] });
      const { id } = made.json!.apiKey as { id: string };
      const token = made.json!.token as string;
      expect(await call(`/api/api-keys/${id}`, { method: 'DELETE' })).toEqual({ status: 200, json: { success: true } });
      expect(sandbox.authenticates(token)).toBe(false);
      expect(sandbox.key(id)!.revokedAt).not.toBeNull();
      expect(names((await call('/api/api-keys')).json)).not.toContain('short-lived');
      const again = await call(`/api/api-keys/${id}`, { method: 'DELETE' });
      expect(again.status).toBe(409);
      expect(again.json).toMatchObject(era === 'A' ? { error: 'Conflict', message: 'API Key is already revoked' } : { error: 'api_key_already_revoked', apiKeyId: id, fault: 'customer' });
      const unknown = await call('/api/api-keys/nonexistent-key-id', { method: 'DELETE' });
      expect(unknown).toMatchObject({ status: 404, json: era === 'A' ? { error: 'Not Found', message: 'API key not found' } : { error: 'api_key_not_found', id: 'nonexistent-key-id' } });
    });
  });

  describe('by-id reads and edits', () => {
    it(era === 'A' ? 'has no GET or PATCH by id: the router answers 404 before any auth' : 'reads a key by id with its type, owner and bindings, revoked ones too', async () => {
      const id = sandbox.ids.keys['ci-pipeline']!;
      if (era === 'A') {
        expect(await call(`/api/api-keys/${id}`)).toEqual({ status: 404, json: ROUTER_404 });
        expect(await call(`/api/api-keys/${id}`, { method: 'PATCH', body: { name: 'x' }, token: null })).toEqual({ status: 404, json: ROUTER_404 });
        expect(await call('/api/organization')).toEqual({ status: 404, json: ROUTER_404 });
        return;
      }
      const res = await call(`/api/api-keys/${id}`);
      expect(res.json).toMatchObject({ id, keyType: 'service', assignedToUserId: null, createdByUserId: sandbox.ids.users.ada, permissionMode: 'all', permissions: [], bindings: [{ role: 'ADMIN', scopeType: 'PROJECT' }, { role: 'ADMIN', scopeType: 'PROJECT' }] });
      expect((await call(`/api/api-keys/${sandbox.ids.keys['old-deploy']!}`)).json).toMatchObject({ keyType: 'personal', revokedAt: expect.stringMatching(/Z$/) });
      expect(await call('/api/api-keys/keyfleet-era-probe')).toMatchObject({ status: 404, json: { error: 'api_key_not_found', message: 'API Key not found: keyfleet-era-probe' } });
      // Bo's key is not Bo-the-member's to read when asked by another member: 404, never 403.
      expect((await call(`/api/api-keys/${sandbox.ids.keys['ci-pipeline']!}`, { token: sandbox.credentials.member })).status).toBe(200);
      expect((await call(`/api/api-keys/${sandbox.ids.keys['keyfleet-admin']!}`, { token: sandbox.credentials.member })).json).toMatchObject({ error: 'api_key_not_found' });
      expect((await call('/api/organization')).status).toBe(402);
    });

    it.runIf(era === 'B')('renames and redescribes with PATCH, refusing revoked keys (409) and the reserved name (422)', async () => {
      const id = sandbox.ids.keys['ada-notebook']!;
      const res = await call(`/api/api-keys/${id}`, { method: 'PATCH', body: { name: 'ada-jupyter', description: null } });
      expect(res.json).toMatchObject({ id, name: 'ada-jupyter', description: null, keyType: 'personal' });
      expect(sandbox.key(id)!.name).toBe('ada-jupyter');
      expect((await call(`/api/api-keys/${sandbox.ids.keys['old-deploy']!}`, { method: 'PATCH', body: { name: 'x' } })).status).toBe(409);
      expect((await call(`/api/api-keys/${id}`, { method: 'PATCH', body: { name: 'Langy session' } })).json).toMatchObject({ error: 'api_key_reserved_name' });
      expect((await call(`/api/api-keys/${id}`, { method: 'PATCH', body: { name: '' } })).status).toBe(422);
    });

    it.runIf(era === 'B')('lets only organization admins mint service keys or keys for others, capped by the owner’s access', async () => {
      const forBo = await create({ name: 'for-bo', assignedToUserId: sandbox.ids.users.bo, bindings: [{ role: 'ADMIN', scopeType: 'ORGANIZATION', scopeId: sandbox.ids.organization }] });
      expect(forBo).toMatchObject({ status: 403, json: { error: 'api_key_scope_violation', message: `Cannot create API key with ADMIN permissions — exceeds your own access at org:${sandbox.ids.organization}` } });
      const ok = await create({ name: 'for-bo', assignedToUserId: sandbox.ids.users.bo, bindings: [{ role: 'MEMBER', scopeType: 'TEAM', scopeId: sandbox.ids.teams.Platform }] });
      expect(ok.status).toBe(201);
    });
  });

  describe.runIf(era === 'B')('owners and permission modes', () => {
    it('makes a service credential’s “personal” key without assignedToUserId owner-less, reported as service', async () => {
      const res = await create({ keyType: 'personal', name: 'nobody-owns-me', bindings: [{ role: 'VIEWER', scopeType: 'ORGANIZATION', scopeId: sandbox.ids.organization }] }, sandbox.credentials.service);
      expect(res.status).toBe(201);
      const id = (res.json!.apiKey as { id: string }).id;
      expect((await call(`/api/api-keys/${id}`)).json).toMatchObject({ keyType: 'service', assignedToUserId: null, createdByUserId: null });
      const owned = await create(
        { keyType: 'personal', name: 'bo-owns-me', assignedToUserId: sandbox.ids.users.bo, bindings: [{ role: 'VIEWER', scopeType: 'PROJECT', scopeId: sandbox.ids.projects.Chatbot }] },
        sandbox.credentials.service,
      );
      const ownedId = (owned.json!.apiKey as { id: string }).id;
      expect((await call(`/api/api-keys/${ownedId}`)).json).toMatchObject({ keyType: 'personal', assignedToUserId: sandbox.ids.users.bo, createdByUserId: null });
    });

    it('keeps restricted and readonly keys’ mode and permissions, and refuses a restricted key without both', async () => {
      expect((await call(`/api/api-keys/${sandbox.ids.keys['custom-reader']!}`)).json).toMatchObject({ permissionMode: 'restricted', permissions: ['organization:view', 'traces:view'], bindings: [{ role: 'CUSTOM' }] });
      expect((await call(`/api/api-keys/${sandbox.ids.keys['bo-readonly']!}`)).json).toMatchObject({ permissionMode: 'readonly', permissions: [], keyType: 'personal' });
      const half = await create({ name: 'half', permissionMode: 'restricted', bindings: [{ role: 'VIEWER', scopeType: 'ORGANIZATION', scopeId: sandbox.ids.organization }] });
      expect(half.status).toBe(422);
    });

    it('lists the organization’s members on the Enterprise plan only', async () => {
      expect(await call('/api/organization/members')).toMatchObject({ status: 402, json: { error: 'enterprise_plan_required' } });
      const enterprise = await startLangwatchSandbox({ era, enterprise: true });
      try {
        const res = await fetch(`${enterprise.url}/api/organization/members`, { headers: { authorization: `Bearer ${enterprise.credentials.admin}` } });
        const body = (await res.json()) as { members: Array<Record<string, unknown>>; totalCount: number };
        expect(body.totalCount).toBe(2);
        expect(body.members.map((m) => [m.userId, m.role, (m.user as { name: string }).name])).toEqual([
          [enterprise.ids.users.ada, 'ADMIN', 'Ada'],
          [enterprise.ids.users.bo, 'MEMBER', 'Bo'],
        ]);
      } finally {
        await enterprise.close();
      }
    });
  });

  it('moves lastUsedAt only after a successful call', async () => {
    const id = sandbox.ids.keys['org-automation']!;
    const before = sandbox.key(id)!.lastUsedAt;
    await call('/api/api-keys/nonexistent', { method: 'DELETE', token: sandbox.credentials.service });
    expect(sandbox.key(id)!.lastUsedAt).toBe(before);
    await call('/api/api-keys', { token: sandbox.credentials.service });
    expect(sandbox.key(id)!.lastUsedAt).toBeGreaterThan(before ?? 0);
  });
});
