// Living with connections, through the core as the renderer drives it: reconnecting with a new
// credential of the same organization (another organization's is refused, and the keychain is
// only swapped once verified; nothing cached is lost), renaming, default names from what the
// backend reported, an address that is not the backend's API, and a host that does not answer,
// cancelled with its request really aborted. Real keychain, real SQLite, sandboxes on 127.0.0.1.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderKind } from '../../src-preload/contract.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { connectionAccount, createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { startEnvZeroSandbox, type EnvZeroSandbox } from '../backends/envzero/server.ts';
import { startOnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { rejection } from '../support/rejection.ts';
import { tempDir } from '../support/temp.ts';

const keychain = createKeytarSecretStore();
let dir: ReturnType<typeof tempDir>;
let core: Core;

beforeEach(() => {
  dir = tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 }, syncIntervalMs: 0 });
});
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

describe('reconnect (Rancher)', () => {
  let sandbox: RancherSandbox;
  beforeAll(async () => {
    sandbox = await startRancherSandbox({ settleMs: 5 });
  });
  afterAll(() => sandbox.close());

  async function connectAlice() {
    const view = await core.api.connections.add({ kind: 'rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
    await core.api.sync.run({ connectionId: view.id });
    return view;
  }

  /** A second account key of alice's, made through Keyfleet: the credential she reconnects with. */
  async function newAliceKey(connectionId: string) {
    const { revealSlotId } = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'keyfleet-2' });
    const view = await core.api.reveal.take({ slotId: revealSlotId });
    await core.api.reveal.done({ slotId: view.slotId, seen: true });
    return { accessKey: view.fields[0]!.value, secretKey: view.fields[1]!.value };
  }

  const stored = async (connectionId: string) => JSON.parse((await keychain.get(connectionAccount(connectionId)))!) as { accessKey: string };

  it('verifies a new credential against the same account, swaps the keychain only then, and keeps the inventory, its history and the journal', async () => {
    const connection = await connectAlice();
    const fresh = await newAliceKey(connection.id);
    const before = await core.api.keys.list({ connectionId: connection.id, limit: 1000 });
    const laptop = before.rows.find((k) => k.name === 'laptop')!;
    const history = await core.api.keys.history({ connectionId: connection.id, keyId: laptop.id });
    const journal = (await core.api.journal.list({})).total;

    // A mistyped secret: refused by Rancher, nothing stored.
    const wrong = await rejection(core.api.connections.update({ connectionId: connection.id, credential: { type: 'key-pair', accessKey: fresh.accessKey, secretKey: 'x'.repeat(40) } }));
    expect(wrong.kind).toBe('auth');
    expect((await stored(connection.id)).accessKey).toBe(sandbox.credentials.user.accessKey);

    // The admin's key reaches another account: refused, with both names, nothing stored.
    const other = await rejection(core.api.connections.update({ connectionId: connection.id, credential: { type: 'key-pair', ...sandbox.credentials.admin } }));
    expect(other.kind).toBe('conflict');
    expect(other.message).toBe('This credential belongs to “admin”, not to “alice”, which this connection manages. Use a credential of “alice”, or add “admin” as a new connection.');
    expect(other.fields).toEqual({ credential: 'This credential belongs to “admin”.' });
    expect((await stored(connection.id)).accessKey).toBe(sandbox.credentials.user.accessKey);

    const updated = await core.api.connections.update({ connectionId: connection.id, credential: { type: 'key-pair', ...fresh } });
    expect((await stored(connection.id)).accessKey).toBe(fresh.accessKey);
    expect(updated.credential.storedAt).toBeGreaterThan(connection.credential.storedAt - 1);
    expect(updated.credential.ended).toBeNull();
    expect(updated).toMatchObject({ id: connection.id, name: 'alice', organization: { id: sandbox.ids.user, name: 'alice' } });

    // Nothing cached was lost: the same keys, the same history, the journal kept and one line longer.
    const after = await core.api.keys.list({ connectionId: connection.id, limit: 1000 });
    expect(after.rows.map((k) => k.id).sort()).toEqual(before.rows.map((k) => k.id).sort());
    expect(await core.api.keys.history({ connectionId: connection.id, keyId: laptop.id })).toEqual(history);
    const lines = await core.api.journal.list({});
    expect(lines.total).toBe(journal + 3);
    expect(lines.rows.slice(0, 3).map((r) => [r.action, r.result])).toEqual([
      ['connection.reconnect', 'ok'],
      ['connection.reconnect', 'failed'],
      ['connection.reconnect', 'failed'],
    ]);
    expect(lines.rows[0]!.detail).toMatch(/^reconnected “alice” with a new credential, verified as alice$/);

    // And the connection works with the new credential.
    expect((await core.api.sync.run({ connectionId: connection.id })).result).toBe('ok');
  });

  it('renames and recolours without verifying anything, and names a new connection after its account', async () => {
    const connection = await connectAlice();
    expect(connection.name).toBe('alice');
    sandbox.faults.add({ kind: 'status', status: 500 }); // no request may be made
    const renamed = await core.api.connections.update({ connectionId: connection.id, name: 'Acme Platform', color: '#123456' });
    sandbox.faults.clear();
    expect(renamed).toMatchObject({ name: 'Acme Platform', color: '#123456' });
    expect((await core.api.journal.list({})).rows[0]).toMatchObject({ action: 'connection.edit', detail: 'renamed “alice” to “Acme Platform”; colour changed' });
    // A second connection of the same account is told apart by its host.
    const second = await core.api.connections.add({ kind: 'rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.admin } });
    expect(second.name).toBe('admin');
  });

  it('refuses a credential of another environment for an environment connection', async () => {
    const env = await core.api.connections.add({ kind: 'rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.environment } });
    expect(env.name).toBe('Default');
    const error = await rejection(core.api.connections.update({ connectionId: env.id, credential: { type: 'key-pair', ...sandbox.credentials.user } }));
    expect(error.message).toMatch(/^This credential belongs to “alice”, not to “Default”/);
  });
});

describe('reconnect (env zero)', () => {
  let sandbox: EnvZeroSandbox;
  beforeAll(async () => {
    sandbox = await startEnvZeroSandbox();
  });
  afterAll(() => sandbox.close());

  it('names the connection after its organization and refuses a key of another organization', async () => {
    const connection = await core.api.connections.add({ kind: 'envzero', baseUrl: sandbox.url, credential: { type: 'key-pair', accessKey: sandbox.credentials.admin.apiKeyId, secretKey: sandbox.credentials.admin.apiKeySecret } });
    expect(connection).toMatchObject({ name: 'Acme Platform', organization: { id: sandbox.ids.orgs.platform, name: 'Acme Platform' } });
    const labs = sandbox.credentials.labsAdmin;
    const error = await rejection(core.api.connections.update({ connectionId: connection.id, credential: { type: 'key-pair', accessKey: labs.apiKeyId, secretKey: labs.apiKeySecret } }));
    expect(error.kind).toBe('conflict');
    expect(error.message).toBe('This credential does not reach “Acme Platform”, which this connection manages. Use a credential of that organization, or add the other one as a new connection.');
    const stored = JSON.parse((await keychain.get(connectionAccount(connection.id)))!) as { accessKey: string };
    expect(stored.accessKey).toBe(sandbox.credentials.admin.apiKeyId);
    // Alice's personal key reaches both organizations; the connection keeps managing its own.
    const personal = sandbox.credentials.personal;
    const reconnected = await core.api.connections.update({ connectionId: connection.id, credential: { type: 'key-pair', accessKey: personal.apiKeyId, secretKey: personal.apiKeySecret } });
    expect(reconnected.target).toEqual({ id: sandbox.ids.orgs.platform, name: 'Acme Platform' });
  });
});

describe('reconnect where the backend names no organization (Onyx, another server)', () => {
  it('refuses a credential that sees none of the cached keys, and accepts one that does', async () => {
    const first = await startOnyxSandbox({ variant: 'groups' });
    const second = await startOnyxSandbox({ variant: 'groups' });
    try {
      const connection = await core.api.connections.add({ kind: 'onyx', baseUrl: first.url, credential: { type: 'token', token: first.credentials.adminKey } });
      expect(connection.name).toBe(`Onyx · ${new URL(first.url).host}`);
      await core.api.sync.run({ connectionId: connection.id });

      // The second server: a new admin key there, and every seeded key deleted — nothing the connection knows.
      const headers = { authorization: `Bearer ${second.credentials.adminKey}`, 'content-type': 'application/json' };
      const made = (await (await fetch(`${second.url}/api/admin/api-key`, { method: 'POST', headers, body: JSON.stringify({ name: 'elsewhere', group_ids: [second.ids.groups.Admin] }) })).json()) as { api_key: string; api_key_id: number };
      const own = { authorization: `Bearer ${made.api_key}` };
      for (const key of second.apiKeys().filter((k) => k.id !== made.api_key_id)) await fetch(`${second.url}/api/admin/api-key/${key.id}`, { method: 'DELETE', headers: own });
      const error = await rejection(core.api.connections.update({ connectionId: connection.id, baseUrl: second.url, credential: { type: 'token', token: made.api_key } }));
      expect(error.message).toMatch(/^This credential does not see any of the \d+ keys this connection knows: it belongs to another organization or server than “Onyx · /);
      expect((await core.api.connections.list())[0]!.baseUrl).toBe(first.url);

      // The same server under another address (a new host name, say) sees the same keys: accepted.
      const moved = await core.api.connections.update({ connectionId: connection.id, baseUrl: first.url.replace('127.0.0.1', 'localhost') });
      expect(moved.baseUrl).toBe(first.url.replace('127.0.0.1', 'localhost'));
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('the address is checked for what it is', () => {
  let html: ReturnType<typeof createHttpServer>;
  let htmlUrl: string;
  let notFoundUrl: string;
  let notFound: ReturnType<typeof createHttpServer>;
  beforeAll(async () => {
    html = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Welcome</title>');
    });
    notFound = createHttpServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
    });
    await Promise.all([new Promise<void>((r) => html.listen(0, '127.0.0.1', r)), new Promise<void>((r) => notFound.listen(0, '127.0.0.1', r))]);
    htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
    notFoundUrl = `http://127.0.0.1:${(notFound.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    html.close();
    notFound.close();
  });

  const credentialFor = (kind: ProviderKind) => (kind === 'rancher' || kind === 'envzero' ? { type: 'key-pair' as const, accessKey: 'AK', secretKey: 'secret' } : { type: 'token' as const, token: 'tok' });
  const apiName: Record<ProviderKind, string> = { rancher: 'a Rancher 1.x API', envzero: 'an env zero API', langwatch: 'a LangWatch API', onyx: 'an Onyx API', deepset: 'a deepset AI Platform API' };

  it.each(['rancher', 'envzero', 'langwatch', 'onyx', 'deepset'] as const)('%s: a server that does not know the API’s paths, or answers with a web page', async (kind) => {
    const missing = await rejection(core.api.connections.add({ kind, baseUrl: notFoundUrl, credential: credentialFor(kind) }));
    // deepset tries each route it knows of; none existing is what it reports.
    expect(missing.message).toBe(`This address does not answer like ${apiName[kind]} — check the URL${kind === 'deepset' ? '' : ' (it answered HTTP 404)'}.`);
    expect(missing.fields).toEqual({ baseUrl: 'Check the URL: it does not answer like this backend’s API.' });
    const page = await rejection(core.api.connections.add({ kind, baseUrl: htmlUrl, credential: credentialFor(kind) }));
    expect(page.message).toBe(`This address does not answer like ${apiName[kind]} — check the URL (it answered, but not with the API’s JSON).`);
    expect(await core.api.connections.list()).toEqual([]);
  });

  it('never names an internal channel in a refusal', async () => {
    const error = await rejection(core.api.connections.add({ kind: 'rancher', baseUrl: 'rancher.example.com', credential: credentialFor('rancher') }));
    expect(error.message).toBe('Invalid input: the server URL must be an http:// or https:// address without credentials in it.');
    expect(error.message).not.toMatch(/connections\./);
  });
});

describe('a host that does not answer', () => {
  let server: Server;
  let url: string;
  /** Open connections, and the requests that arrived (read, never answered). */
  const sockets = new Set<Socket>();
  let requests = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk: Buffer) => {
        if (/^GET /.test(chunk.toString('latin1'))) requests++;
      });
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  it('is verified until the user cancels, which aborts the request and stores nothing', async () => {
    const slow = createCore({ dataDir: tempDir().path, http: { timeoutMs: 60_000, retries: 2 }, syncIntervalMs: 0 });
    try {
      const attemptId = randomUUID();
      const adding = rejection(slow.api.connections.add({ kind: 'rancher', baseUrl: url, credential: { type: 'key-pair', accessKey: 'AK', secretKey: 'secret' }, attemptId }));
      await expect.poll(() => requests).toBe(1);
      expect(await slow.api.connections.cancelVerify({ attemptId })).toEqual({ cancelled: true });
      const error = await adding;
      expect(error).toMatchObject({ kind: 'cancelled', message: 'Verification cancelled; nothing was stored.' });
      // The request was aborted on the wire (its connection closed), not left running, and not retried.
      await expect.poll(() => sockets.size).toBe(0);
      expect(requests).toBe(1);
      expect(await slow.api.connections.list()).toEqual([]);
      // Cancelling something that is over says so.
      expect(await slow.api.connections.cancelVerify({ attemptId })).toEqual({ cancelled: false });
    } finally {
      await slow.close();
    }
  });
});
