// The core as the renderer uses it (createCore().api), with the real keychain, a real SQLite
// file and the Rancher sandbox: connect, sync, create with a one-time reveal, fail safely, forget.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { connectionAccount, createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { failure } from '../support/failure.ts';

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
const keychain = createKeytarSecretStore();

const open = () => createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } });

const rejection = (promise: Promise<unknown>) => failure(promise, ApiError);

async function connect(credential = sandbox.credentials.user) {
  return core.api.connections.add({
    kind: 'rancher',
    name: 'Sandbox',
    baseUrl: `${sandbox.url}/v2-beta/projects/1a5`,
    credential: { type: 'key-pair', ...credential },
  });
}

/** The cached inventory as bytes a user would see: every key row and scope, in order. */
function snapshot(): string {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return JSON.stringify([
      db.prepare('SELECT * FROM keys ORDER BY connection_id, id').all(),
      db.prepare('SELECT * FROM scopes ORDER BY connection_id, position').all(),
    ]);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 10 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  dir = tempDir();
  core = open();
});
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

describe('core', () => {
  it('stores a verified connection: metadata in SQLite, the credential in the keychain only', async () => {
    const connection = await connect();
    expect(connection).toMatchObject({
      kind: 'rancher',
      name: 'Sandbox',
      baseUrl: sandbox.url,
      account: { id: sandbox.ids.user, name: 'alice' },
      lastSync: null,
    });
    const stored = await keychain.get(connectionAccount(connection.id));
    expect(JSON.parse(stored!)).toEqual({ type: 'key-pair', ...sandbox.credentials.user });
    expect(scanForSecrets(dir.path, [sandbox.credentials.user.secretKey])).toEqual([]);
  });

  it('stores nothing when the backend rejects the credential', async () => {
    const error = await rejection(connect({ accessKey: sandbox.credentials.user.accessKey, secretKey: 'bad' }));
    expect(error.kind).toBe('auth');
    expect(await core.api.connections.list()).toEqual([]);
  });

  it('syncs scopes and keys into the cache and records the run', async () => {
    const connection = await connect();
    const run = await core.api.sync.run({ connectionId: connection.id });
    expect(run.result).toBe('ok');
    expect(run.scopes).toBe(3);
    const scopes = await core.api.scopes.list({ connectionId: connection.id });
    const total = scopes.reduce((n, s) => n + s.keyCount, 0);
    expect(run.keys).toBe(total);
    expect(run.added).toBe(total);
    const page = await core.api.keys.list({ connectionId: connection.id, limit: 1000 });
    expect(page.total).toBe(total);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync?.result).toBe('ok');
    expect(view!.lastSuccessAt).toBe(view!.lastSync!.at);

    // A second sync with no remote change logs nothing new.
    const again = await core.api.sync.run({ connectionId: connection.id });
    expect([again.added, again.removed, again.changed]).toEqual([0, 0, 0]);
  });

  it('keeps the cached inventory byte-identical when a sync fails, and says why', async () => {
    const connection = await connect();
    await core.api.sync.run({ connectionId: connection.id });
    const before = snapshot();
    const lastSuccessAt = (await core.api.connections.list())[0]!.lastSuccessAt;

    // The first scopes succeed, a later page fails: nothing of the partial fetch may land.
    sandbox.faults.add({ kind: 'status', status: 500, path: `/projects/${sandbox.ids.projects.Staging}/apikeys` });
    const error = await rejection(core.api.sync.run({ connectionId: connection.id }));
    sandbox.faults.clear();
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/Rancher at 127\.0\.0\.1:\d+ is unavailable \(HTTP 500\)/);
    expect(snapshot()).toBe(before);

    const [view] = await core.api.connections.list();
    expect(view!.lastSync).toMatchObject({ result: 'failed', error: { kind: 'unavailable' } });
    expect(view!.lastSuccessAt).toBe(lastSuccessAt);
  });

  it('creates a key, reveals its secret once, and keeps the secret out of every file', async () => {
    const connection = await connect();
    await core.api.sync.run({ connectionId: connection.id });
    const { key, revealSlotId } = await core.api.keys.create({
      connectionId: connection.id,
      scopeId: sandbox.ids.projects.Default!,
      type: 'environment',
      name: 'release-bot',
    });
    expect(key).toMatchObject({ name: 'release-bot', status: 'active' });
    const reveal = await core.api.reveal.take({ slotId: revealSlotId });
    const secret = reveal.fields.find((f) => f.secret)!.value;
    expect(sandbox.authenticates(reveal.fields[0]!.value, secret)).toBe(true);
    expect((await rejection(core.api.reveal.take({ slotId: revealSlotId }))).kind).toBe('not-found');

    const cached = await core.api.keys.get({ connectionId: connection.id, keyId: key.id });
    expect(cached.raw).not.toHaveProperty('secretValue');
    await core.close();
    expect(scanForSecrets(dir.path, [secret, sandbox.credentials.user.secretKey])).toEqual([]);
    core = open();
  });

  it('holds an unseen secret in the keychain across a restart and shows it once', async () => {
    const connection = await connect();
    await core.api.sync.run({ connectionId: connection.id });
    const { key } = await core.api.keys.create({
      connectionId: connection.id,
      scopeId: sandbox.ids.user,
      type: 'account',
      name: 'seen-later',
    });
    // Keyfleet quits before the dialog read the secret.
    await core.close();
    core = open();
    const [pending] = await core.api.reveal.pending();
    expect(pending).toMatchObject({ connectionId: connection.id, keyId: key.id, kind: 'create' });
    const { revealSlotId } = await core.api.reveal.reopen({ operationId: pending!.operationId });
    const reveal = await core.api.reveal.take({ slotId: revealSlotId });
    expect(sandbox.authenticates(reveal.fields[0]!.value, reveal.fields[1]!.value)).toBe(true);
    // On screen: no longer "unseen", but the keychain keeps it until the user is done with it.
    expect(await core.api.reveal.pending()).toEqual([]);
    expect(await keychain.get(`operation:${pending!.operationId}`)).not.toBeNull();
    // The window's time ran out before it was copied: unseen again, shown again, once.
    expect(await core.api.reveal.done({ slotId: revealSlotId, seen: false })).toEqual({ released: false });
    expect(await core.api.reveal.pending()).toHaveLength(1);
    const again = await core.api.reveal.reopen({ operationId: pending!.operationId });
    expect((await core.api.reveal.take({ slotId: again.revealSlotId })).fields).toEqual(reveal.fields);
    // Seen: gone from the keychain, and it cannot be opened again.
    expect(await core.api.reveal.done({ slotId: again.revealSlotId, seen: true })).toEqual({ released: true });
    expect(await core.api.reveal.done({ slotId: again.revealSlotId, seen: true })).toEqual({ released: false });
    expect(await core.api.reveal.pending()).toEqual([]);
    expect(await keychain.get(`operation:${pending!.operationId}`)).toBeNull();
    expect((await rejection(core.api.reveal.reopen({ operationId: pending!.operationId }))).kind).toBe('not-found');
    expect(scanForSecrets(dir.path, [reveal.fields[1]!.value])).toEqual([]);
  });

  it('releases a secret left on screen when the app ended, at the next start', async () => {
    const connection = await connect();
    await core.api.sync.run({ connectionId: connection.id });
    const { revealSlotId } = await core.api.keys.create({ connectionId: connection.id, scopeId: sandbox.ids.user, type: 'account', name: 'on-screen' });
    const [pending] = await core.api.reveal.pending();
    await core.api.reveal.take({ slotId: revealSlotId });
    // The window closes with the app, before the renderer said it was done.
    await core.close();
    expect(await keychain.get(`operation:${pending!.operationId}`)).not.toBeNull();
    core = open();
    await core.ready;
    await vi.waitFor(async () => expect(await keychain.get(`operation:${pending!.operationId}`)).toBeNull());
    expect(await core.api.reveal.pending()).toEqual([]);
  });

  it('journals each remote change and audits it', async () => {
    const connection = await connect();
    await core.api.sync.run({ connectionId: connection.id });
    const { key } = await core.api.keys.create({
      connectionId: connection.id,
      scopeId: sandbox.ids.user,
      type: 'account',
      name: 'journaled',
    });
    await core.api.keys.setActive({ connectionId: connection.id, keyId: key.id, active: false });
    sandbox.faults.add({ kind: 'status', status: 503, method: 'DELETE', times: 1 });
    await rejection(core.api.keys.delete({ connectionId: connection.id, keyId: key.id }));
    await core.close();

    const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
    const ops = db.prepare('SELECT kind, state, error_kind FROM operations ORDER BY created_at, rowid').all();
    const audit = db.prepare("SELECT action, result FROM audit WHERE action LIKE 'key.%' ORDER BY id").all();
    db.close();
    core = open();
    expect(ops).toEqual([
      { kind: 'create', state: 'done', error_kind: null },
      { kind: 'deactivate', state: 'done', error_kind: null },
      { kind: 'delete', state: 'failed', error_kind: 'unavailable' },
    ]);
    expect(audit).toEqual([
      { action: 'key.create', result: 'ok' },
      { action: 'key.deactivate', result: 'ok' },
      { action: 'key.delete', result: 'failed' },
    ]);
    // The failed delete left the key cached.
    expect((await core.api.keys.get({ connectionId: connection.id, keyId: key.id })).status).toBe('inactive');

    // The key's history and the journal a user can read and export.
    const history = await core.api.keys.history({ connectionId: connection.id, keyId: key.id });
    expect(history.map((h) => [h.source, h.change, h.fields])).toEqual([
      ['keyfleet', 'changed', { status: ['active', 'inactive'] }],
      ['keyfleet', 'added', {}],
    ]);
    const journal = await core.api.journal.list({ limit: 10 });
    expect(journal.rows.slice(0, 3).map((r) => [r.action, r.result, r.connectionName])).toEqual([
      ['key.delete', 'failed', 'Sandbox'],
      ['key.deactivate', 'ok', 'Sandbox'],
      ['key.create', 'ok', 'Sandbox'],
    ]);
    expect(journal.rows[0]!.detail).toMatch(/unavailable \(HTTP 503\)/);
    const csv = await core.api.journal.export({ format: 'csv' });
    expect(csv.fileName).toMatch(/^keyfleet-journal-.*\.csv$/);
    expect(csv.content.split('\n')[0]).toBe('at,action,connection,connectionId,keyId,result,detail');
    expect(csv.content).toContain('"key.delete"');
    expect(csv.sha256).toBe(createHash('sha256').update(csv.content).digest('hex'));
    const json = JSON.parse((await core.api.journal.export({ format: 'json' })).content) as Array<{ action: string }>;
    expect(json.at(-1)!.action).toBe('key.delete');
  });

  it('checks a create form against the backend’s limits before calling it', async () => {
    const connection = await connect();
    await core.api.sync.run({ connectionId: connection.id });
    const before = sandbox.requests.length;
    const error = await rejection(
      core.api.keys.create({
        connectionId: connection.id,
        scopeId: sandbox.ids.projects.Default!,
        type: 'account',
        name: 'x'.repeat(256),
      }),
    );
    expect(error.kind).toBe('validation');
    expect(error.fields).toEqual({
      type: 'A Account API key cannot be created here; pick another scope or type.',
      name: 'At most 255 characters.',
    });
    expect(sandbox.requests.length).toBe(before);
  });

  it('reviews the cached inventory after a restart, with no backend reachable', async () => {
    const connection = await connect();
    await core.api.sync.run({ connectionId: connection.id });
    const before = await core.api.keys.list({ connectionId: connection.id, limit: 1000 });
    await core.close();
    sandbox.faults.add({ kind: 'drop' });
    core = open();
    const after = await core.api.keys.list({ connectionId: connection.id, limit: 1000 });
    sandbox.faults.clear();
    expect(after).toEqual(before);
  });

  it('forgets a removed connection: keychain item, inventory and history', async () => {
    const connection = await connect();
    await core.api.sync.run({ connectionId: connection.id });
    await core.api.connections.remove({ connectionId: connection.id });
    expect(await keychain.get(connectionAccount(connection.id))).toBeNull();
    expect(await core.api.connections.list()).toEqual([]);
    expect((await core.api.keys.list({ limit: 10 })).total).toBe(0);
  });

  it('refuses to store a credential when the keychain is unreachable, and writes it nowhere', () => {
    const child = tempDir();
    try {
      const out = execFileSync(process.execPath, ['test/support/add-without-keychain.ts', child.path, sandbox.url], {
        env: {
          ...process.env,
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keyfleet-bus',
          KEYFLEET_TEST_ACCESS: sandbox.credentials.user.accessKey,
          KEYFLEET_TEST_SECRET: sandbox.credentials.user.secretKey,
        },
        encoding: 'utf8',
      });
      const result = JSON.parse(out) as { status: { available: boolean; message: string }; error: { kind: string; message: string }; connections: number };
      expect(result.status.available).toBe(false);
      expect(result.status.message).toMatch(/keychain could not be reached.*gnome-keyring/s);
      expect(result.error.kind).toBe('keychain');
      expect(result.connections).toBe(0);
      expect(scanForSecrets(child.path, [sandbox.credentials.user.secretKey])).toEqual([]);
    } finally {
      child.cleanup();
    }
  });
});
