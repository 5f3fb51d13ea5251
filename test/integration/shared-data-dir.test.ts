// Two cores on one data dir at once — the desktop app and a command-line run: a core that starts
// recovers only the work of cores that are gone, never the rotation, sync or operation a live one
// is in the middle of; leftover work is taken over by one core only; and a write transaction is
// never turned into SQLITE_BUSY by the other process's commits.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { heldSecretAccount } from '../../src-main/services/reveal.ts';
import { createStore } from '../../src-main/store/index.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let first: Core;
let connectionId: string;
const others: Core[] = [];

const open = (options: Partial<Parameters<typeof createCore>[0]> = {}) =>
  createCore({ dataDir: dir.path, http: { timeoutMs: 5000, retries: 0 }, syncIntervalMs: 0, ...options });

/** The operations journal as it is on disk, read by a connection of its own. */
function onDisk<T>(sql: string, ...params: unknown[]): T {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

/** Resolves once the sandbox has received a request matching `path` with `method`. */
const received = (method: string, path: RegExp) => expect.poll(() => sandbox.requests.some((r) => r.method === method && path.test(r.path)), { timeout: 5000 }).toBe(true);

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  dir = tempDir();
  first = open();
  const connection = await first.api.connections.add({ kind: 'rancher', name: 'Shared', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
  connectionId = connection.id;
  await first.api.sync.run({ connectionId });
});
afterEach(async () => {
  sandbox.faults.clear();
  for (const core of others.splice(0)) await core.close();
  await first.api.connections.remove({ connectionId });
  await first.close();
  dir.cleanup();
});

describe('two cores on one data dir', () => {
  it('a core starting, and its scheduler, leave the rotation another live core is creating alone', async () => {
    const { key } = await first.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'shared-rotation' });
    sandbox.faults.add({ method: 'POST', path: /apikeys/i, kind: 'latency', ms: 1500, times: 1 });
    const rotating = first.api.rotation.start({ connectionId, keyId: key.id });
    await received('POST', /apikeys/i);

    // The desktop app opens while the command line waits for the backend: its start and its
    // retirement scheduler (every 50 ms here) run over the journal.
    const second = open({ schedulerIntervalMs: 50 });
    others.push(second);
    await second.ready;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onDisk<{ state: string }>(`SELECT state FROM operations WHERE kind = 'rotate'`).state).toBe('pending');

    const started = await rotating;
    expect(started.step).toBe('awaiting-reveal');
    expect(sandbox.key(started.newKeyId!)!.state).toBe('active');
    // The other core shows it as a rotation in progress, as the app's banner does.
    expect((await second.api.rotation.list()).map((r) => r.operationId)).toEqual([started.operationId]);
    const reveal = await first.api.reveal.take({ slotId: started.revealSlotId! });
    expect(sandbox.authenticates(reveal.fields[0]!.value, reveal.fields[1]!.value)).toBe(true);
  });

  it('a core starting leaves the sync and the key operation another live core is running alone', async () => {
    sandbox.faults.add({ method: 'GET', path: /apikeys/i, kind: 'latency', ms: 1200, times: 1 });
    const syncing = first.api.sync.run({ connectionId });
    await received('GET', /apikeys/i);
    sandbox.faults.add({ method: 'POST', path: /apikeys/i, kind: 'latency', ms: 1200, times: 1 });
    const creating = first.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'in-flight' });
    await received('POST', /apikeys/i);

    const second = open();
    others.push(second);
    await second.ready;
    expect(onDisk<{ result: string }>('SELECT result FROM sync_runs ORDER BY id DESC LIMIT 1').result).toBe('running');
    expect(onDisk<{ state: string }>(`SELECT state FROM operations WHERE kind = 'create' ORDER BY created_at DESC LIMIT 1`).state).toBe('pending');
    expect((await syncing).result).toBe('ok');
    await creating;
  });

  it('recovers the work of a core that is gone, and only one of two cores starting together takes it', async () => {
    const store = createStore(join(dir.path, DATABASE_FILE), false, randomUUID());
    // A core that ran in a process that has exited since.
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = await new Promise<number>((resolve) => gone.on('exit', () => resolve(gone.pid!)));
    store.db.prepare('INSERT INTO instances (id, pid, host, boot_at, started_at) VALUES (?, ?, ?, ?, ?)').run('gone-core', pid, (await import('node:os')).hostname(), Date.now() - (await import('node:os')).uptime() * 1000, 1);
    store.db
      .prepare(`INSERT INTO operations (id, connection_id, kind, key_id, state, step, input_json, created_at, updated_at, owner) VALUES (?, ?, 'delete', 'k', 'pending', 'calling-backend', '{}', 1, 1, 'gone-core')`)
      .run('op-left-behind', connectionId);
    const op = store.journal.get('op-left-behind')!;
    const rival = createStore(join(dir.path, DATABASE_FILE), false, randomUUID());
    rival.instances.register(Date.now());
    store.instances.register(Date.now());
    expect([store.journal.claim(op), rival.journal.claim(op)]).toEqual([true, false]);
    // A live core's work is not taken, even by a core that asks.
    expect(rival.journal.claim(store.journal.get('op-left-behind')!)).toBe(false);
    store.close();
    // Once its core has closed too, the next core to start recovers it.
    const third = open();
    others.push(third);
    expect(onDisk<{ state: string; owner: string }>(`SELECT state, owner FROM operations WHERE id = 'op-left-behind'`).state).toBe('failed');
    rival.close();
  });

  it('tells its listeners what another process changed, so the window follows a script', async () => {
    await first.close();
    first = open({ otherWritersCheckMs: 50 });
    const heard: string[] = [];
    first.events.on('inventory.changed', (e) => heard.push(`inventory ${e.connectionId}`));
    first.events.on('rotation.changed', (e) => heard.push(`rotation ${e.operationId}`));
    first.events.on('connections.changed', () => heard.push('connections'));
    // Its own writes are its own events, not a change from elsewhere.
    await first.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'made-here' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    heard.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toEqual([]);

    const script = open({ headless: true });
    others.push(script);
    const { key } = await script.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'made-elsewhere' });
    await expect.poll(() => heard, { timeout: 3000 }).toContain(`inventory ${connectionId}`);
    expect(heard).toContain('connections');
    const started = await script.api.rotation.start({ connectionId, keyId: key.id });
    await expect.poll(() => heard, { timeout: 3000 }).toContain(`rotation ${started.operationId}`);
    // And once it is over there, the window hears of it too (the banner goes).
    heard.length = 0;
    await script.api.rotation.cancel({ operationId: started.operationId });
    await expect.poll(() => heard, { timeout: 3000 }).toContain(`rotation ${started.operationId}`);
    expect(await first.api.rotation.list()).toEqual([]);
    // Cancelled before its secret was seen: the secret of the deleted key is not offered again.
    expect((await first.api.reveal.pending()).filter((p) => p.operationId === started.operationId)).toEqual([]);
    expect(await createKeytarSecretStore().get(heldSecretAccount(started.operationId))).toBeNull();
  });

  it('never turns a write transaction into SQLITE_BUSY when another process commits meanwhile', async () => {
    const file = join(dir.path, DATABASE_FILE);
    // Another process committing small writes as fast as it can, until told to stop.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const Database = require('better-sqlite3'); const db = new Database(${JSON.stringify(file)}); db.pragma('busy_timeout = 5000');
         db.exec('CREATE TABLE IF NOT EXISTS scratch (n INTEGER)'); const put = db.prepare('INSERT INTO scratch VALUES (1)');
         let stop = false; process.stdin.on('end', () => { stop = true; }); process.stdin.resume(); console.log('ready');
         (function loop() { if (stop) { db.close(); return; } for (let i = 0; i < 20; i++) put.run(); setImmediate(loop); })();`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => writer.stdout.once('data', resolve));
    const store = createStore(file, false, randomUUID());
    let busy = 0;
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      try {
        // Read, let the other process commit, then write: what a sync's snapshot swap does.
        store.transaction(() => {
          store.settings.get('probe', 0);
          const pause = Date.now() + 2;
          while (Date.now() < pause);
          store.settings.set('probe', Date.now());
        });
      } catch (error) {
        if (/SQLITE_BUSY|locked/i.test(String((error as Error).message) + String((error as { code?: string }).code))) busy++;
        else throw error;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    writer.stdin.end();
    await new Promise((resolve) => writer.on('exit', resolve));
    store.close();
    expect(busy).toBe(0);
  });
});
