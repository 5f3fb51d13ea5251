// The Onyx adapter against the sandbox in both variants (roles: ≤ v4.6, groups: main): the
// service-account key operations, the PATCH full-replace trap, regenerate killing the old secret, and
// each of Onyx's odd statuses mapped to a clear ProviderError (tokens: onyx-tokens.test.ts).
import { describe, expect, it } from 'vitest';
import { createProvider } from '../../src-main/providers/index.ts';
import { expirationDays, normalizeOnyxUrl } from '../../src-main/providers/onyx/index.ts';
import { startOnyxSandbox, type OnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { failure, onyxLab } from './onyx-adapter.ts';

describe('Onyx URLs and expiry days', () => {
  it('keeps the site of a pasted URL, with or without /api or an admin page', () => {
    expect(normalizeOnyxUrl('https://cloud.onyx.app')).toBe('https://cloud.onyx.app');
    expect(normalizeOnyxUrl('https://cloud.onyx.app/api/')).toBe('https://cloud.onyx.app');
    expect(normalizeOnyxUrl('https://example.com/onyx/api/admin/api-key?x=1')).toBe('https://example.com/onyx');
    expect(normalizeOnyxUrl('https://onyx.example.com/admin/api-key')).toBe('https://onyx.example.com');
  });

  it('turns a chosen time into the nearest whole number of Onyx days (ending 23:59:59 UTC), at least one', () => {
    const now = Date.UTC(2026, 7, 22, 10, 0, 0);
    expect(expirationDays(Date.UTC(2026, 7, 29, 23, 59, 59), now)).toBe(7);
    expect(expirationDays(Date.UTC(2026, 7, 29, 21, 59, 59), now)).toBe(7); // end of the day in UTC+2
    expect(expirationDays(Date.UTC(2026, 7, 30, 4, 59, 59), now)).toBe(7); // end of the day in UTC−5
    expect(expirationDays(now + 60_000, now)).toBe(1);
  });
});

describe.each<Variant>(['roles', 'groups'])('Onyx adapter (%s variant)', (variant) => {
  let sandbox: OnyxSandbox;
  const { connect, scope, createApiKey, accessIn, numeric } = onyxLab(variant, (started) => (sandbox = started));

  describe('connecting', () => {
    it('verifies an admin key, names its service account and detects the variant from the key list', async () => {
      const identity = await connect().verify();
      expect(identity.accountName).toBe('Service account “keyfleet-admin”');
      expect(identity.settings).toEqual({ variant, credential: 'api-key', serviceAccounts: true });
      expect(sandbox.requests.some((r) => r.path === '/api/admin/api-key' && r.method === 'GET')).toBe(true);
    });

    it('accepts a pasted URL without /api, and an admin’s PAT with both scopes', async () => {
      const provider = connect(sandbox.credentials.adminPat, sandbox.url);
      const identity = await provider.verify();
      expect(identity).toEqual({ accountId: sandbox.ids.users.admin, accountName: 'ada@example.com', settings: { variant, credential: 'pat', serviceAccounts: true, admin: true, tokens: true } });
      expect((await provider.listScopes()).map((s) => [s.kind, s.name])).toEqual([
        ['tenant', 'Service accounts'],
        ['user', 'My personal access tokens'],
      ]);
    });

    it('lets a non-admin’s PAT manage only its own tokens', async () => {
      const provider = connect(sandbox.credentials.userPat);
      expect((await provider.verify()).settings).toEqual({ variant, credential: 'pat', serviceAccounts: false, admin: false, tokens: true });
      expect((await provider.listScopes()).map((s) => s.kind)).toEqual(['user']);
      expect(provider.capabilities.createForm.types.map((t) => [t.id, t.scopeKinds])).toEqual([['pat', ['user']]]);
    });

    it('refuses a scoped PAT, which Onyx lets manage neither keys nor tokens', async () => {
      const error = await failure(connect(sandbox.credentials.scopedPat).verify());
      expect(error.kind).toBe('forbidden');
      expect(error.message).toMatch(/it is scoped.*Connect with an unscoped token or an admin API key/);
    });

    it('refuses a basic or limited API key clearly, and a bad credential as auth (Onyx says 403)', async () => {
      for (const token of [sandbox.credentials.basicKey, sandbox.credentials.limitedKey]) {
        const error = await failure(connect(token).verify());
        expect(error.kind).toBe('forbidden');
        expect(error.message).toMatch(/not an admin key.*Connect with an admin API key/);
      }
      const bad = await failure(connect(`${sandbox.credentials.adminKey.slice(0, -3)}xyz`).verify());
      expect(bad.kind).toBe('auth');
      expect(bad.message).toMatch(/Onyx did not accept the connection’s credential \(HTTP 403: the user is not authenticated\)/);
      expect(bad.message).not.toContain(sandbox.credentials.adminKey.slice(3, 20));
      expect((await failure(connect(sandbox.credentials.expiredPat).verify())).kind).toBe('auth');
    });
  });

  describe('service-account keys', () => {
    it('lists every key with its masked display and role or groups, never a secret', async () => {
      const provider = connect();
      const keys = await provider.listKeys(await scope(provider, 'tenant'));
      expect(keys.map((k) => k.id)).toEqual(sandbox.apiKeys().map((k) => `key-${k.id}`));
      const admin = keys.find((k) => k.name === 'keyfleet-admin')!;
      expect(admin).toMatchObject({ type: 'api-key', category: 'service', status: 'active', role: variant === 'roles' ? 'admin' : 'Admin', createdAt: null });
      expect(admin.maskedValue).toBe(sandbox.apiKey(sandbox.ids.keys['keyfleet-admin']!)!.display);
      expect(keys.find((k) => k.name === 'search-bot')!.role).toBe(variant === 'roles' ? 'basic' : 'Basic, Engineering');
      expect(keys.find((k) => k.name === 'kiosk')!.role).toBe(variant === 'roles' ? 'limited' : 'limited (no groups)');
      expect(keys.some((k) => 'api_key' in k.raw)).toBe(false);
    });

    it('offers the variant’s create form: roles, or the server’s groups with the defaults', async () => {
      const form = await connect().createForm!();
      const type = form.types.find((t) => t.id === 'api-key')!;
      if (variant === 'roles') {
        expect(type.role?.options.map((o) => o.id)).toEqual(['admin', 'basic', 'limited']);
        expect(type.groups).toBeUndefined();
      } else {
        expect(type.groups?.options.map((o) => [o.id, o.label])).toEqual([['1', 'Admin'], ['2', 'Basic'], ['3', 'Engineering'], ['4', 'Support']]);
        expect(type.role).toBeUndefined();
      }
      expect(form.types.map((t) => t.id)).toEqual(['api-key']);
    });

    it('creates a limited key whose one-time secret authenticates and is nowhere else', async () => {
      const provider = connect();
      const { key, secret } = await createApiKey(provider, 'ci-limited', 'limited');
      expect(secret.fields).toHaveLength(1);
      expect(secret.fields[0]).toMatchObject({ label: 'API key', secret: true });
      const value = secret.fields[0]!.value;
      expect(sandbox.authenticates(value)).toBe(true);
      expect(accessIn(numeric(key))).toEqual(variant === 'roles' ? 'limited' : []);
      expect(key.maskedValue).toBe(`on_${value.slice(3, 7)}********${value.slice(-4)}`);
      expect(JSON.stringify(key)).not.toContain(value);
      const body = sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/admin/api-key').at(-1)!.body;
      expect(body).toEqual(variant === 'roles' ? { name: 'ci-limited', role: 'limited' } : { name: 'ci-limited', group_ids: [] });
    });

    it('renames keeping the role or groups (Onyx would reset them), read fresh from Onyx', async () => {
      const provider = connect();
      const { key } = await createApiKey(provider, 'reporting', 'admin', ['3']);
      const before = accessIn(numeric(key));
      expect(before).toEqual(variant === 'roles' ? 'admin' : ['Admin', 'Engineering']);

      const renamed = await provider.renameKey!(key, { name: 'reporting-2', description: null });
      expect(renamed).toMatchObject({ id: key.id, name: 'reporting-2', role: key.role });
      expect(sandbox.apiKey(numeric(key))!.name).toBe('reporting-2');
      expect(accessIn(numeric(key))).toEqual(before);
      const patch = sandbox.requests.filter((r) => r.method === 'PATCH').at(-1)!;
      expect(patch.body).toEqual(variant === 'roles' ? { name: 'reporting-2', role: 'admin' } : { name: 'reporting-2', group_ids: [1, 3] });

      // Someone changed the key in Onyx after Keyfleet cached it: the rename keeps Onyx's state, not the cache's.
      sandbox.setAccess(numeric(key), variant === 'roles' ? { role: 'limited' } : { groupIds: [4] });
      await provider.renameKey!(key, { name: 'reporting-3', description: null });
      expect(accessIn(numeric(key))).toEqual(variant === 'roles' ? 'limited' : ['Support']);
      expect(sandbox.apiKey(numeric(key))!.name).toBe('reporting-3');
    });

    it('changes the role or groups keeping the name', async () => {
      const provider = connect();
      const { key } = await createApiKey(provider, 'promote-me', 'limited');
      const changed = await provider.changeAccess(key, variant === 'roles' ? { role: 'basic' } : { groupIds: ['2', '3'] });
      expect(changed.name).toBe('promote-me');
      expect(sandbox.apiKey(numeric(key))!.name).toBe('promote-me');
      expect(accessIn(numeric(key))).toEqual(variant === 'roles' ? 'basic' : ['Basic', 'Engineering']);
      const wrong = await failure(provider.changeAccess(key, variant === 'roles' ? { groupIds: ['1'] } : { role: 'admin' }));
      expect(wrong.kind).toBe('invalid');
      expect(accessIn(numeric(key))).toEqual(variant === 'roles' ? 'basic' : ['Basic', 'Engineering']);
    });

    it('regenerates in place: same id, a new secret shown once, the old secret dead at once', async () => {
      const provider = connect();
      const { key, secret } = await createApiKey(provider, 'regen-me', 'basic');
      const old = secret.fields[0]!.value;
      const rotated = await provider.rotateKey!(key);
      const fresh = rotated.secret.fields[0]!.value;
      expect(rotated.key.id).toBe(key.id);
      expect(rotated.secret.fields[0]!.label).toBe('API key');
      expect(rotated.secret.note).toMatch(/old secret stopped working/);
      expect(fresh).not.toBe(old);
      expect(sandbox.authenticates(old)).toBe(false);
      expect(sandbox.authenticates(fresh)).toBe(true);
      expect(rotated.key.maskedValue).toBe(`on_${fresh.slice(3, 7)}********${fresh.slice(-4)}`);
      expect(accessIn(numeric(key))).toEqual(variant === 'roles' ? 'basic' : ['Basic']);
    });

    it('deletes a key (and again harmlessly); a key deleted elsewhere is not found when renamed or regenerated', async () => {
      const provider = connect();
      const { key, secret } = await createApiKey(provider, 'short-lived', 'basic');
      await provider.deleteKey!(key);
      expect(sandbox.apiKey(numeric(key))).toBeUndefined();
      expect(sandbox.authenticates(secret.fields[0]!.value)).toBe(false);
      await provider.deleteKey!(key);

      const rename = await failure(provider.renameKey!(key, { name: 'x', description: null }));
      expect(rename.kind).toBe('not-found');
      expect(rename.message).toMatch(/no longer has the key “short-lived”/);
      const regen = await failure(provider.rotateKey!(key));
      expect(regen.kind).toBe('not-found');
      expect(regen.message).toBe(`Onyx no longer has this key (it answered “API key with id ${numeric(key)} does not exist”); it may have been deleted elsewhere. Sync to refresh.`);
    });

    it('refuses to delete or regenerate the key the connection signs in with', async () => {
      const provider = connect();
      const own = (await provider.listKeys(await scope(provider, 'tenant'))).find((k) => k.name === 'keyfleet-admin')!;
      for (const attempt of [provider.deleteKey!(own), provider.rotateKey!(own)]) {
        const error = await failure(attempt);
        expect(error.kind).toBe('conflict');
        expect(error.message).toMatch(/is the key this connection signs in with/);
      }
      expect(sandbox.authenticates(sandbox.credentials.adminKey)).toBe(true);
    });

    it(variant === 'groups' ? 'maps unknown groups to the groups field' : 'maps an invalid role to the role field', async () => {
      const provider = connect();
      const tenant = await scope(provider, 'tenant');
      const error = await failure(provider.createKey({ scopeId: tenant.id, type: 'api-key', name: 'x', ...(variant === 'groups' ? { groupIds: ['4242'] } : { role: 'owner' }) }, tenant));
      expect(error.kind).toBe('invalid');
      if (variant === 'groups') {
        expect(error.fields).toEqual({ groupIds: 'One of the chosen groups no longer exists in Onyx.' });
        expect(error.message).toBe('Onyx does not know some of the chosen groups (“Group IDs do not exist: [4242]”). Open the form again to see the current groups.');
      } else {
        expect(error.fields).toEqual({ role: "Input should be 'limited', 'basic', 'admin', 'curator', 'global_curator', 'slack_user' or 'ext_perm_user'." });
        expect(error.message).toMatch(/^Onyx rejected the role: input should be 'limited'/);
      }
    });
  });
});

describe('Onyx adapter: variant detection without keys', () => {
  it.each<Variant>(['roles', 'groups'])('asks /me when the %s server has no service-account key to tell by', async (variant) => {
    const sandbox = await startOnyxSandbox({ variant });
    for (const key of sandbox.apiKeys()) {
      await fetch(`${sandbox.url}/api/admin/api-key/${key.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${sandbox.credentials.adminPat}` } });
    }
    const provider = createProvider('onyx', { baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.adminPat }, http: { retries: 0 } });
    try {
      expect((await provider.verify()).settings?.variant).toBe(variant);
    } finally {
      await provider.close();
      await sandbox.close();
    }
  });

  it('falls back to the groups keys already use when the server has no group list (Community edition)', async () => {
    const sandbox = await startOnyxSandbox({ variant: 'groups' });
    const provider = createProvider('onyx', { baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.adminKey }, http: { retries: 0 } });
    try {
      sandbox.faults.add({ kind: 'status', status: 404, path: '/user-group', body: { detail: 'Not Found' } });
      const form = await provider.createForm!();
      expect(form.types[0]!.groups?.options.map((o) => o.label)).toEqual(['Admin', 'Basic', 'Engineering', 'Support']);
    } finally {
      await provider.close();
      await sandbox.close();
    }
  });
});
