// The sandbox must answer like Onyx (langwatch-and-onyx.md Part 2) in both variants, or every test
// built on it proves nothing. These tests speak raw HTTP to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnyxSandbox, type OnyxSandbox, type Variant } from './server.ts';

const NOT_AUTH = { detail: 'Access denied. User is not authenticated.' };

describe.each<Variant>(['roles', 'groups'])('Onyx sandbox (%s variant)', (variant) => {
  let sandbox: OnyxSandbox;
  beforeAll(async () => {
    sandbox = await startOnyxSandbox({ variant });
  });
  afterAll(() => sandbox.close());

  async function call(path: string, init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}) {
    const token = init.token === undefined ? sandbox.credentials.adminKey : init.token;
    const res = await fetch(`${sandbox.url}/api${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  type Row = Record<string, unknown>;
  const rows = (json: unknown) => json as Row[];
  const names = (json: unknown) => rows(json).map((r) => r.name);

  const accessBody = (level: 'admin' | 'basic' | 'limited') =>
    variant === 'roles' ? { role: level } : { group_ids: level === 'admin' ? [sandbox.ids.groups.Admin] : level === 'basic' ? [sandbox.ids.groups.Basic] : [] };

  describe('authentication', () => {
    it('answers a bad, missing or wrongly prefixed credential with 403 “not authenticated”, not 401', async () => {
      for (const token of ['on_nope', null, 'sk-whatever', `${sandbox.credentials.adminKey}x`]) {
        const res = await call('/admin/api-key', { token });
        expect(res).toEqual({ status: 403, json: NOT_AUTH });
      }
    });

    it('accepts an API key with or without "Bearer ", a PAT only with it, and X-Onyx-Authorization first', async () => {
      const bare = await call('/me', { token: null, headers: { authorization: sandbox.credentials.adminKey } });
      expect(bare.status).toBe(200);
      expect((await call('/me', { token: null, headers: { authorization: sandbox.credentials.adminPat } })).status).toBe(403);
      expect((await call('/me', { token: sandbox.credentials.adminPat })).json.email).toBe('ada@example.com');
      const both = await call('/me', { token: 'on_wrong', headers: { 'x-onyx-authorization': `Bearer ${sandbox.credentials.userPat}` } });
      expect(both.json.email).toBe('bo@example.com');
    });

    it('names a service account with its synthetic email, and shows the variant in /me', async () => {
      const me = await call('/me');
      // Lowercased, as User.validate_email stores every email.
      expect(me.json.email).toMatch(/^api_key__keyfleet-admin@[0-9a-f-]{36}onyxapikey\.ai$/);
      if (variant === 'roles') expect(me.json.role).toBe('admin');
      else expect(me.json).toMatchObject({ account_type: 'SERVICE_ACCOUNT' });
      expect('role' in me.json).toBe(variant === 'roles');
    });

    it(variant === 'groups' ? 'lists a user’s effective permissions in Onyx’s own words on main' : 'has no effective permissions on ≤ v4.6, only a role', async () => {
      const admin = (await call('/me', { token: sandbox.credentials.adminPat })).json;
      const bo = (await call('/me', { token: sandbox.credentials.userPat })).json;
      const cy = (await call('/me', { token: sandbox.credentials.basicOnlyPat })).json;
      if (variant === 'roles') {
        expect([admin.role, bo.role, cy.role, 'effective_permissions' in admin]).toEqual(['admin', 'basic', 'basic', false]);
        return;
      }
      expect(admin.effective_permissions).toEqual(expect.arrayContaining(['admin', 'basic', 'create:user_api_keys', 'manage:service_account_api_keys']));
      expect(bo.effective_permissions).toEqual(['basic', 'create:user_api_keys', 'generate:image', 'read:chat', 'read:search', 'use:llm_gateway', 'write:chat']);
      expect(cy.effective_permissions).toEqual(['basic', 'generate:image', 'read:chat', 'read:search', 'use:llm_gateway', 'write:chat']);
    });

    it('refuses limited and basic keys, a non-admin PAT and a scoped PAT on admin routes, each in its own words', async () => {
      expect(await call('/admin/api-key', { token: sandbox.credentials.limitedKey })).toEqual({ status: 403, json: { detail: 'Access denied. User has limited permissions.' } });
      const insufficient = { status: 403, json: { error_code: 'INSUFFICIENT_PERMISSIONS', detail: 'You do not have the required permissions for this action.' } };
      expect(await call('/admin/api-key', { token: sandbox.credentials.basicKey })).toEqual(insufficient);
      expect(await call('/admin/api-key', { token: sandbox.credentials.userPat })).toEqual(insufficient);
      expect(await call('/admin/api-key', { token: sandbox.credentials.scopedPat })).toEqual(insufficient);
      expect((await call('/admin/api-key', { token: sandbox.credentials.adminPat })).status).toBe(200);
    });
  });

  describe('service-account keys', () => {
    it('lists every key with api_key null and the masked display, in the variant’s dialect', async () => {
      const res = await call('/admin/api-key');
      expect(res.status).toBe(200);
      const first = res.json[0];
      expect(Object.keys(first)).toEqual(['api_key_id', 'api_key_display', 'api_key', 'api_key_name', variant === 'roles' ? 'api_key_role' : 'groups', 'user_id']);
      expect(first).toMatchObject({ api_key_id: sandbox.ids.keys['keyfleet-admin'], api_key: null, api_key_name: 'keyfleet-admin' });
      expect(first.api_key_display).toMatch(/^on_[A-Za-z0-9_-]{4}\*{8}[A-Za-z0-9_-]{4}$/);
      expect(first.api_key_display).toBe(`on_${sandbox.credentials.adminKey.slice(3, 7)}********${sandbox.credentials.adminKey.slice(-4)}`);
      if (variant === 'roles') expect(first.api_key_role).toBe('admin');
      else expect(first.groups).toEqual([{ id: 1, name: 'Admin' }]);
      expect(rows(res.json).find((k) => k.api_key_id === sandbox.ids.keys['(unnamed)'])!.api_key_name).toBeNull();
    });

    it('creates a key with 200 and the 259-character secret once, which authenticates', async () => {
      const res = await call('/admin/api-key', { method: 'POST', body: { name: 'ci', ...accessBody('limited') } });
      expect(res.status).toBe(200);
      expect(res.json.api_key).toMatch(/^on_[A-Za-z0-9_-]{256}$/);
      expect(sandbox.authenticates(res.json.api_key)).toBe(true);
      expect(sandbox.apiKey(res.json.api_key_id)).toMatchObject({ name: 'ci', groupIds: [] });
      if (variant === 'roles') expect(res.json.api_key_role).toBe('limited');
      else expect(res.json.groups).toEqual([]);
      const listed = rows((await call('/admin/api-key')).json).find((k) => k.api_key_id === res.json.api_key_id)!;
      expect(listed.api_key).toBeNull();
    });

    it('answers 500 for a name over 261 characters: its user’s email would not fit its column', async () => {
      const longest = await call('/admin/api-key', { method: 'POST', body: { name: 'n'.repeat(261), ...accessBody('basic') } });
      expect(longest.status).toBe(200);
      expect((await call('/admin/api-key', { method: 'POST', body: { name: 'n'.repeat(262), ...accessBody('basic') } })).status).toBe(500);
      const rename = await call(`/admin/api-key/${longest.json.api_key_id}`, { method: 'PATCH', body: { name: 'm'.repeat(262), ...accessBody('basic') } });
      expect(rename).toEqual({ status: 500, json: { detail: 'Internal Server Error' } });
      expect(sandbox.apiKey(longest.json.api_key_id)!.name).toBe('n'.repeat(261));
    });

    it('resets omitted fields on PATCH: a rename alone downgrades to basic (roles) or drops every group (groups)', async () => {
      const created = (await call('/admin/api-key', { method: 'POST', body: { name: 'victim', ...accessBody('admin') } })).json;
      const renamed = await call(`/admin/api-key/${created.api_key_id}`, { method: 'PATCH', body: { name: 'victim-2' } });
      expect(renamed.status).toBe(200);
      expect(renamed.json.api_key).toBeNull();
      if (variant === 'roles') expect(sandbox.apiKey(created.api_key_id)).toMatchObject({ name: 'victim-2', role: 'basic', groups: ['Basic'] });
      else expect(sandbox.apiKey(created.api_key_id)).toMatchObject({ name: 'victim-2', groupIds: [] });
      const cleared = await call(`/admin/api-key/${created.api_key_id}`, { method: 'PATCH', body: accessBody('admin') });
      expect(cleared.json.api_key_name).toBeNull();
      expect((await call(`/admin/api-key/${created.api_key_id}`, { method: 'PATCH' })).status).toBe(422);
    });

    it('regenerates in place: same id and user, new secret, the old one dead at once', async () => {
      const created = (await call('/admin/api-key', { method: 'POST', body: { name: 'regen', ...accessBody('basic') } })).json;
      const res = await call(`/admin/api-key/${created.api_key_id}/regenerate`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ api_key_id: created.api_key_id, user_id: created.user_id, api_key_name: 'regen' });
      expect(res.json.api_key).not.toBe(created.api_key);
      expect(res.json.api_key_display).not.toBe(created.api_key_display);
      expect((await call('/me', { token: created.api_key })).json).toEqual(NOT_AUTH);
      expect((await call('/me', { token: res.json.api_key })).status).toBe(200);
    });

    it('deletes with a JSON null, then answers 400 “does not exist” (not 404) for that id', async () => {
      const created = (await call('/admin/api-key', { method: 'POST', body: { name: 'doomed' } })).json;
      const res = await call(`/admin/api-key/${created.api_key_id}`, { method: 'DELETE' });
      expect(res).toEqual({ status: 200, json: null });
      expect(sandbox.authenticates(created.api_key)).toBe(false);
      const again = await call(`/admin/api-key/${created.api_key_id}`, { method: 'DELETE' });
      expect(again).toEqual({ status: 400, json: { message: `API key with id ${created.api_key_id} does not exist` } });
      expect((await call('/admin/api-key/999999', { method: 'PATCH', body: { name: 'x' } })).json).toEqual({ message: 'API key with id 999999 does not exist' });
      expect((await call('/admin/api-key/999999/regenerate', { method: 'POST' })).status).toBe(400);
    });

    it('answers malformed input with 422 and FastAPI’s flattened message', async () => {
      const res = await call('/admin/api-key/abc', { method: 'DELETE' });
      expect(res.status).toBe(422);
      expect(res.json).toEqual({
        status_code: 422,
        message: "1 validation error: {'type': 'int_parsing', 'loc': ('path', 'api_key_id'), 'msg': 'Input should be a valid integer, unable to parse string as an integer', 'input': 'abc'}",
        data: null,
      });
      const bad = await call('/admin/api-key', { method: 'POST', body: variant === 'roles' ? { role: 'owner' } : { group_ids: 'Admin' } });
      expect(bad.status).toBe(422);
      expect(bad.json.message).toContain(variant === 'roles' ? "'loc': ('body', 'role')" : "'loc': ('body', 'group_ids')");
    });

    it(variant === 'groups' ? 'refuses unknown group ids with 400 and lists groups with the defaults on request' : 'lists groups, the defaults only on request', async () => {
      if (variant === 'groups') {
        const res = await call('/admin/api-key', { method: 'POST', body: { name: 'x', group_ids: [4242, 1] } });
        expect(res).toEqual({ status: 400, json: { message: 'Group IDs do not exist: [4242]' } });
      }
      const all = await call('/manage/admin/user-group?include_default=true');
      expect(rows(all.json).map((g) => [g.id, g.name, g.is_default])).toEqual([[1, 'Admin', true], [2, 'Basic', true], [3, 'Engineering', false], [4, 'Support', false]]);
      expect(names((await call('/manage/admin/user-group')).json)).toEqual(['Engineering', 'Support']);
    });
  });

  describe('personal access tokens', () => {
    it('lists only the caller’s live tokens, newest first, with the masked display', async () => {
      const res = await call('/user/pats', { token: sandbox.credentials.adminPat });
      expect(names(res.json)).toEqual(['search-only', 'laptop-cli', 'keyfleet-sandbox']);
      const own = rows(res.json).find((p) => p.name === 'keyfleet-sandbox')!;
      expect(Object.keys(own)).toEqual(['id', 'name', 'token_display', 'created_at', 'expires_at', 'last_used_at', 'scopes']);
      expect(own.token_display).toBe(`${sandbox.credentials.adminPat.slice(0, 12)}****${sandbox.credentials.adminPat.slice(-4)}`);
      expect(own.expires_at).toBeNull();
      expect(rows(res.json).find((p) => p.name === 'search-only')!.scopes).toEqual(['read:search']);
      expect(names((await call('/user/pats', { token: sandbox.credentials.userPat })).json)).toEqual(['bo-notebook']);
    });

    it('reports last use as Onyx does: null until used, then at most once every 5 minutes', async () => {
      const created = await call('/user/pats', { method: 'POST', token: sandbox.credentials.adminPat, body: { name: 'used-later' } });
      const lastUse = async () => rows((await call('/user/pats', { token: sandbox.credentials.adminPat })).json).find((p) => p.name === 'used-later')!.last_used_at as string;
      expect(await lastUse()).toBeNull();
      await call('/me', { token: created.json.token });
      const first = await lastUse();
      expect(first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      sandbox.advance(4 * 60_000);
      await call('/me', { token: created.json.token });
      expect(await lastUse()).toBe(first);
      sandbox.advance(2 * 60_000);
      await call('/me', { token: created.json.token });
      expect(Date.parse(await lastUse())).toBeGreaterThan(Date.parse(first));
    });

    it('creates a token expiring at 23:59:59.999999 UTC after the given days, shown once', async () => {
      const res = await call('/user/pats', { method: 'POST', token: sandbox.credentials.adminPat, body: { name: 'week', expiration_days: 7 } });
      expect(res.status).toBe(200);
      expect(res.json.token).toMatch(/^onyx_pat_[A-Za-z0-9_-]{256}$/);
      expect(res.json.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      // Seven days after the day of creation by the backend's own clock (earlier cases moved it on).
      const day = new Date(Date.parse(res.json.created_at));
      day.setUTCDate(day.getUTCDate() + 7);
      expect(res.json.expires_at).toBe(`${day.toISOString().slice(0, 10)}T23:59:59.999999Z`);
      const listed = (await call('/user/pats', { token: sandbox.credentials.adminPat })).json;
      expect(listed[0]).toMatchObject({ id: res.json.id, name: 'week' });
      expect('token' in listed[0]).toBe(false);
    });

    it('validates the name, the expiry and the scopes', async () => {
      const as = { method: 'POST', token: sandbox.credentials.adminPat };
      const empty = await call('/user/pats', { ...as, body: { name: '' } });
      expect(empty.status).toBe(422);
      expect(empty.json.message).toContain("'loc': ('body', 'name'), 'msg': 'String should have at least 1 character'");
      expect((await call('/user/pats', { ...as, body: { name: 'x', expiration_days: 0 } })).json.message).toContain("'msg': 'Input should be greater than or equal to 1'");
      expect(await call('/user/pats', { ...as, body: { name: 'x', scopes: [] } })).toEqual({
        status: 400,
        json: { error_code: 'INVALID_INPUT', detail: 'A scoped token must include at least one scope.' },
      });
    });

    it('offers the four assignable scopes, and keeps a token’s scopes', async () => {
      const scopes = await call('/user/pats/scopes', { token: sandbox.credentials.adminPat });
      expect(rows(scopes.json).map((o) => [o.scope, o.group_label, o.label, o.min_tier, o.implies])).toEqual([
        ['read:search', 'Search', 'Read', 'community', []],
        ['read:chat', 'Chat', 'Read', 'community', []],
        ['write:chat', 'Chat', 'Write', 'community', ['read:chat']],
        ['use:llm_gateway', 'LLM Gateway', 'Use', 'enterprise', []],
      ]);
      const made = await call('/user/pats', { method: 'POST', token: sandbox.credentials.adminPat, body: { name: 'chat-bot', scopes: ['read:chat', 'write:chat'] } });
      expect(made.json.scopes).toEqual(['read:chat', 'write:chat']);
      expect(await call('/user/pats', { method: 'POST', token: sandbox.credentials.adminPat, body: { name: 'x', scopes: ['admin'] } })).toEqual({
        status: 400,
        json: { error_code: 'INVALID_INPUT', detail: 'Unsupported token scope(s): admin' },
      });
    });

    it(variant === 'groups' ? 'lets only users whose groups grant create:user_api_keys create tokens' : 'lets every basic user create tokens', async () => {
      const cy = await call('/user/pats', { method: 'POST', token: sandbox.credentials.basicOnlyPat, body: { name: 'cy-2' } });
      if (variant === 'groups') expect(cy).toEqual({ status: 403, json: { error_code: 'INSUFFICIENT_PERMISSIONS', detail: 'You do not have the required permissions for this action.' } });
      else expect(cy.status).toBe(200);
      expect((await call('/user/pats', { token: sandbox.credentials.basicOnlyPat })).status).toBe(200);
      expect((await call('/user/pats', { method: 'POST', token: sandbox.credentials.userPat, body: { name: 'bo-2' } })).status).toBe(200);
    });

    it('revokes a token at once; revoking it again, or someone else’s, answers 404', async () => {
      const created = (await call('/user/pats', { method: 'POST', token: sandbox.credentials.userPat, body: { name: 'short' } })).json;
      expect(sandbox.authenticates(created.token)).toBe(true);
      const res = await call(`/user/pats/${created.id}`, { method: 'DELETE', token: sandbox.credentials.userPat });
      expect(res).toEqual({ status: 200, json: { message: 'Token deleted successfully' } });
      expect((await call('/me', { token: created.token })).json).toEqual(NOT_AUTH);
      const notFound = { status: 404, json: { error_code: 'NOT_FOUND', detail: 'Token not found or not owned by user' } };
      expect(await call(`/user/pats/${created.id}`, { method: 'DELETE', token: sandbox.credentials.userPat })).toEqual(notFound);
      expect(await call(`/user/pats/${sandbox.ids.pats['laptop-cli']}`, { method: 'DELETE', token: sandbox.credentials.userPat })).toEqual(notFound);
    });

    it('stops an expired token (seeded, or once the clock passes its day) and drops it from the list', async () => {
      expect((await call('/me', { token: sandbox.credentials.expiredPat })).json).toEqual(NOT_AUTH);
      const created = (await call('/user/pats', { method: 'POST', token: sandbox.credentials.userPat, body: { name: 'one-day', expiration_days: 1 } })).json;
      sandbox.advance(3 * 24 * 60 * 60 * 1000);
      expect(sandbox.authenticates(created.token)).toBe(false);
      expect(names((await call('/user/pats', { token: sandbox.credentials.userPat })).json)).not.toContain('one-day');
    });
  });

  it('behind a proxy that takes Authorization for itself, authenticates only by X-Onyx-Authorization', async () => {
    const proxied = await startOnyxSandbox({ variant, proxyTakesAuthorization: true });
    try {
      const me = (headers: Record<string, string>) => fetch(`${proxied.url}/api/me`, { headers }).then((r) => r.status);
      expect(await me({ authorization: `Bearer ${proxied.credentials.adminKey}` })).toBe(403);
      expect(await me({ authorization: 'Basic cHJveHk6cGFzcw==', 'x-onyx-authorization': `Bearer ${proxied.credentials.adminKey}` })).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('answers unknown paths with 404 and wrong methods with 405, both before auth', async () => {
    expect(await call('/admin/nothing', { token: null })).toEqual({ status: 404, json: { detail: 'Not Found' } });
    expect((await call('/admin/api-key', { method: 'PUT', token: null })).status).toBe(405);
  });
});
