// The deepset adapter against the sandbox backend: every operation, all pages, both credential
// kinds, each of deepset's refusals mapped to a clear error, and each unverified guess failing
// cleanly when the server does not match it.
import { describe, expect, it } from 'vitest';
import { deepset, normalizeDeepsetUrl } from '../../src-main/providers/deepset/index.ts';
import { READ_ONLY_NOTE } from '../../src-main/providers/deepset/credential.ts';
import { connect, DAY, failure, sandbox, scope, shown, useDeepsetSandbox, variant } from './deepset-adapter.ts';

useDeepsetSandbox();

describe('deepset adapter: connecting', () => {
  it('offers the EU and US regions, a token credential and its two kinds', () => {
    expect(deepset.info.baseUrl.presets.map((p) => p.id)).toEqual(['https://api.cloud.deepset.ai', 'https://api.us.deepset.ai']);
    expect(deepset.info.credential).toMatchObject({ type: 'token', labels: { token: 'Token' } });
    expect(deepset.info.credential.kinds!.map((k) => k.id)).toEqual(['user-token', 'api-key']);
    expect(deepset.info.credential.hint).toMatch(/API keys cannot create, modify or delete keys.*user access token/);
  });

  it('keeps only the server part of a pasted API base', () => {
    expect(normalizeDeepsetUrl('https://api.cloud.deepset.ai/api/v1/')).toBe('https://api.cloud.deepset.ai');
    expect(normalizeDeepsetUrl('https://api.us.deepset.ai/api')).toBe('https://api.us.deepset.ai');
    expect(normalizeDeepsetUrl('http://10.0.0.5:8080/deepset/api/v1/workspaces')).toBe('http://10.0.0.5:8080/deepset');
  });

  it('verifies a user access token: names the user and organization, and may manage keys', async () => {
    const provider = connect(sandbox.credentials.admin, { kind: 'user-token' });
    expect(await provider.verify()).toEqual({
      accountId: sandbox.ids.users.admin,
      accountName: 'Ada Lovelace',
      settings: { readOnly: false, credentialKind: 'user-token', target: sandbox.ids.organization, targetName: 'acme-search' },
    });
    expect(provider.capabilities.actions.create.mode).toBe('native');
    expect(provider.capabilities.actions.delete.mode).toBe('native');
  });

  it('makes an API key connection read-only, whether declared or recognised by its api_ prefix', async () => {
    for (const kind of ['api-key', 'user-token', undefined]) {
      const provider = connect(sandbox.credentials.apiKey, { kind });
      const identity = await provider.verify();
      expect(identity.settings).toMatchObject({ readOnly: true, credentialKind: 'api-key', targetName: 'acme-search' });
      for (const action of ['create', 'rotate', 'delete'] as const) {
        expect(provider.capabilities.actions[action]).toEqual({ mode: 'unavailable', note: READ_ONLY_NOTE });
      }
    }
    expect(deepset.capabilities({ readOnly: true }).actions.create).toEqual({ mode: 'unavailable', note: READ_ONLY_NOTE });
    expect(READ_ONLY_NOTE).toBe('This connection uses a deepset API key: it may list keys but not manage them. Reconnect with a user access token to manage keys.');
  });

  it('declares rename as a local label, rotation as composed, and no deactivation', () => {
    const { actions } = deepset.capabilities({ readOnly: false });
    expect(actions.rename.mode).toBe('composed');
    expect(actions.rotate.mode).toBe('composed');
    expect(actions.activate.mode).toBe('unavailable');
    expect(actions.deactivate).toEqual({ mode: 'unavailable', note: 'deepset keys cannot be deactivated or reactivated; delete a key to revoke it.' });
  });

  it('refuses an expired session, a member and a credential that cannot list keys, each clearly', async () => {
    const expired = await failure(connect(sandbox.credentials.expiredSession).verify());
    expect(expired.kind).toBe('auth');
    expect(expired.message).toMatch(/session expired — reconnect with a fresh user access token/);
    expect(expired.message).not.toContain(sandbox.credentials.expiredSession.slice(0, 20));
    const member = await failure(connect(sandbox.credentials.member).verify());
    expect(member.kind).toBe('forbidden');
    expect(member.message).toMatch(/Listing API keys needs the organization Admin role/);
    expect((await failure(connect(sandbox.credentials.memberApiKey).verify())).kind).toBe('forbidden');
  });

  it('falls back from /api/v1/me to /api/v1/users/me, and says so plainly when neither exists', async () => {
    const usersMe = await variant({ meRoutes: ['users/me'] });
    expect((await connect(usersMe.credentials.admin, { on: usersMe }).verify()).accountName).toBe('Ada Lovelace');
    expect(usersMe.requests.map((r) => `${r.path.split('?')[0]} ${r.status}`).slice(0, 2)).toEqual(['/api/v1/me 404', '/api/v1/users/me 200']);

    const none = await variant({ meRoutes: [], organizationRoute: false });
    const error = await failure(connect(none.credentials.admin, { on: none }).verify());
    expect(error.kind).toBe('unsupported');
    expect(error.message).toBe(
      'This deepset server does not support reading the signed-in user or organization (GET /api/v1/me, GET /api/v1/users/me, GET /api/v1/organization is not part of its API).',
    );
  });
});

describe('deepset adapter: the tree and the inventory', () => {
  it('lists the organization with its workspaces, addressed by name', async () => {
    const scopes = await connect(sandbox.credentials.admin).listScopes();
    expect(scopes.map((s) => [s.kind, s.id, s.name, s.parentId])).toEqual([
      ['organization', sandbox.ids.organization, 'acme-search', null],
      ['workspace', 'production', 'production', sandbox.ids.organization],
      ['workspace', 'staging', 'staging', sandbox.ids.organization],
      ['workspace', 'research', 'research', sandbox.ids.organization],
    ]);
  });

  it('lists organization keys at the organization and workspace keys under their workspace, masked', async () => {
    const provider = connect(sandbox.credentials.apiKey);
    const scopes = await provider.listScopes();
    const org = await provider.listKeys(scope(scopes, 'organization'));
    expect(org.map((k) => k.id).sort()).toEqual(sandbox.keys({ scope: 'organization' }).map((k) => k.id).sort());
    const notebook = org.find((k) => k.name === 'ada-notebook')!;
    expect(notebook).toMatchObject({ type: 'personal', category: 'personal', role: 'MEMBER', status: 'active', createdBy: 'Ada Lovelace', expiresAt: null });
    expect(notebook.maskedValue).toBe(shown(sandbox.secretOf(notebook.id)!));
    expect(sandbox.key(notebook.id)!.masked).toBe(`${sandbox.secretOf(notebook.id)!.slice(0, 4)}${'*'.repeat(16)}${sandbox.secretOf(notebook.id)!.slice(-4)}`);

    const production = await provider.listKeys(scope(scopes, 'production'));
    expect(production.map((k) => [k.name, k.type, k.status])).toEqual([
      ['prod-search', 'service', 'active'],
      ['prod-old', 'service', 'expired'],
    ]);
    expect(production[0]!.expiresAt).toBe(sandbox.key(sandbox.ids.keys['prod-search']!)!.expiresAt);

    const [unnamed] = await provider.listKeys(scope(scopes, 'staging'));
    // A nameless key goes by its id, as deepset shows it.
    expect(unnamed).toMatchObject({ id: sandbox.ids.keys.unnamed, name: sandbox.ids.keys.unnamed, role: 'EXTERNAL', type: 'personal' });
    expect(unnamed!.raw.name).toBeNull();
    // deepset reports no creation or last-use date; Keyfleet invents none.
    expect([...org, ...production].every((k) => k.createdAt === null && k.lastUsedAt === null)).toBe(true);
    const everything = JSON.stringify([org, production, unnamed]);
    for (const secret of sandbox.issuedSecrets()) expect(everything).not.toContain(secret);
  });

  it('reads every page, and each workspace list once per sync', async () => {
    const big = await variant({});
    big.seedKeys(230, { namePrefix: 'org' });
    big.seedKeys(120, { workspace: 'production', namePrefix: 'prod' });
    const provider = connect(big.credentials.admin, { on: big });
    const scopes = await provider.listScopes();
    const [org, prod] = await Promise.all([provider.listKeys(scope(scopes, 'organization')), provider.listKeys(scope(scopes, 'production'))]);
    expect(org).toHaveLength(big.keys({ scope: 'organization' }).length);
    expect(org.length).toBeGreaterThan(230);
    expect(prod).toHaveLength(122);
    const gets = (prefix: string) => big.requests.filter((r) => r.path.startsWith(prefix) && r.method === 'GET').map((r) => new URL(r.path, big.url).searchParams.get('page_number'));
    expect(gets('/api/v1/token?')).toEqual(['1', '2', '3', '4']);
    expect(gets('/api/v1/workspaces/production/token')).toEqual(['1', '2']);
  });

  it('stops listing when the sync is cancelled', async () => {
    const provider = connect(sandbox.credentials.admin);
    const org = scope(await provider.listScopes(), 'organization');
    sandbox.faults.add({ kind: 'hang', path: '/api/v1/token?', times: 1 });
    const seen = sandbox.requests.length;
    const abort = new AbortController();
    const listing = failure(provider.listKeys(org, { signal: abort.signal }));
    await expect.poll(() => sandbox.requests.slice(seen).some((r) => r.path.startsWith('/api/v1/token?'))).toBe(true);
    abort.abort();
    expect((await listing).kind).toBe('cancelled');
  });

  it('refuses an answer it cannot read as bad-response, and a paging that never ends', async () => {
    const provider = connect(sandbox.credentials.admin);
    const org = scope(await provider.listScopes(), 'organization');
    sandbox.faults.add({ kind: 'status', status: 200, path: '/api/v1/token?', body: { data: [{ name: 'no id' }], has_more: false }, times: 1 });
    const noId = await failure(provider.listKeys(org));
    expect(noId).toMatchObject({ kind: 'bad-response', message: 'deepset sent a key Keyfleet could not read (field api_token_id).' });
    sandbox.faults.add({ kind: 'status', status: 200, path: '/api/v1/token?', body: { data: [], has_more: true, total: 3 }, times: 1 });
    expect((await failure(provider.listKeys(org))).message).toMatch(/said more keys follow but sent an empty page/);
  });
});

describe('deepset adapter: creating keys', () => {
  it('creates an organization service key for all workspaces; the secret is returned once and authenticates', async () => {
    const provider = connect(sandbox.credentials.admin);
    const org = scope(await provider.listScopes(), 'organization');
    const { key, secret } = await provider.createKey({ scopeId: org.id, type: 'service', name: 'etl-all', role: 'MEMBER' }, org);
    const value = secret.fields[0]!;
    expect(value).toMatchObject({ label: 'API key', secret: true });
    expect(sandbox.authenticates(value.value)).toBe(true);
    expect(sandbox.key(key.id)).toMatchObject({ name: 'etl-all', personal: false, scope: 'organization', workspaces: null, expiresAt: null, organizationRole: 'MEMBER' });
    expect(key).toMatchObject({ name: 'etl-all', type: 'service', scopeId: org.id, status: 'active', maskedValue: shown(value.value) });
    expect(JSON.stringify(key)).not.toContain(value.value);
  });

  it('creates a personal organization key limited to chosen workspaces; its twin keeps the limit', async () => {
    const provider = connect(sandbox.credentials.admin);
    const scopes = await provider.listScopes();
    const org = scope(scopes, 'organization');
    const chosen = [scope(scopes, 'staging'), scope(scopes, 'research')];
    const { key } = await provider.createKey({ scopeId: org.id, type: 'personal', name: 'notebook-2', role: 'EXTERNAL', scopes: chosen }, org);
    expect(sandbox.key(key.id)).toMatchObject({ personal: true, ownerId: sandbox.ids.users.admin, workspaces: ['staging', 'research'], organizationRole: 'EXTERNAL' });
    expect((await provider.twinPlan!(key, scopes)).scopes!.map((s) => s.id)).toEqual(['staging', 'research']);
    await expect(provider.twinPlan!({ ...key, raw: { ...key.raw, workspaces: [{ name: 'gone' }] } }, scopes)).rejects.toThrow(/limited to workspaces that no longer exist/);
  });

  it.each([['role_id', 'role_id'], ['id', 'id'], ['no roles list', false]] as const)('reads the workspace roles named by %s', async (_, rolesRoute) => {
    const box = await variant({ rolesRoute });
    const provider = connect(box.credentials.admin, { on: box });
    const org = scope(await provider.listScopes(), 'organization');
    const ci = (await provider.listKeys(org)).find((k) => k.name === 'ci-pipeline')!;
    expect(deepset.describeKey!(ci)[0]).toEqual({ label: 'Workspace role', value: rolesRoute ? 'Editor' : `role ${box.ids.roles.Editor}` });
  });

  it('reads the new key by id where the create answer names it', async () => {
    const echo = await variant({ createEchoesId: true });
    const provider = connect(echo.credentials.admin, { on: echo });
    const org = scope(await provider.listScopes(), 'organization');
    const { key } = await provider.createKey({ scopeId: org.id, type: 'service', name: 'by-id' }, org);
    expect(echo.requests.some((r) => r.method === 'GET' && r.path === `/api/v1/token/${key.id}`)).toBe(true);
    expect(key.maskedValue).toBe(shown(echo.secretOf(key.id)!));
  });

  it('maps FastAPI 422 detail lists to the form’s fields', async () => {
    const provider = connect(sandbox.credentials.admin);
    const org = scope(await provider.listScopes(), 'organization');
    const error = await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'n'.repeat(101), role: 'OWNER', expiresAt: Date.now() - DAY }, org));
    expect(error.kind).toBe('invalid');
    expect(error.fields).toEqual({
      name: 'String should have at most 100 characters.',
      expiresAt: 'Expires_at must be in the future.',
      role: "Input should be 'ADMIN', 'MEMBER' or 'EXTERNAL'.",
    });
    expect(error.message).toBe(
      "deepset rejected the request. Name: String should have at most 100 characters. Expiry date: Expires_at must be in the future. Organization role: Input should be 'ADMIN', 'MEMBER' or 'EXTERNAL'.",
    );
    const unknown = await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'x', scopes: [{ id: 'gone', kind: 'workspace', name: 'gone', parentId: org.id, raw: {} }] }, org));
    expect(unknown.fields).toEqual({ scopeIds: "Workspace 'gone' does not exist." });
  });

  it('says which workspace is gone when a key is asked for in one deepset no longer has', async () => {
    const provider = connect(sandbox.credentials.admin);
    const staging = scope(await provider.listScopes(), 'staging');
    const gone = { ...staging, id: 'archived', name: 'archived' };
    const missing = await failure(provider.createKey({ scopeId: 'archived', type: 'service', name: 'x' }, gone));
    expect(missing).toMatchObject({ kind: 'invalid', fields: { scopeIds: "Workspace 'archived' does not exist." } });
  });
});

describe('deepset adapter: deleting, and who may manage keys', () => {
  it('deletes a key; deleting it again is harmless', async () => {
    const provider = connect(sandbox.credentials.admin);
    const org = scope(await provider.listScopes(), 'organization');
    const { key } = await provider.createKey({ scopeId: org.id, type: 'service', name: 'short-lived' }, org);
    await provider.deleteKey!(key);
    expect(sandbox.key(key.id)).toBeUndefined();
    await provider.deleteKey!(key);
  });

  it('says plainly when this server does not delete workspace keys by their id', async () => {
    const other = await variant({ workspaceDeleteViaToken: false });
    const provider = connect(other.credentials.admin, { on: other });
    const scopes = await provider.listScopes();
    const [search] = await provider.listKeys(scope(scopes, 'production'));
    const error = await failure(provider.deleteKey!(search!));
    expect(error.kind).toBe('unsupported');
    expect(error.message).toBe(
      `This deepset server does not support deleting keys scoped to a workspace (DELETE /api/v1/token/${search!.id} is not part of its API). Delete the key in deepset’s web app, then sync.`,
    );
    expect(other.key(search!.id)).toBeDefined();
    // An organization key answered 404 is simply gone already.
    const { key } = await provider.createKey({ scopeId: other.ids.organization, type: 'service', name: 'tmp' }, scope(scopes, 'organization'));
    await provider.deleteKey!(key);
    await provider.deleteKey!(key);
  });

  it('a read-only connection refuses to create or delete without calling deepset', async () => {
    const provider = connect(sandbox.credentials.apiKey, { kind: 'api-key' });
    const org = scope(await provider.listScopes(), 'organization');
    const before = sandbox.requests.length;
    expect(await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'x' }, org))).toMatchObject({ kind: 'forbidden', message: READ_ONLY_NOTE });
    const [victim] = await provider.listKeys(org);
    expect((await failure(provider.deleteKey!(victim!))).message).toBe(READ_ONLY_NOTE);
    expect(sandbox.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('an API key that reaches a managing call reads "may list keys but not manage them"', async () => {
    // A connection stored as able to manage (say, before its key's shape was recognised).
    const provider = connect(sandbox.credentials.apiKey, { settings: { readOnly: false } });
    const org = scope(await provider.listScopes(), 'organization');
    const create = await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'x' }, org));
    expect(create.kind).toBe('forbidden');
    expect(create.message).toBe(
      'deepset refused to create keys (HTTP 403): this credential may list keys but not manage them. deepset API keys cannot create, modify or delete keys; reconnect with a user access token.',
    );
    const [victim] = await provider.listKeys(org);
    expect((await failure(provider.deleteKey!(victim!))).message).toMatch(/^deepset refused to delete keys \(HTTP 403\): this credential may list keys but not manage them/);
    expect(sandbox.key(victim!.id)).toBeDefined();
  });

  it('a 401 on a managing call: "session expired" when the session is over, "may not manage" while it still reads', async () => {
    const session = sandbox.mintSession(sandbox.ids.users.admin, 60 * 60 * 1000);
    const provider = connect(session, { settings: { readOnly: false } });
    const org = scope(await provider.listScopes(), 'organization');
    sandbox.faults.add({ kind: 'status', status: 401, method: 'POST', times: 1 });
    const stillReads = await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'x' }, org));
    expect(stillReads.kind).toBe('forbidden');
    expect(stillReads.message).toMatch(/\(HTTP 401\): this credential may list keys but not manage them/);

    const over = connect(sandbox.credentials.expiredSession, { settings: { readOnly: false } });
    const expired = await failure(over.createKey({ scopeId: org.id, type: 'service', name: 'x' }, org));
    expect(expired).toMatchObject({ kind: 'auth', message: 'deepset refused to create keys (HTTP 401): session expired — reconnect with a fresh user access token.' });
  });

  it('a member’s session may not manage keys, and says so', async () => {
    const provider = connect(sandbox.credentials.member, { settings: { readOnly: false } });
    const org = { id: sandbox.ids.organization, kind: 'organization', name: 'acme-search', parentId: null, raw: {} };
    const error = await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'x' }, org));
    expect(error.message).toBe(
      'deepset refused to create keys (HTTP 403): this credential may list keys but not manage them. Managing API keys needs the user access token of an organization Admin.',
    );
  });

  it('a create answer without the secret is a bad response, never a crash', async () => {
    const provider = connect(sandbox.credentials.admin);
    const org = scope(await provider.listScopes(), 'organization');
    sandbox.faults.add({ kind: 'status', status: 200, method: 'POST', body: { created: true }, times: 1 });
    expect(await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'x' }, org))).toMatchObject({ kind: 'bad-response' });
  });
});
