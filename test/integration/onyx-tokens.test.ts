// Onyx's personal access tokens in both variants (roles: ≤ v4.6, groups: main): who may create
// them (groups grant it on main), their scopes (kept by a rotation's twin), expiry in days, names,
// revocation; and the credential sent as X-Onyx-Authorization through a proxy that keeps
// Authorization for itself.
import { describe, expect, it } from 'vitest';
import { createProvider } from '../../src-main/providers/index.ts';
import { onyx } from '../../src-main/providers/onyx/index.ts';
import { startOnyxSandbox, type OnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { failure, onyxLab } from './onyx-adapter.ts';

describe.each<Variant>(['roles', 'groups'])('Onyx adapter, tokens (%s variant)', (variant) => {
  let sandbox: OnyxSandbox;
  const { connect, scope, numeric } = onyxLab(variant, (started) => (sandbox = started));

  describe('who may make them, and how the credential is sent', () => {
    it(
      variant === 'groups'
        ? 'offers no token creation, nor rotation, to a user whose groups cannot create tokens, and words the refusal for tokens'
        : 'lets any basic user create tokens (≤ v4.6 has no such permission)',
      async () => {
        const provider = connect(sandbox.credentials.basicOnlyPat);
        const settings = (await provider.verify()).settings!;
        expect(settings.tokens).toBe(variant === 'roles');
        const [type] = (await provider.createForm!()).types;
        expect(type).toMatchObject({ id: 'pat', scopeKinds: variant === 'roles' ? ['user'] : [] });
        if (variant === 'roles') return;
        expect(type!.actions!.rotate).toMatchObject({ mode: 'unavailable', note: expect.stringMatching(/groups do not allow creating personal access tokens/) });
        expect(type!.actions!.delete!.mode).toBe('native');
        const user = await scope(provider, 'user');
        const error = await failure(provider.createKey({ scopeId: user.id, type: 'pat', name: 'not-allowed' }, user));
        expect(error).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/^Onyx refused to create a personal access token \(HTTP 403\): your Onyx groups do not grant “Create User Access Token”/) });
      },
    );

    it('sends the credential as X-Onyx-Authorization when asked, through a proxy that keeps Authorization', async () => {
      const proxied = await startOnyxSandbox({ variant, proxyTakesAuthorization: true });
      try {
        const plain = createProvider('onyx', { baseUrl: proxied.url, credential: { type: 'token', token: proxied.credentials.adminKey }, http: { retries: 0 } });
        expect((await failure(plain.verify())).kind).toBe('auth');
        await plain.close();
        const viaHeader = createProvider('onyx', { baseUrl: proxied.url, credential: { type: 'token', token: proxied.credentials.adminKey }, options: { onyxHeader: true }, http: { retries: 0 } });
        const identity = await viaHeader.verify();
        expect(identity.settings).toMatchObject({ onyxHeader: true });
        await viaHeader.close();
        // A stored connection keeps sending it that way.
        const stored = createProvider('onyx', { baseUrl: proxied.url, credential: { type: 'token', token: proxied.credentials.adminKey }, settings: identity.settings, http: { retries: 0 } });
        expect(await stored.listKeys({ id: 'service-accounts', kind: 'tenant', name: '', parentId: null, raw: {} })).not.toHaveLength(0);
        await stored.close();
      } finally {
        await proxied.close();
      }
    });

  });

  describe('personal access tokens', () => {
    it('lists the connecting user’s live tokens with masked display, expiry and last use', async () => {
      const provider = connect(sandbox.credentials.adminPat);
      const pats = await provider.listKeys(await scope(provider, 'user'));
      expect(pats.map((p) => p.name)).toEqual(sandbox.pats(sandbox.ids.users.admin).filter((p) => p.live).sort((a, b) => b.id - a.id).map((p) => p.name));
      expect(pats.map((p) => p.name)).not.toContain('old-script');
      expect(pats.map((p) => p.name)).not.toContain('revoked-one');
      const laptop = pats.find((p) => p.name === 'laptop-cli')!;
      expect(laptop).toMatchObject({ type: 'pat', category: 'personal', status: 'active', scopeId: 'personal-access-tokens', role: null });
      expect(laptop.expiresAt).toBe(sandbox.pat(sandbox.ids.pats['laptop-cli']!)!.expiresAt);
      expect(laptop.maskedValue).toMatch(/^onyx_pat_.{3}\*{4}.{4}$/);
      expect(pats.find((p) => p.name === 'keyfleet-sandbox')!.lastUsedAt).toBeGreaterThan(Date.now() - 60_000);
      expect(pats.find((p) => p.name === 'search-only')!.role).toBe('read:search');
      expect(pats.some((p) => 'token' in p.raw)).toBe(false);
      // An admin's unscoped token can do what the admin can; a scoped one cannot.
      expect(pats.filter((p) => p.privileged).map((p) => p.name).sort()).toEqual(['keyfleet-sandbox', 'laptop-cli']);
      expect(onyx.describeKey!(pats.find((p) => p.name === 'search-only')!)).toEqual([{ label: 'Scopes', value: 'read:search' }]);
      const bo = connect(sandbox.credentials.userPat);
      expect((await bo.listKeys(await scope(bo, 'user'))).some((p) => p.privileged)).toBe(false);
    });

    it('creates a token limited to chosen scopes, and its twin keeps them', async () => {
      const provider = connect(sandbox.credentials.userPat);
      const user = await scope(provider, 'user');
      const { key } = await provider.createKey({ scopeId: user.id, type: 'pat', name: 'chat-only', fields: { scopes: ['read:chat', 'write:chat'] } }, user);
      expect(sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/user/pats').at(-1)!.body).toEqual({ name: 'chat-only', expiration_days: null, scopes: ['read:chat', 'write:chat'] });
      expect(sandbox.pat(numeric(key))!.scopes).toEqual(['read:chat', 'write:chat']);
      expect(await provider.twinPlan!(key, [user])).toEqual({ fields: { scopes: ['read:chat', 'write:chat'] }, keeps: ['Scopes: read:chat, write:chat'] });
      const full = (await provider.listKeys(user)).find((k) => k.name === 'bo-notebook')!;
      expect(await provider.twinPlan!(full, [user])).toEqual({ fields: { scopes: [] }, keeps: ['Scopes: none: all of your permissions'] });
    });

    it('creates a token with an expiry in days and reveals it once', async () => {
      const provider = connect(sandbox.credentials.userPat);
      const user = await scope(provider, 'user');
      // The form sends the end of the chosen day; here, that day in UTC, a week ahead.
      const today = new Date();
      const chosen = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 7, 23, 59, 59);
      const { key, secret } = await provider.createKey({ scopeId: user.id, type: 'pat', name: 'notebook-2', expiresAt: chosen }, user);
      expect(secret.fields).toEqual([{ label: 'Personal access token', value: expect.stringMatching(/^onyx_pat_/), secret: true }]);
      expect(sandbox.authenticates(secret.fields[0]!.value)).toBe(true);
      const stored = sandbox.pat(numeric(key))!;
      expect(stored.userId).toBe(sandbox.ids.users.basic);
      expect(key.expiresAt).toBe(stored.expiresAt);
      expect(new Date(key.expiresAt!).toISOString()).toMatch(/T23:59:59\.999Z$/);
      expect(key.expiresAt! - chosen).toBe(999);
      expect(sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/user/pats').at(-1)!.body).toEqual({ name: 'notebook-2', expiration_days: 7, scopes: null });
      const forever = await provider.createKey({ scopeId: user.id, type: 'pat', name: 'forever' }, user);
      expect(forever.key.expiresAt).toBeNull();
    });

    it('maps a rejected token name to the name field', async () => {
      const provider = connect(sandbox.credentials.userPat);
      const user = await scope(provider, 'user');
      const error = await failure(provider.createKey({ scopeId: user.id, type: 'pat', name: 'n'.repeat(101) }, user));
      expect(error.kind).toBe('invalid');
      expect(error.fields).toEqual({ name: 'String should have at most 100 characters.' });
      expect(error.message).toBe('Onyx rejected the name: string should have at most 100 characters.');
    });

    it('revokes a token at once, cannot rename or regenerate one, and keeps the connection’s own', async () => {
      const provider = connect(sandbox.credentials.adminPat);
      const user = await scope(provider, 'user');
      const { key, secret } = await provider.createKey({ scopeId: user.id, type: 'pat', name: 'to-revoke' }, user);
      expect((await failure(provider.renameKey!(key, { name: 'other', description: null }))).message).toMatch(/cannot rename a personal access token/);
      const rotate = await failure(provider.rotateKey!(key));
      expect(rotate.kind).toBe('unsupported');
      expect(rotate.message).toMatch(/cannot regenerate a personal access token/);

      await provider.deleteKey!(key);
      expect(sandbox.authenticates(secret.fields[0]!.value)).toBe(false);
      expect((await provider.listKeys(user)).some((k) => k.id === key.id)).toBe(false);
      await provider.deleteKey!(key); // already revoked: Onyx says 404, which is what the user wanted

      const own = (await provider.listKeys(user)).find((k) => k.name === 'keyfleet-sandbox')!;
      expect((await failure(provider.deleteKey!(own))).message).toMatch(/is the token this connection signs in with; revoking it/);
      expect(sandbox.authenticates(sandbox.credentials.adminPat)).toBe(true);
    });

    it('refuses a token in the service-account scope and a key in the token scope', async () => {
      const provider = connect(sandbox.credentials.adminPat);
      const tenant = await scope(provider, 'tenant');
      const error = await failure(provider.createKey({ scopeId: tenant.id, type: 'pat', name: 'x' }, tenant));
      expect(error.kind).toBe('invalid');
      expect(error.fields?.type).toBeDefined();
    });
  });
});
