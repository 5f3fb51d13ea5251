// The LangWatch adapter against the sandbox in both API eras (A: ≤ v3.12, B: ≥ v3.13): the era
// found from the server's answers, every operation, one-time tokens with a kept hint, soft revoke
// with its 409, and each error body of either era mapped to a clear ProviderError.
import { describe, expect, it } from 'vitest';
import type { RemoteScope } from '../../src-main/model.ts';
import { createProvider, providerModule } from '../../src-main/providers/index.ts';
import { langwatch, normalizeLangwatchUrl } from '../../src-main/providers/langwatch/index.ts';
import { hintOf } from '../../src-main/providers/langwatch/parse.ts';
import { startLangwatchSandbox, type Era, type LangwatchSandbox } from '../backends/langwatch/server.ts';
import { failure, langwatchLab } from './langwatch-adapter.ts';

const DAY = 86_400_000;

describe('LangWatch URLs and hints', () => {
  it('keeps what is before /api, else only the origin of a pasted app page', () => {
    expect(normalizeLangwatchUrl('https://app.langwatch.ai')).toBe('https://app.langwatch.ai');
    expect(normalizeLangwatchUrl('https://app.langwatch.ai/api/api-keys')).toBe('https://app.langwatch.ai');
    expect(normalizeLangwatchUrl('https://lw.example.com/settings/api-keys?x=1')).toBe('https://lw.example.com');
    expect(normalizeLangwatchUrl('https://example.com/langwatch/api/')).toBe('https://example.com/langwatch');
  });

  it('keeps the prefix and four characters of the lookup id, never any of the secret', () => {
    const token = `sk-lw-A1b2C3d4E5f6G7h8_${'q'.repeat(48)}`;
    expect(hintOf(token)).toBe('sk-lw-A1b2…');
    expect(hintOf(`ik-lw-ZZZZyyyyxxxxwwww_${'s'.repeat(48)}`)).toBe('ik-lw-ZZZZ…');
    expect(hintOf('sk-lw-ab_secret')).toBe('sk-lw-ab…');
  });
});

describe.each<Era>(['A', 'B'])('LangWatch adapter (era %s)', (era) => {
  let sandbox: LangwatchSandbox;
  const { connect, connected, requestsSince, providers } = langwatchLab(era, (started) => (sandbox = started));

  describe('connecting', () => {
    it('verifies the key, finds the organization from its teams and the era from a by-id probe', async () => {
      const provider = connect();
      expect(provider.capabilities.actions.rename.mode).toBe('composed'); // nothing promised before the era is known
      const mark = sandbox.requests.length;
      const identity = await provider.verify();
      expect(identity).toEqual({
        accountId: sandbox.ids.organization,
        accountName: `Organization API key ${sandbox.credentials.admin.slice(0, 10)}…`,
        settings: { era, organizationId: sandbox.ids.organization },
      });
      expect(requestsSince(mark).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'GET /api/api-keys 200',
        'GET /api/teams?page=1&limit=1 200',
        `GET /api/api-keys/keyfleet-era-probe 404`,
        `GET /api/organization ${era === 'A' ? 404 : 402}`,
      ]);
      expect(provider.capabilities.actions.rename.mode).toBe(era === 'B' ? 'native' : 'composed');
      expect(provider.capabilities.actions.rename.note).toMatch(era === 'B' ? /renames a key/ : /label on this computer only/);
      expect(identity.accountName).not.toContain(sandbox.credentials.admin.slice(10));
    });

    it('takes capabilities from the stored era without asking, and names the organization where LangWatch tells it', async () => {
      const module = providerModule('langwatch');
      expect(module.capabilities({ era: 'B' }).actions.rename.mode).toBe('native');
      expect(module.capabilities({ era: 'A' }).actions.rename.mode).toBe('composed');
      expect(module.capabilities({ era }).actions).toMatchObject({ rotate: { mode: 'composed' }, deactivate: { mode: 'unavailable' }, delete: { mode: 'native' } });
      expect(connect(sandbox.credentials.admin, { era: 'B' }).capabilities.actions.rename.mode).toBe('native');
      if (era === 'B') {
        const enterprise = await startLangwatchSandbox({ era, enterprise: true });
        try {
          const p = createProvider('langwatch', { baseUrl: enterprise.url, credential: { type: 'token', token: enterprise.credentials.admin } });
          providers.push(p);
          expect((await p.verify()).settings).toMatchObject({ organizationName: 'Acme AI' });
          expect((await p.listScopes())[0]).toMatchObject({ kind: 'organization', name: 'Acme AI' });
        } finally {
          await enterprise.close();
        }
      }
    });

    it('refuses a project key, a revoked key and a key without organization access, each clearly', async () => {
      const legacy = await failure(connect(sandbox.credentials.legacyProject).verify());
      expect(legacy.kind).toBe('auth');
      expect(legacy.message).toMatch(/it is a project API key\. Keyfleet needs an organization API key/);
      const revoked = await failure(connect(sandbox.credentials.revoked).verify());
      expect(revoked).toMatchObject({ kind: 'auth', message: expect.stringMatching(/did not accept the connection’s key \(HTTP 401: invalid credentials\)/) });
      expect(revoked.message).not.toContain(sandbox.credentials.revoked.slice(6));
      const team = await failure(connect(sandbox.credentials.teamOnly).verify());
      expect(team).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/lacks the organization:view permission/) });
    });

    it('says when the address has no API-key API (the router’s bare 404, or another server’s)', async () => {
      for (const body of [{ error: 'Not Found' }, 'Not Found', { detail: 'Not Found' }]) {
        sandbox.faults.add({ kind: 'status', status: 404, body, path: '/api/api-keys', times: 1 });
        const error = await failure(connect().verify());
        expect(error.kind).toBe('not-found');
        expect(error.message).toMatch(/does not offer LangWatch’s API-key API \(\/api\/api-keys\)\. Check the URL/);
      }
    });
  });

  describe('scopes', () => {
    it('lists the organization, its teams and their live projects, every page', async () => {
      const { scopes } = await connected();
      expect(scopes.map((s) => [s.kind, s.name, s.parentId])).toEqual([
        ['organization', 'Organization', null],
        ['team', 'Platform', sandbox.ids.organization],
        ['team', 'Research', sandbox.ids.organization],
        ['project', 'Chatbot', sandbox.ids.teams.Platform],
        ['project', 'Search', sandbox.ids.teams.Platform],
        ['project', 'Evals', sandbox.ids.teams.Research],
      ]);
      expect(scopes[0]!.id).toBe(sandbox.ids.organization);
    });

    it('reads all pages of a large organization', async () => {
      const big = await startLangwatchSandbox({ era });
      big.seedProjects(230);
      const provider = createProvider('langwatch', { baseUrl: big.url, credential: { type: 'token', token: big.credentials.admin } });
      try {
        const projects = (await provider.listScopes()).filter((s) => s.kind === 'project');
        expect(projects).toHaveLength(233);
        expect(new Set(projects.map((p) => p.id)).size).toBe(233);
        expect(big.requests.filter((r) => r.path.startsWith('/api/projects')).map((r) => r.path)).toEqual([
          '/api/projects?page=1&limit=100',
          '/api/projects?page=2&limit=100',
          '/api/projects?page=3&limit=100',
        ]);
      } finally {
        await provider.close();
        await big.close();
      }
    });
  });

  describe('listing keys', () => {
    it('lists the organization’s keys with bindings in words, expiry and status; teams and projects hold none', async () => {
      const { provider, org, scope } = await connected();
      const keys = await provider.listKeys(org);
      const byName = new Map(keys.map((k) => [k.name, k]));
      expect([...byName.keys()]).toEqual(['custom-reader', 'ada-notebook', 'ci-pipeline', 'expired-script', 'keyfleet-admin', 'org-automation'].filter((n) => era === 'B' || n !== 'custom-reader'));
      expect(byName.get('ci-pipeline')).toMatchObject({ scopeId: sandbox.ids.organization, type: 'service', category: 'service', role: 'Admin · Chatbot, Search', status: 'active', description: 'GitHub Actions deploys', maskedValue: null });
      expect(byName.get('ada-notebook')).toMatchObject({ type: 'personal', role: 'Viewer · Evals; Member · Platform (team)', status: 'active' });
      expect(byName.get('ada-notebook')!.expiresAt).toBeGreaterThan(Date.now() + 19 * DAY);
      expect(byName.get('expired-script')).toMatchObject({ status: 'expired', role: 'Member · organization' });
      expect(byName.get('keyfleet-admin')).toMatchObject({ type: 'personal', role: 'Admin · organization' });
      expect(byName.get('keyfleet-admin')!.lastUsedAt).toBeGreaterThan(Date.now() - 60_000);
      // ≤ v3.12 never says a key's type: an org-wide service key looks like an admin's personal key.
      expect(byName.get('org-automation')!.type).toBe(era === 'B' ? 'service' : 'personal');
      expect(byName.get('org-automation')!.raw.keyTypeGuessed).toBe(era === 'A' ? true : undefined);
      // The details say so where it is a guess.
      expect(langwatch.describeKey!(byName.get('org-automation')!).filter((f) => f.label === 'Key type')).toEqual(
        era === 'A' ? [{ label: 'Key type', value: 'personal (guessed: this LangWatch server does not say)' }] : [],
      );
      const mark = sandbox.requests.length;
      expect(await provider.listKeys(scope('project', 'Chatbot'))).toEqual([]);
      expect(await provider.listKeys(scope('team', 'Platform'))).toEqual([]);
      expect(requestsSince(mark)).toEqual([]);
    });

    it(era === 'B' ? 'asks each key’s type once per key, not on every sync' : 'never asks by id, which ≤ v3.12 cannot answer', async () => {
      const { provider, org } = await connected();
      const mark = sandbox.requests.length;
      await provider.listKeys(org);
      const byId = () => requestsSince(mark).filter((r) => /^\/api\/api-keys\/[^?]+$/.test(r.path));
      expect(byId()).toHaveLength(era === 'B' ? 6 : 0);
      await provider.listKeys(org);
      expect(byId()).toHaveLength(era === 'B' ? 6 : 0);
    });
  });

  describe('creating', () => {
    it('creates a personal key with bindings on all three scope kinds, an expiry and a description', async () => {
      const { provider, org, scope } = await connected();
      const expiresAt = Date.now() + 30 * DAY;
      const grants = [
        { scope: org, role: 'VIEWER' },
        { scope: scope('team', 'Research'), role: 'MEMBER' },
        { scope: scope('project', 'Chatbot'), role: 'ADMIN' },
      ];
      const created = await provider.createKey({ scopeId: org.id, type: 'personal', name: 'laptop-cli', description: 'my terminal', expiresAt, grants }, org);
      const token = created.secret.fields[0]!.value;
      expect(token).toMatch(/^sk-lw-[0-9A-Za-z]{16}_[0-9A-Za-z]{48}$/);
      expect(created.secret.fields).toEqual([{ label: 'API key', value: token, secret: true }]);
      expect(created.secret.note).toMatch(/only this once/);
      expect(created.hint).toBe(`${token.slice(0, 10)}…`);
      expect(sandbox.authenticates(token)).toBe(true);
      expect(created.key).toMatchObject({ name: 'laptop-cli', type: 'personal', description: 'my terminal', status: 'active', role: 'Viewer · organization; Member · Research (team); Admin · Chatbot' });
      expect(created.key.expiresAt).toBe(new Date(expiresAt).getTime());
      expect(JSON.stringify(created.key)).not.toContain(token.slice(6, 22));
      expect(sandbox.key(created.key.id)).toMatchObject({ keyType: 'personal', userId: sandbox.ids.users.ada, expiresAt, bindings: [
        { role: 'VIEWER', scopeType: 'ORGANIZATION', scopeId: sandbox.ids.organization },
        { role: 'MEMBER', scopeType: 'TEAM', scopeId: sandbox.ids.teams.Research },
        { role: 'ADMIN', scopeType: 'PROJECT', scopeId: sandbox.ids.projects.Chatbot },
      ] });
      expect(sandbox.requests.filter((r) => r.method === 'POST').at(-1)!.body).toEqual({
        keyType: 'personal',
        name: 'laptop-cli',
        description: 'my terminal',
        expiresAt: new Date(expiresAt).toISOString(),
        // ≥ v3.13: made for its owner by name, the connection's user here.
        ...(era === 'B' ? { assignedToUserId: sandbox.ids.users.ada } : {}),
        bindings: [
          { role: 'VIEWER', scopeType: 'ORGANIZATION', scopeId: sandbox.ids.organization },
          { role: 'MEMBER', scopeType: 'TEAM', scopeId: sandbox.ids.teams.Research },
          { role: 'ADMIN', scopeType: 'PROJECT', scopeId: sandbox.ids.projects.Chatbot },
        ],
      });
      // The next sync knows its type from the create, whichever the era.
      expect((await provider.listKeys(org)).find((k) => k.id === created.key.id)).toMatchObject({ type: 'personal', name: 'laptop-cli' });
    });

    it('creates a service key for two projects, or an organization-wide one without projects', async () => {
      const { provider, org, scope } = await connected();
      const two = await provider.createKey({ scopeId: org.id, type: 'service', name: 'ci-two', scopes: [scope('project', 'Chatbot'), scope('project', 'Evals')] }, org);
      expect(two.key).toMatchObject({ type: 'service', role: 'Admin · Chatbot, Evals' });
      expect(sandbox.key(two.key.id)).toMatchObject({ keyType: 'service', userId: null });
      const wide = await provider.createKey({ scopeId: org.id, type: 'service', name: 'everything', scopes: [] }, org);
      expect(wide.key.role).toBe('Admin · organization');
      expect(sandbox.requests.filter((r) => r.method === 'POST').at(-1)!.body).toEqual({ keyType: 'service', name: 'everything' });
    });

    it('refuses, before asking LangWatch, a personal key without bindings and a CUSTOM binding', async () => {
      const { provider, org } = await connected();
      const mark = sandbox.requests.length;
      const none = await failure(provider.createKey({ scopeId: org.id, type: 'personal', name: 'x', grants: [] }, org));
      expect(none).toMatchObject({ kind: 'invalid', fields: { grants: 'Add at least one role binding.' } });
      const custom = await failure(provider.createKey({ scopeId: org.id, type: 'personal', name: 'x', grants: [{ scope: org, role: 'CUSTOM' }] }, org));
      expect(custom.kind).toBe('unsupported');
      expect(requestsSince(mark)).toEqual([]);
    });

    it('maps the reserved name, a foreign binding and a too-long name to the fields they concern', async () => {
      const { provider, org } = await connected();
      const reserved = await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'Langy session' }, org));
      expect(reserved).toMatchObject({ kind: 'invalid', fields: { name: 'This name is reserved for keys LangWatch manages itself.' } });
      const foreign: RemoteScope = { id: 'nonexistent-org-id', kind: 'organization', name: 'Elsewhere', parentId: null, raw: {} };
      const scopeError = await failure(provider.createKey({ scopeId: org.id, type: 'personal', name: 'Bad Scope', grants: [{ scope: foreign, role: 'ADMIN' }] }, org));
      expect(scopeError).toMatchObject({ kind: 'forbidden', message: "LangWatch refused the bindings: Organization scope must match the API key's organization.", fields: { grants: expect.any(String) } });
      const long = await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'n'.repeat(101) }, org));
      expect(long).toMatchObject({ kind: 'invalid', message: 'LangWatch rejected the request (name: String must contain at most 100 character(s)).', fields: { name: 'String must contain at most 100 character(s)' } });
    });

    it('refuses creating with a member’s key: it lacks organization:manage', async () => {
      const { provider, org } = await connected(sandbox.credentials.member);
      const error = await failure(provider.createKey({ scopeId: org.id, type: 'service', name: 'nope' }, org));
      expect(error).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/lacks the organization:manage permission/) });
    });
  });

  describe('renaming, rotating and revoking', () => {
    it(era === 'B' ? 'renames and redescribes in place with PATCH' : 'cannot rename on ≤ v3.12 and says so without calling LangWatch', async () => {
      const { provider, org, scope } = await connected();
      const { key } = await provider.createKey({ scopeId: org.id, type: 'service', name: 'rename-me', description: 'old', scopes: [scope('project', 'Search')] }, org);
      const mark = sandbox.requests.length;
      if (era === 'A') {
        const error = await failure(provider.renameKey!(key, { name: 'renamed', description: null }));
        expect(error.kind).toBe('unsupported');
        expect(requestsSince(mark)).toEqual([]);
        return;
      }
      const renamed = await provider.renameKey!(key, { name: 'renamed', description: null });
      expect(renamed).toMatchObject({ id: key.id, name: 'renamed', description: null, type: 'service', role: 'Admin · Search' });
      expect(sandbox.key(key.id)).toMatchObject({ name: 'renamed', description: null });
      expect(requestsSince(mark).map((r) => [r.method, r.body])).toEqual([['PATCH', { name: 'renamed', description: null }]]);
      sandbox.revokeElsewhere(key.id);
      expect((await failure(provider.renameKey!(key, { name: 'again', description: null }))).kind).toBe('conflict');
    });

    it('revokes softly; a second revoke (409) and an unknown id (404) are no error to the user', async () => {
      const { provider, org } = await connected();
      const created = await provider.createKey({ scopeId: org.id, type: 'service', name: 'revoke-me' }, org);
      await provider.deleteKey!(created.key);
      expect(sandbox.key(created.key.id)!.revokedAt).not.toBeNull();
      expect(sandbox.authenticates(created.secret.fields[0]!.value)).toBe(false);
      expect((await provider.listKeys(org)).some((k) => k.id === created.key.id)).toBe(false);
      const mark = sandbox.requests.length;
      await expect(provider.deleteKey!(created.key)).resolves.toBeUndefined();
      await expect(provider.deleteKey!({ ...created.key, id: 'nonexistent-key-id' })).resolves.toBeUndefined();
      expect(requestsSince(mark).map((r) => r.status)).toEqual([409, 404]);
    });

    it('gives a rotation’s twin the same type and bindings', async () => {
      const { provider, org, scopes } = await connected();
      const keys = await provider.listKeys(org);
      const notebook = keys.find((k) => k.name === 'ada-notebook')!;
      const twin = await provider.twinPlan!(notebook, scopes);
      expect(twin.grants!.map((g) => [g.scope.name, g.role])).toEqual([['Evals', 'VIEWER'], ['Platform', 'MEMBER']]);
      const { keeps: _keeps, ...ci } = await provider.twinPlan!(keys.find((k) => k.name === 'ci-pipeline')!, scopes);
      expect({ scopes: ci.scopes!.map((s) => s.name), grants: ci.grants }).toEqual({ scopes: ['Chatbot', 'Search'], grants: [] });
      const created = await provider.createKey({ scopeId: org.id, type: 'service', name: 'ci-pipeline', ...ci }, org);
      expect(sandbox.key(created.key.id)!.bindings).toEqual(sandbox.key(sandbox.ids.keys['ci-pipeline']!)!.bindings);
      if (era === 'B') expect(await provider.twinPlan!(keys.find((k) => k.name === 'org-automation')!, scopes)).toMatchObject({ scopes: [], grants: [] });
    });
  });

  describe('error bodies of both eras', () => {
    const coded = (error: string, status: number, extra: Record<string, unknown> = {}) => ({ kind: 'status' as const, status, body: { error, message: 'x', ...extra, tips: [], fault: 'customer' } });

    it.each([
      ['a 404 for someone else’s key (coded, with its reason)', coded('api_key_not_found', 404, { reasons: [{ code: 'api_key_not_owned' }] }), 'not-found', /belongs to another member/],
      ['a 404 in the older phrase', { kind: 'status' as const, status: 404, body: { error: 'Not Found', message: 'API key not found' } }, 'not-found', /does not know this key/],
      ['a 403 for a key not owned (coded)', coded('api_key_not_owned', 403), 'forbidden', /only its owner or an organization admin/],
      ['a 403 for a key not owned (phrase)', { kind: 'status' as const, status: 403, body: { error: 'Forbidden', message: 'Not authorized to modify this API Key' } }, 'forbidden', /only its owner or an organization admin/],
      ['a 409 in the older phrase', { kind: 'status' as const, status: 409, body: { error: 'Conflict', message: 'API Key is already revoked' } }, 'conflict', /already revoked/],
      ['a 422 in the older phrase with a path', { kind: 'status' as const, status: 422, body: { error: 'Unprocessable Entity', message: 'Required', path: ['name'] } }, 'invalid', /name: Required/],
      ['a 400 malformed request', coded('malformed_request', 400), 'invalid', /could not read the request/],
      ['a 401 for a deactivated owner', { kind: 'status' as const, status: 401, body: { error: 'Unauthorized', message: 'Invalid credentials.' } }, 'auth', /reconnect with a valid organization API key/],
    ])('maps %s', async (_label, fault, kind, message) => {
      const { provider, org } = await connected();
      const key = (await provider.listKeys(org)).find((k) => k.name === 'ci-pipeline')!;
      // Era B edits by id; era A can only revoke, where a 404 or 409 means the key is already dead.
      const attempt = () => (era === 'B' ? provider.renameKey!(key, { name: 'x', description: null }) : provider.deleteKey!(key));
      sandbox.faults.add({ ...fault, method: era === 'B' ? 'PATCH' : 'DELETE', times: 1 });
      if (era === 'A' && (kind === 'not-found' || kind === 'conflict')) {
        await expect(attempt()).resolves.toBeUndefined();
        return;
      }
      const error = await failure(attempt());
      sandbox.faults.clear();
      expect(error.kind).toBe(kind);
      expect(error.message).toMatch(message);
    });
  });
});
