// What differs between Rancher 1.x releases and installs, as cattle answers it: the identity
// headers of each release, access control switched off, deactivated environments and read-only
// members. Raw HTTP against the sandbox, as in sandbox.test.ts.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { VARIANTS, type Variant } from './json.ts';
import { SEEDED_LABELS, seededCredential } from './seed.ts';
import { startRancherSandbox, type RancherSandbox, type RancherSandboxOptions, type SandboxCredential } from './server.ts';

const started: RancherSandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(options: RancherSandboxOptions = {}): Promise<RancherSandbox> {
  const sandbox = await startRancherSandbox({ settleMs: 5, ...options });
  started.push(sandbox);
  return sandbox;
}

const basic = (c: SandboxCredential) => `Basic ${Buffer.from(`${c.accessKey}:${c.secretKey}`).toString('base64')}`;

async function call(sandbox: RancherSandbox, path: string, init: { method?: string; as?: SandboxCredential | null; headers?: Record<string, string>; body?: unknown } = {}) {
  const as = init.as === undefined ? sandbox.credentials.user : init.as;
  const res = await fetch(`${sandbox.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(as ? { authorization: basic(as) } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, any>) : null };
}

describe('Rancher sandbox: releases', () => {
  const headersOf: Record<Variant, { user: boolean; kind: boolean }> = {
    '1.2': { user: false, kind: false },
    '1.3': { user: false, kind: false },
    '1.4': { user: true, kind: false },
    '1.5': { user: true, kind: false },
    '1.6': { user: true, kind: true },
  };

  it.each(VARIANTS)('Rancher %s sends the identity headers its cattle sends, and baseType', async (variant) => {
    const sandbox = await start({ variant, seed: 'empty' });
    const res = await call(sandbox, '/v2-beta/projects');
    expect(res.status).toBe(200);
    // Unscoped, the effective account is the key's own: the fallback identity where X-API-User-Id is missing.
    expect(res.headers.get('x-api-account-id')).toBe(sandbox.ids.user);
    expect(res.headers.get('x-api-user-id')).toBe(headersOf[variant].user ? sandbox.ids.user : null);
    expect(res.headers.get('x-api-account-kind')).toBe(headersOf[variant].kind ? 'user' : null);
    expect(res.headers.get('x-api-account-name')).toBe(headersOf[variant].kind ? 'alice' : null);
    expect(res.json!.data[0]).toHaveProperty('baseType', 'account');
    const denied = await call(sandbox, '/v2-beta/apikeys', { as: { accessKey: 'X', secretKey: 'Y' } });
    expect(denied.json).toHaveProperty('baseType', 'error');
  });

  it('offers restore on removed keys only before Rancher 1.6', async () => {
    for (const variant of ['1.5', '1.6'] as const) {
      const sandbox = await start({ variant, seed: 'default' });
      const removed = sandbox.keys().find((k) => k.state === 'removed' && k.accountId === sandbox.ids.admin)!;
      const res = await call(sandbox, `/v2-beta/apikeys/${String(removed.id)}`, { as: sandbox.credentials.admin });
      expect(Object.keys(res.json!.actions as object).sort()).toEqual(variant === '1.5' ? ['purge', 'restore'] : ['purge']);
    }
  });
});

describe('Rancher sandbox: access control off', () => {
  it('serves a credential it cannot match as the admin, unless authentication is enforced', async () => {
    const sandbox = await start({ accessControl: false, seed: 'empty' });
    const wrong = { accessKey: sandbox.credentials.user.accessKey, secretKey: 'mistyped' };
    const lax = await call(sandbox, '/v2-beta/projects', { as: wrong });
    expect(lax.status).toBe(200);
    expect(lax.headers.get('x-api-user-id')).toBe(sandbox.ids.admin);
    expect((await call(sandbox, '/v2-beta/projects', { as: null })).headers.get('x-api-user-id')).toBe(sandbox.ids.admin);

    const strict = await call(sandbox, '/v2-beta/projects', { as: wrong, headers: { 'x-enforce-authentication': 'true' } });
    expect(strict.status).toBe(401);
    expect(strict.json).toMatchObject({ status: 401, code: 'Unauthorized' });
    // No challenge: cattle only sends it while access control is on.
    expect(strict.headers.get('www-authenticate')).toBeNull();
    // A key that matches is its own account either way.
    const right = await call(sandbox, '/v2-beta/projects', { headers: { 'x-enforce-authentication': 'true' } });
    expect(right.headers.get('x-api-user-id')).toBe(sandbox.ids.user);
    expect(sandbox.requests.map((r) => r.enforceAuthentication)).toEqual([false, false, true, true]);
  });

  it('ignores the header while access control is on: a wrong secret is refused anyway', async () => {
    const sandbox = await start({ seed: 'empty' });
    const wrong = { accessKey: sandbox.credentials.user.accessKey, secretKey: 'mistyped' };
    expect((await call(sandbox, '/v2-beta/projects', { as: wrong })).status).toBe(401);
  });
});

describe('Rancher sandbox: deactivated environments', () => {
  it('lists a deactivated environment to its owner only, and refuses every call into it', async () => {
    const sandbox = await start();
    const staging = sandbox.ids.projects.Staging!;
    sandbox.setProjectState(staging, 'inactive');
    const listed = await call(sandbox, '/v2-beta/projects');
    const project = (listed.json!.data as Array<Record<string, unknown>>).find((p) => p.id === staging)!;
    expect(project).toMatchObject({ state: 'inactive', members: null });
    expect(Object.keys(project.actions as object)).toContain('activate');
    for (const path of [`/v2-beta/projects/${staging}/apikeys`, `/v2-beta/projects/${staging}/schemas/apikey`]) {
      const res = await call(sandbox, path);
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ code: 'Forbidden' });
    }
    expect((await call(sandbox, '/v2-beta/apikeys', { headers: { 'x-api-project-id': staging } })).status).toBe(403);

    // bob is no owner of Default: once it is deactivated, he no longer sees it.
    sandbox.setProjectState(sandbox.ids.projects.Default!, 'inactive');
    const bob = await call(sandbox, '/v2-beta/projects', { as: seededCredential(SEEDED_LABELS.readOnlyMember) });
    expect(bob.json!.data).toEqual([]);
    // An environment key of a deactivated environment does not authenticate at all.
    expect((await call(sandbox, '/v2-beta/apikeys', { as: sandbox.credentials.environment })).status).toBe(401);
  });
});

describe('Rancher sandbox: read-only members', () => {
  it('lets a read-only member read keys, and refuses every change with 405 (actions: 422 InvalidAction)', async () => {
    const sandbox = await start();
    const def = sandbox.ids.projects.Default!;
    const bob = seededCredential(SEEDED_LABELS.readOnlyMember);
    const schema = await call(sandbox, `/v2-beta/projects/${def}/schemas/apikey`, { as: bob });
    expect(schema.json).toMatchObject({ collectionMethods: ['GET'], resourceMethods: ['GET'], resourceActions: {} });
    const owner = await call(sandbox, `/v2-beta/projects/${def}/schemas/apikey`, { as: sandbox.credentials.admin });
    expect(owner.json!.collectionMethods).toEqual(['GET', 'POST']);

    const list = await call(sandbox, `/v2-beta/projects/${def}/apikeys`, { as: bob });
    expect(list.status).toBe(200);
    const key = (list.json!.data as Array<Record<string, any>>).find((k) => k.state === 'active')!;
    expect(key.actions).toEqual({});

    const create = await call(sandbox, `/v2-beta/projects/${def}/apikeys`, { as: bob, method: 'POST', body: { name: 'x' } });
    expect(create.status).toBe(405);
    expect(create.json).toMatchObject({ status: 405, code: 'Method not allowed' });
    expect((await call(sandbox, `/v2-beta/projects/${def}/apikeys/${key.id}`, { as: bob, method: 'PUT', body: { name: 'y' } })).status).toBe(405);
    expect((await call(sandbox, `/v2-beta/projects/${def}/apikeys/${key.id}`, { as: bob, method: 'DELETE' })).status).toBe(405);
    const action = await call(sandbox, `/v2-beta/projects/${def}/apikeys/${key.id}/?action=deactivate`, { as: bob, method: 'POST' });
    expect(action.status).toBe(422);
    expect(action.json).toMatchObject({ code: 'InvalidAction', fieldName: 'action' });
    expect(sandbox.key(String(key.id))!.state).toBe('active');
  });
});
