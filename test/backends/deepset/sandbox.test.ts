// The sandbox must answer like deepset (envzero-and-deepset.md Part 2), or every test built on it
// proves nothing. These tests speak raw HTTP to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeepsetSandbox, type DeepsetSandbox } from './server.ts';

let sandbox: DeepsetSandbox;

beforeAll(async () => {
  sandbox = await startDeepsetSandbox();
});
afterAll(() => sandbox.close());

async function call(path: string, init: { method?: string; body?: unknown; as?: string | null; on?: DeepsetSandbox } = {}) {
  const target = init.on ?? sandbox;
  const as = init.as === undefined ? target.credentials.admin : init.as;
  const res = await fetch(`${target.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(as === null ? {} : { authorization: `Bearer ${as}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  // null for an empty body; typed loosely because these tests read the backend's raw JSON on purpose.
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : null) as Record<string, any> };
}

interface KeyJson {
  api_token_id: string;
  name: string | null;
  expires_at: string | null;
  masked_token: string;
}
const keysIn = (res: { json: Record<string, any> }) => res.json.data as KeyJson[];

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('deepset sandbox: authentication', () => {
  it('issues JWT-like session tokens that expire, and api_-prefixed JWT-like API keys', () => {
    const session = sandbox.credentials.admin;
    expect(session.split('.')).toHaveLength(3);
    expect(claims(session).exp * 1000).toBeGreaterThan(Date.now());
    expect(claims(sandbox.credentials.expiredSession).exp * 1000).toBeLessThan(Date.now());
    expect(sandbox.credentials.apiKey).toMatch(/^api_[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('names the signed-in user and organization at /api/v1/me and /api/v1/users/me', async () => {
    for (const path of ['/api/v1/me', '/api/v1/users/me']) {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        user_id: sandbox.ids.users.admin,
        given_name: 'Ada',
        family_name: 'Lovelace',
        organization: { organization_id: sandbox.ids.organization, name: 'acme-search', role: 'ADMIN' },
      });
    }
  });

  it('refuses a missing, an expired and an unknown credential with FastAPI 401 bodies', async () => {
    const missing = await call('/api/v1/workspaces', { as: null });
    expect(missing).toMatchObject({ status: 401, json: { detail: 'Not authenticated' } });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await call('/api/v1/workspaces', { as: sandbox.credentials.expiredSession })).toMatchObject({ status: 401, json: { detail: 'Signature has expired.' } });
    expect(await call('/api/v1/workspaces', { as: 'api_nope' })).toMatchObject({ status: 401, json: { detail: 'Could not validate credentials' } });
  });

  it('routes before authenticating: unknown paths are 404 Not Found, wrong methods 405', async () => {
    expect(await call('/api/v1/nope', { as: null })).toMatchObject({ status: 404, json: { detail: 'Not Found' } });
    expect(await call('/api/v1/workspaces', { method: 'DELETE', as: null })).toMatchObject({ status: 405, json: { detail: 'Method Not Allowed' } });
  });

  it('gives a service API key no user, but its organization', async () => {
    expect(await call('/api/v1/me', { as: sandbox.credentials.apiKey })).toMatchObject({ status: 403 });
    expect(await call('/api/v1/organization', { as: sandbox.credentials.apiKey })).toMatchObject({ status: 200, json: { name: 'acme-search' } });
  });
});

describe('deepset sandbox: workspaces and key lists', () => {
  it('lists workspaces as a bare array, addressed by name', async () => {
    const res = await call('/api/v1/workspaces');
    expect((res.json as unknown as Array<{ name: string }>).map((w) => w.name)).toEqual(['production', 'staging', 'research']);
    expect((res.json as unknown as unknown[])[0]).toMatchObject({ workspace_id: sandbox.ids.workspaces.production, default_idle_timeout_in_seconds: 43_200 });
    expect((await call('/api/v1/workspaces/staging')).json.name).toBe('staging');
    expect(await call('/api/v1/workspaces/nowhere')).toMatchObject({ status: 404, json: { detail: 'Workspace not found.' } });
  });

  it('pages the organization list (default 10, at most 100) newest first, masked and without secrets', async () => {
    const local = await startDeepsetSandbox();
    try {
      local.seedKeys(25);
      const first = await call('/api/v1/token', { on: local, as: local.credentials.admin });
      expect(first.json).toMatchObject({ has_more: true, total: 33 });
      expect(first.json.data).toHaveLength(10);
      const third = await call('/api/v1/token?limit=15&page_number=3', { on: local, as: local.credentials.admin });
      expect(third.json).toMatchObject({ has_more: false, total: 33 });
      expect(third.json.data).toHaveLength(3);
      const after = await call(`/api/v1/token?limit=2&after=${keysIn(first)[0]!.api_token_id}`, { on: local, as: local.credentials.admin });
      expect(keysIn(after).map((k) => k.api_token_id)).toEqual(keysIn(first).slice(1, 3).map((k) => k.api_token_id));
      const everything = JSON.stringify(first.json) + JSON.stringify(third.json);
      for (const secret of local.issuedSecrets()) expect(everything).not.toContain(secret);
    } finally {
      await local.close();
    }
  });

  it('answers bad paging with FastAPI 422 detail lists', async () => {
    const tooMany = await call('/api/v1/token?limit=101');
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.detail[0]).toMatchObject({ type: 'less_than_equal', loc: ['query', 'limit'], msg: 'Input should be less than or equal to 100' });
    const both = await call(`/api/v1/token?page_number=1&after=${sandbox.ids.keys['ci-pipeline']}`);
    expect(both.json.detail[0].loc).toEqual(['query', 'page_number']);
  });

  it('shows each key with the fields the contract names, the mask being the first and last 4 characters', async () => {
    const res = await call(`/api/v1/token/${sandbox.ids.keys['ada-notebook']}`);
    expect(res.json).toEqual({
      all_workspaces: false,
      api_token_id: sandbox.ids.keys['ada-notebook'],
      expires: false,
      expires_at: null,
      masked_token: expect.any(String),
      name: 'ada-notebook',
      organization_role: 'MEMBER',
      personal: true,
      role_id: sandbox.ids.roles['Search user'],
      user: { given_name: 'Ada', family_name: 'Lovelace' },
      workspaces: [
        { name: 'staging', workspace_id: sandbox.ids.workspaces.staging },
        { name: 'research', workspace_id: sandbox.ids.workspaces.research },
      ],
    });
    // No creation or last-use date: deepset's read model has neither.
    expect(res.json).not.toHaveProperty('created_at');
    expect(res.json).not.toHaveProperty('last_used_at');
    expect(res.json.masked_token).toMatch(/^api_\*{16}[\w-]{4}$/);
    expect(await call('/api/v1/token/not-a-uuid')).toMatchObject({ status: 422, json: { detail: [{ loc: ['path', 'api_token_id'], type: 'uuid_parsing' }] } });
    expect(await call('/api/v1/token/00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404, json: { detail: 'API token not found.' } });
  });

  it('lists only the keys scoped exclusively to a workspace under it', async () => {
    const res = await call('/api/v1/workspaces/production/token');
    expect(keysIn(res).map((k) => k.name).sort()).toEqual(['prod-old', 'prod-search']);
    expect(keysIn(res).find((k) => k.name === 'prod-old')!.expires_at! < new Date().toISOString()).toBe(true);
  });
});

describe('deepset sandbox: creating and deleting keys', () => {
  it('creates an organization key, returns only its secret once, and lists it masked', async () => {
    const res = await call('/api/v1/token', { method: 'POST', body: { name: 'etl', personal: false, organization_role: 'MEMBER', expires: false, workspaces: ['staging'] } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(['api_token']);
    const secret = res.json.api_token as string;
    expect(sandbox.authenticates(secret)).toBe(true);
    const listed = keysIn(await call('/api/v1/token?limit=100')).find((k) => k.name === 'etl')!;
    expect(listed).toMatchObject({ personal: false, all_workspaces: false, workspaces: [{ name: 'staging' }], user: null, expires: false });
    expect(listed.masked_token).toBe(`${secret.slice(0, 4)}${'*'.repeat(16)}${secret.slice(-4)}`);
  });

  it('creates a personal key bound to its creator, with an expiry, limited to one workspace the documented way', async () => {
    const res = await call('/api/v1/token', { method: 'POST', body: { name: 'nb', expires: true, expires_at: inDays(3), workspaces: ['research'] } });
    expect(res.status).toBe(200);
    const key = sandbox.keys().find((k) => k.name === 'nb')!;
    expect(key).toMatchObject({ scope: 'organization', workspaces: ['research'], personal: true, ownerId: sandbox.ids.users.admin });
    expect(key.expiresAt).toBeGreaterThan(Date.now());
    // No public source shows a create under a workspace: only its list exists there.
    expect(await call('/api/v1/workspaces/research/token', { method: 'POST', body: { expires: false } })).toMatchObject({ status: 405, json: { detail: 'Method Not Allowed' } });
  });

  it('gives a key the workspace role it names, or by default its creator’s', async () => {
    const roleId = sandbox.ids.roles.Annotator;
    await call('/api/v1/token', { method: 'POST', body: { name: 'annotating', expires: false, role_id: roleId } });
    expect(sandbox.keys().find((k) => k.name === 'annotating')!.roleId).toBe(roleId);
    await call('/api/v1/token', { method: 'POST', body: { name: 'defaulted', expires: false } });
    expect(sandbox.keys().find((k) => k.name === 'defaulted')!.roleId).toBe(sandbox.ids.roles.Editor);
    const unknown = await call('/api/v1/token', { method: 'POST', body: { expires: false, role_id: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown).toMatchObject({ status: 422, json: { detail: [{ loc: ['body', 'role_id'], type: 'value_error' }] } });
  });

  it('lists the organization’s workspace roles, paged, to admins', async () => {
    const res = await call(`/api/v1/organization/${sandbox.ids.organization}/roles?limit=100`);
    expect(res.json).toEqual({
      data: [
        { role_id: sandbox.ids.roles.Editor, name: 'Editor' },
        { role_id: sandbox.ids.roles['Search user'], name: 'Search user' },
        { role_id: sandbox.ids.roles.Annotator, name: 'Annotator' },
      ],
      has_more: false,
      total: 3,
    });
    expect((await call(`/api/v1/organization/${sandbox.ids.organization}/roles?limit=2`)).json).toMatchObject({ has_more: true, total: 3 });
    expect((await call(`/api/v1/organization/${sandbox.ids.organization}/roles`, { as: sandbox.credentials.member })).status).toBe(403);
  });

  it('validates the create body as FastAPI does', async () => {
    const res = await call('/api/v1/token', {
      method: 'POST',
      body: { name: 'n'.repeat(101), organization_role: 'OWNER', expires: true, workspaces: ['nowhere'], role_id: 'x' },
    });
    expect(res.status).toBe(422);
    expect((res.json.detail as Array<{ loc: unknown[] }>).map((d) => d.loc)).toEqual([
      ['body', 'name'],
      ['body', 'expires_at'],
      ['body', 'organization_role'],
      ['body', 'role_id'],
      ['body', 'workspaces', 0],
    ]);
    expect(res.json.detail[2].msg).toBe("Input should be 'ADMIN', 'MEMBER' or 'EXTERNAL'");
    const past = await call('/api/v1/token', { method: 'POST', body: { expires: true, expires_at: inDays(-1) } });
    expect(past.json.detail[0]).toMatchObject({ loc: ['body', 'expires_at'], msg: 'Value error, expires_at must be in the future' });
  });

  it('refuses every key change made with an API key, and any key access for non-admins', async () => {
    const apiKey = sandbox.credentials.apiKey;
    expect((await call('/api/v1/token', { as: apiKey })).status).toBe(200);
    const create = await call('/api/v1/token', { method: 'POST', as: apiKey, body: { expires: false } });
    expect(create).toMatchObject({ status: 403, json: { detail: "API keys can't be used to create, modify, or delete other API tokens." } });
    expect((await call(`/api/v1/token/${sandbox.ids.keys['ci-pipeline']}`, { method: 'DELETE', as: apiKey })).status).toBe(403);
    expect((await call('/api/v1/token', { as: sandbox.credentials.memberApiKey })).status).toBe(403);
    expect(await call('/api/v1/token', { method: 'POST', as: sandbox.credentials.member, body: { expires: false } })).toMatchObject({
      status: 403,
      json: { detail: 'Only organization admins can manage API keys.' },
    });
  });

  it('deletes a key: it is gone from the lists and stops authenticating', async () => {
    const secret = (await call('/api/v1/token', { method: 'POST', body: { name: 'short', expires: false } })).json.api_token as string;
    const id = sandbox.keys().find((k) => k.name === 'short')!.id;
    expect(await call(`/api/v1/token/${id}`, { method: 'DELETE' })).toMatchObject({ status: 200, json: null });
    expect(sandbox.key(id)).toBeUndefined();
    expect(sandbox.authenticates(secret)).toBe(false);
    expect((await call(`/api/v1/token/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses an expired key', async () => {
    const secret = sandbox.secretOf(sandbox.ids.keys['prod-old']!)!;
    expect(await call('/api/v1/workspaces', { as: secret })).toMatchObject({ status: 401, json: { detail: 'API key has expired.' } });
  });
});

describe('deepset sandbox: knobs for the uncertain parts', () => {
  it('can leave out /api/v1/me, or echo the new key id', async () => {
    const variant = await startDeepsetSandbox({ meRoutes: ['users/me'], createEchoesId: true });
    try {
      const as = variant.credentials.admin;
      expect(await call('/api/v1/me', { on: variant, as })).toMatchObject({ status: 404, json: { detail: 'Not Found' } });
      expect((await call('/api/v1/users/me', { on: variant, as })).status).toBe(200);
      const created = await call('/api/v1/token', { on: variant, as, method: 'POST', body: { expires: false } });
      expect(Object.keys(created.json).sort()).toEqual(['api_token', 'api_token_id']);
    } finally {
      await variant.close();
    }
  });

  it('can answer keys with only the documented fields, and name roles by id or not list them', async () => {
    const variant = await startDeepsetSandbox({ keyFields: 'documented', rolesRoute: 'id' });
    const absent = await startDeepsetSandbox({ rolesRoute: false });
    try {
      const as = variant.credentials.admin;
      const key = await call(`/api/v1/token/${variant.ids.keys['ci-pipeline']}`, { on: variant, as });
      expect(Object.keys(key.json)).toEqual(['all_workspaces', 'api_token_id', 'expires', 'expires_at', 'masked_token', 'name']);
      const roles = await call(`/api/v1/organization/${variant.ids.organization}/roles`, { on: variant, as });
      expect(roles.json.data[0]).toEqual({ id: variant.ids.roles.Editor, name: 'Editor' });
      expect((await call(`/api/v1/organization/${absent.ids.organization}/roles`, { on: absent, as: absent.credentials.admin })).status).toBe(404);
    } finally {
      await variant.close();
      await absent.close();
    }
  });

  it('plays injected faults with FastAPI bodies', async () => {
    sandbox.faults.add({ kind: 'status', status: 503, path: '/api/v1/token', times: 1 });
    expect(await call('/api/v1/token')).toMatchObject({ status: 503, json: { detail: 'Service Unavailable' } });
    expect((await call('/api/v1/token')).status).toBe(200);
  });
});
