// The sandbox must answer like Rancher 1.x (rancher-1x.md), or every test built on it proves
// nothing. These tests speak raw HTTP to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRancherSandbox, type RancherSandbox, type SandboxCredential } from './server.ts';

let sandbox: RancherSandbox;

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 20 });
});
afterAll(() => sandbox.close());

const basic = (c: SandboxCredential) => `Basic ${Buffer.from(`${c.accessKey}:${c.secretKey}`).toString('base64')}`;

async function call(path: string, init: { method?: string; body?: unknown; as?: SandboxCredential; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(init.as === undefined ? { authorization: basic(sandbox.credentials.user) } : init.as.accessKey ? { authorization: basic(init.as) } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as Record<string, any>) : null };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 40));

describe('Rancher sandbox: authentication', () => {
  it('accepts an active key and names the user and the effective account in headers', async () => {
    const res = await call('/v2-beta/apikeys');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-api-user-id')).toBe(sandbox.ids.user);
    expect(res.headers.get('x-api-account-id')).toBe(sandbox.ids.user);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('answers a wrong secret with 401, the Rancher error body and the Basic challenge', async () => {
    const res = await call('/v2-beta/apikeys', { as: { accessKey: sandbox.credentials.user.accessKey, secretKey: 'wrong' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Enter API access key and secret key as username and password"');
    expect(res.json).toMatchObject({ type: 'error', baseType: 'error', status: 401, code: 'Unauthorized', message: 'Unauthorized', detail: null, links: {}, actions: {} });
    expect(res.json!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json).not.toHaveProperty('fieldName');
  });

  it('omits the challenge when asked, and refuses a request without credentials', async () => {
    const quiet = await call('/v2-beta/apikeys', { as: { accessKey: 'X', secretKey: 'Y' }, headers: { 'x-api-no-challenge': 'true' } });
    expect(quiet.status).toBe(401);
    expect(quiet.headers.get('www-authenticate')).toBeNull();
    expect((await call('/v2-beta/apikeys', { as: { accessKey: '', secretKey: '' } })).status).toBe(401);
  });

  it('stops authenticating a key once it is deactivated', async () => {
    const created = await call('/v2-beta/apikeys', { method: 'POST', body: { name: 'short' } });
    const key = { accessKey: created.json!.publicValue as string, secretKey: created.json!.secretValue as string };
    await settle();
    expect((await call('/v2-beta/apikeys', { as: key })).status).toBe(200);
    await call(`/v2-beta/apikeys/${created.json!.id}/?action=deactivate`, { method: 'POST' });
    expect((await call('/v2-beta/apikeys', { as: key })).status).toBe(401);
  });
});

describe('Rancher sandbox: scoping', () => {
  it('answers 403 for an unknown project and for one the user does not belong to', async () => {
    expect((await call('/v2-beta/projects/1a999/apikeys')).status).toBe(403);
    const prod = await call(`/v2-beta/projects/${sandbox.ids.projects.Production}/apikeys`);
    expect(prod.status).toBe(403);
    expect(prod.json).toMatchObject({ status: 403, code: 'Forbidden' });
  });

  it('answers 404 for another account’s key', async () => {
    const adminKey = sandbox.keys(sandbox.ids.admin)[0]!;
    const res = await call(`/v2-beta/apikeys/${String(adminKey.id)}`);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'Not Found' });
  });

  it('lists every account’s keys to an admin, and only the effective account’s to a user', async () => {
    const admin = await call('/v2-beta/apikeys?limit=1000', { as: sandbox.credentials.admin });
    const accounts = new Set((admin.json!.data as Array<{ accountId: string }>).map((k) => k.accountId));
    expect(accounts.size).toBeGreaterThan(2);
    const user = await call('/v2-beta/apikeys?limit=1000');
    expect(new Set((user.json!.data as Array<{ accountId: string }>).map((k) => k.accountId))).toEqual(new Set([sandbox.ids.user]));
  });

  it('scopes an environment key to its own project, by path, header or default', async () => {
    const def = sandbox.ids.projects.Default!;
    const env = sandbox.credentials.environment;
    const plain = await call('/v2-beta/apikeys', { as: env });
    expect(plain.headers.get('x-api-account-id')).toBe(def);
    expect((plain.json!.data as Array<{ accountId: string }>).every((k) => k.accountId === def)).toBe(true);
    expect((await call(`/v2-beta/projects/${def}/apikeys`, { as: env })).status).toBe(200);
    expect((await call(`/v2-beta/projects/${sandbox.ids.projects.Staging}/apikeys`, { as: env })).status).toBe(403);
    expect((await call('/v2-beta/apikeys', { as: sandbox.credentials.user, headers: { 'x-api-project-id': def } })).headers.get('x-api-account-id')).toBe(def);
  });

  it('lists the projects a user belongs to, without pagination', async () => {
    const res = await call('/v2-beta/projects');
    expect((res.json!.data as Array<{ name: string }>).map((p) => p.name)).toEqual(['Default', 'Staging']);
    expect(res.json!.pagination).toBeNull();
  });
});

describe('Rancher sandbox: keys', () => {
  it('creates a key in registering with the secret once, then settles to active with the secret hidden', async () => {
    const res = await call(`/v2-beta/projects/${sandbox.ids.projects.Default}/apikeys`, {
      method: 'POST',
      body: { name: 'ci', description: 'pipeline', accountId: sandbox.ids.admin, publicValue: 'MINE' },
    });
    expect(res.status).toBe(201);
    const key = res.json!;
    expect(Object.keys(key).slice(0, 7)).toEqual(['id', 'type', 'links', 'actions', 'baseType', 'name', 'state']);
    expect(key).toMatchObject({ type: 'apiKey', baseType: 'credential', state: 'registering', transitioning: 'yes', accountId: sandbox.ids.projects.Default, kind: 'apiKey' });
    expect(Object.keys(key.actions as object).sort()).toEqual(['activate', 'deactivate', 'remove']);
    expect(key.publicValue).toMatch(/^[0-9A-F]{20}$/);
    expect(key.secretValue).toMatch(/^[A-Za-z1-9]{40}$/);
    expect(key.secretValue).not.toMatch(/[O0lI+/=]/);
    expect(key.links.self).toBe(`${sandbox.url}/v2-beta/projects/${sandbox.ids.projects.Default}/apikeys/${key.id}`.toLowerCase());
    expect(key.actions.deactivate).toMatch(/\/\?action=deactivate$/);
    expect(res.text).toContain('http:\\/\\/'); // escaped slashes, as cattle writes them
    expect(key.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(key.createdTS % 1000).toBe(0);
    expect(key).toHaveProperty('removed', null);
    expect(key).not.toHaveProperty('data');

    await settle();
    const later = await call(`/v2-beta/projects/${sandbox.ids.projects.Default}/apikeys/${key.id}`);
    expect(later.json).toMatchObject({ state: 'active', transitioning: 'no', transitioningMessage: null, secretValue: null });
    expect(Object.keys(later.json!.actions as object).sort()).toEqual(['deactivate', 'update']);
  });

  it('runs the state machine: deactivate → inactive; DELETE active → 405; DELETE inactive → removing → removed', async () => {
    const { json } = await call('/v2-beta/apikeys', { method: 'POST', body: { name: 'cycle' } });
    const self = `/v2-beta/apikeys/${json!.id}`;
    await settle();
    const refused = await call(self, { method: 'DELETE' });
    expect(refused.status).toBe(405);
    expect(refused.json).toMatchObject({ status: 405, code: 'Method not allowed', message: 'Method not allowed' });

    const deactivating = await call(`${self}/?action=deactivate`, { method: 'POST' });
    expect(deactivating.status).toBe(202);
    expect(deactivating.json).toMatchObject({ state: 'deactivating', transitioning: 'yes', secretValue: null, actions: {} });
    await settle();
    const inactive = await call(self);
    expect(Object.keys(inactive.json!.actions as object).sort()).toEqual(['activate', 'remove', 'update']);

    const again = await call(`${self}/?action=deactivate`, { method: 'POST' });
    expect(again.status).toBe(422);
    expect(again.json).toMatchObject({ code: 'ActionNotAvailable', fieldName: 'action', message: null, detail: null });
    expect((await call(`${self}/?action=explode`, { method: 'POST' })).json).toMatchObject({ status: 422, code: 'InvalidAction', fieldName: 'action' });

    const removing = await call(self, { method: 'DELETE' });
    expect(removing.status).toBe(200);
    expect(removing.json!.state).toBe('removing');
    await settle();
    const removed = await call(self);
    expect(removed.json).toMatchObject({ state: 'removed', actions: { purge: expect.any(String) } });
    expect(typeof removed.json!.removedTS).toBe('number');
    expect((await call(self, { method: 'DELETE' })).status).toBe(200);

    const listed = await call('/v2-beta/apikeys?limit=1000');
    expect((listed.json!.data as Array<{ id: string }>).some((k) => k.id === json!.id)).toBe(false);
    const withRemoved = await call('/v2-beta/apikeys?limit=1000&_removed=true');
    expect((withRemoved.json!.data as Array<{ id: string }>).some((k) => k.id === json!.id)).toBe(true);
  });

  it('lets PUT change only name and description', async () => {
    const { json } = await call('/v2-beta/apikeys', { method: 'POST', body: { name: 'before' } });
    const res = await call(`/v2-beta/apikeys/${json!.id}`, {
      method: 'PUT',
      body: { name: 'after', description: 'd', publicValue: 'HIJACK', accountId: sandbox.ids.admin, state: 'inactive' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'after', description: 'd', publicValue: json!.publicValue, accountId: sandbox.ids.user });
    expect(res.json!.state).not.toBe('inactive');
  });

  it('rejects too-long names and descriptions, and malformed JSON, with Rancher’s codes', async () => {
    const name = await call('/v2-beta/apikeys', { method: 'POST', body: { name: 'x'.repeat(256) } });
    expect(name.status).toBe(422);
    expect(name.json).toMatchObject({ code: 'MaxLengthExceeded', fieldName: 'name', message: null });
    const description = await call('/v2-beta/apikeys', { method: 'POST', body: { description: 'x'.repeat(1025) } });
    expect(description.json).toMatchObject({ code: 'MaxLengthExceeded', fieldName: 'description' });
    const bad = await call('/v2-beta/apikeys', { method: 'POST', body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'InvalidBodyContent', message: 'InvalidBodyContent' });
    expect((await call('/v2-beta/apikeys', { method: 'DELETE' })).status).toBe(405);
  });

  it('pages with markers, clamps the limit, and follows next to the end', async () => {
    const staging = sandbox.ids.projects.Staging!;
    sandbox.seedKeys(staging, 250, { namePrefix: 'page' });
    const first = await call(`/v2-beta/projects/${staging}/apikeys?limit=100&name_prefix=page`);
    expect(first.json!.pagination).toMatchObject({ limit: 100, partial: true, total: null, first: null, previous: null });
    expect(first.json!.pagination.next).toContain('marker=m100');
    expect(first.json!.links.self).not.toContain('?');
    const ids: string[] = [];
    let next: string | null = `${sandbox.url}/v2-beta/projects/${staging}/apikeys?limit=100&name_prefix=page`;
    while (next) {
      const page = await call(new URL(next).pathname + new URL(next).search);
      ids.push(...(page.json!.data as Array<{ id: string }>).map((k) => k.id));
      next = page.json!.pagination.next as string | null;
    }
    expect(ids).toHaveLength(250);
    const numeric = ids.map((id) => Number(id.slice(2)));
    expect(numeric).toEqual([...numeric].sort((a, b) => a - b));
    const clamped = await call(`/v2-beta/projects/${staging}/apikeys?limit=5000`);
    expect(clamped.json!.pagination.limit).toBe(1000);
    expect((await call(`/v2-beta/projects/${staging}/apikeys?limit=0`)).json!.pagination.limit).toBe(1000);
  });

  it('filters with modifiers, ignores unknown filters and ANDs repeats', async () => {
    const names = async (q: string) => ((await call(`/v2-beta/apikeys?${q}`)).json!.data as Array<{ name: string }>).map((k) => k.name);
    expect(await names('name=laptop')).toEqual(['laptop']);
    expect(await names('name_like=lap%25')).toEqual(['laptop']);
    expect(await names('state=inactive&name_prefix=old')).toEqual(['old-ci']);
    expect((await names('bogus_field=1')).length).toBe((await names('')).length);
    expect(await names('state=active&state=inactive')).toEqual([]);
  });
});

describe('Rancher sandbox: faults', () => {
  it('injects status answers, rate limits, bad JSON, cut bodies, drops, huge claims, latency and expiry', async () => {
    const { faults } = sandbox;
    faults.add({ kind: 'status', status: 503, times: 1 });
    const unavailable = await call('/v2-beta/apikeys');
    expect(unavailable.status).toBe(503);
    expect(unavailable.json).toMatchObject({ type: 'error', status: 503 });

    faults.add({ kind: 'rate-limit', retryAfterSeconds: 7, times: 1 });
    const limited = await call('/v2-beta/apikeys');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);

    faults.add({ kind: 'bad-json', times: 1 });
    await expect(call('/v2-beta/apikeys')).rejects.toThrow(SyntaxError);

    faults.add({ kind: 'truncate', times: 1 });
    await expect(fetch(`${sandbox.url}/v2-beta/apikeys`).then((r) => r.text())).rejects.toThrow();

    faults.add({ kind: 'drop', times: 1 });
    await expect(fetch(`${sandbox.url}/v2-beta/apikeys`)).rejects.toThrow();

    faults.add({ kind: 'huge', claimBytes: 2 * 1024 ** 3, times: 1 });
    const huge = await fetch(`${sandbox.url}/v2-beta/apikeys`);
    expect(huge.headers.get('content-length')).toBe(String(2 * 1024 ** 3));
    await huge.body?.cancel();

    faults.add({ kind: 'latency', ms: 150, times: 1 });
    const started = Date.now();
    expect((await call('/v2-beta/apikeys')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    faults.add({ kind: 'expire-credential', times: 1 });
    const expired = await call('/v2-beta/apikeys');
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ code: 'Unauthorized' });

    expect((await call('/v2-beta/apikeys')).status).toBe(200);
    expect(faults.list()).toEqual([]);
  });

  it('matches faults by method and path, and can be driven over the control endpoint', async () => {
    const res = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 502, method: 'POST', path: '/apikeys' }) });
    expect(res.status).toBe(201);
    expect((await call('/v2-beta/apikeys')).status).toBe(200);
    expect((await call('/v2-beta/apikeys', { method: 'POST', body: {} })).status).toBe(502);
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    expect((await call('/v2-beta/apikeys', { method: 'POST', body: {} })).status).toBe(201);
  });

  it('closes promptly with a request left hanging', async () => {
    const local = await startRancherSandbox({ seed: 'empty' });
    local.faults.add({ kind: 'hang' });
    const pending = fetch(`${local.url}/v2-beta/apikeys`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await local.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
