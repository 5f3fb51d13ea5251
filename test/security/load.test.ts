// Load: ten connections on five kinds of backend sync concurrently while the user creates,
// renames, deactivates, bulk-deactivates, searches and fills the vault — and another process
// reads the same database the whole time. No deadlock, no "database is locked" reaching the user,
// and once things are quiet the cache agrees with itself and with every operation's effect.
// Real sandboxes on 127.0.0.1, a real SQLite file, the real keychain.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import type { KeyView } from '../../src-preload/contract.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox, type EnvZeroSandbox } from '../backends/envzero/server.ts';
import { startLangwatchSandbox, type LangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox, type OnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';
import { TEST_KDF } from '../support/vault-service.ts';
import { recordFigures, setting } from './figures.ts';

const KEYS_PER_RANCHER = setting(600, 5000);
const ROUNDS = setting(2, 6);
const LOCKED = /SQLITE_BUSY|database is locked|SQLITE_LOCKED/i;

let dir: ReturnType<typeof tempDir>;
let core: Core;
const rancher: RancherSandbox[] = [];
let deepset: DeepsetSandbox[] = [];
let langwatch: LangwatchSandbox;
let onyx: OnyxSandbox;
let envzero: EnvZeroSandbox;
const rancherConnections: string[] = [];
const connectionIds: string[] = [];

async function everyKey(connectionId: string): Promise<KeyView[]> {
  const rows: KeyView[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await core.api.keys.list({ connectionId, offset, limit: 1000, sort: { column: 'name', direction: 'asc' } });
    rows.push(...page.rows);
    if (rows.length >= page.total || page.rows.length === 0) return rows;
  }
}

/** What a person sees of one connection: every key's id, name and status. */
async function view(connectionId: string): Promise<string> {
  return JSON.stringify((await everyKey(connectionId)).map((k) => [k.id, k.name, k.status]).sort());
}

/** Another process reading the database in a loop, counting "locked" answers, until stdin closes. */
function startReader(file: string) {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)}, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 0');
    let reads = 0, locked = 0, stop = false;
    process.stdin.on('end', () => { stop = true; }); process.stdin.resume();
    (function loop() {
      if (stop) { console.log(JSON.stringify({ reads, locked })); db.close(); return; }
      try { db.prepare('SELECT count(*) AS n, max(name) FROM keys').get(); reads++; }
      catch (e) { if (/BUSY|LOCKED/.test(String(e.code))) locked++; else throw e; }
      setImmediate(loop);
    })();`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return {
    stop: () =>
      new Promise<{ reads: number; locked: number }>((resolve, reject) => {
        child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { reads: number; locked: number }) : reject(new Error(`reader exited ${code}`))));
        child.stdin.end();
      }),
  };
}

beforeAll(async () => {
  dir = tempDir();
  core = createCore({ dataDir: dir.path, syncIntervalMs: 0, http: { timeoutMs: 10_000, retries: 1, backoffMs: 5 }, vaultKdf: TEST_KDF });
  await core.api.vault.setup({ passphrase: 'load test vault passphrase' });
  for (let i = 0; i < 5; i++) {
    const sandbox = await startRancherSandbox({ settleMs: 5 });
    sandbox.seedKeys(sandbox.ids.user, KEYS_PER_RANCHER, { namePrefix: `fleet${i}` });
    // Every page takes a moment, so syncs overlap each other and the user's operations.
    sandbox.faults.add({ kind: 'latency', ms: 15, path: '/apikeys' });
    rancher.push(sandbox);
    const c = await core.api.connections.add({ kind: 'rancher', name: `Rancher ${i}`, baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
    rancherConnections.push(c.id);
  }
  deepset = [await startDeepsetSandbox(), await startDeepsetSandbox()];
  for (const [i, sandbox] of deepset.entries()) {
    sandbox.seedKeys(setting(300, 2000));
    const c = await core.api.connections.add({ kind: 'deepset', name: `deepset ${i}`, baseUrl: `${sandbox.url}/api/v1`, credential: { type: 'token', token: sandbox.credentials.admin }, credentialKind: 'user-token' });
    connectionIds.push(c.id);
  }
  langwatch = await startLangwatchSandbox({ era: 'B' });
  onyx = await startOnyxSandbox({ variant: 'groups' });
  envzero = await startEnvZeroSandbox({ listLagMs: 0 });
  const others = await Promise.all([
    core.api.connections.add({ kind: 'langwatch', name: 'LangWatch', baseUrl: `${langwatch.url}/api/api-keys`, credential: { type: 'token', token: langwatch.credentials.admin } }),
    core.api.connections.add({ kind: 'onyx', name: 'Onyx', baseUrl: `${onyx.url}/api/`, credential: { type: 'token', token: onyx.credentials.adminPat } }),
    core.api.connections.add({
      kind: 'envzero',
      name: 'env zero',
      baseUrl: `${envzero.url}/`,
      credential: { type: 'key-pair', accessKey: envzero.credentials.admin.apiKeyId, secretKey: envzero.credentials.admin.apiKeySecret },
    }),
  ]);
  connectionIds.push(...rancherConnections, ...others.map((c) => c.id));
  const first = await core.api.sync.all();
  expect(first.runs.map((r) => [r.connectionId, r.result]).filter(([, result]) => result !== 'ok')).toEqual([]);
}, 120_000);

afterAll(async () => {
  for (const entry of await core.api.vault.list().catch(() => [])) await core.api.vault.remove({ id: entry.id }).catch(() => undefined);
  for (const c of await core.api.connections.list().catch(() => [])) await core.api.connections.remove({ connectionId: c.id }).catch(() => undefined);
  await core.close();
  await Promise.all([...rancher, ...deepset, langwatch, onyx, envzero].map((s) => s.close()));
  dir.cleanup();
});

describe('ten connections syncing while the user works', () => {
  it('never deadlocks, never shows a locked database, and ends consistent', async () => {
    const started = Date.now();
    const reader = startReader(join(dir.path, DATABASE_FILE));
    const failures: string[] = [];
    let operations = 0;
    let syncRuns = 0;
    const run = async <T>(label: string, call: () => Promise<T>): Promise<T | undefined> => {
      operations++;
      try {
        return await call();
      } catch (error) {
        failures.push(`${label}: ${error instanceof ApiError ? `${error.kind} ${error.message}` : String(error)}`);
        return undefined;
      }
    };

    const created: Array<{ connectionId: string; keyId: string; name: string }> = [];
    const renamed: Array<{ connectionId: string; keyId: string; name: string }> = [];
    const deactivated: Array<{ connectionId: string; keyId: string }> = [];
    let bulkDeactivated: Array<{ connectionId: string; keyId: string }> = [];
    const vaultIds: string[] = [];

    const userWork = async (round: number) => {
      for (const [i, connectionId] of rancherConnections.entries()) {
        const sandbox = rancher[i]!;
        const made = await run('keys.create', () =>
          core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: `load-${round}-${i}` }),
        );
        if (made) {
          created.push({ connectionId, keyId: made.key.id, name: made.key.name });
          await run('reveal.take', () => core.api.reveal.take({ slotId: made.revealSlotId }));
          await run('reveal.done', () => core.api.reveal.done({ slotId: made.revealSlotId, seen: true }));
        }
        const page = await run('keys.list', () => core.api.keys.list({ connectionId, query: `fleet${i}-${round}`, limit: 20 }));
        const [first, second] = (page?.rows ?? []).filter((k) => k.status === 'active');
        if (first) {
          const name = `renamed-${round}-${i}`;
          if (await run('keys.update', () => core.api.keys.update({ connectionId, keyId: first.id, name, description: null }))) {
            renamed.push({ connectionId, keyId: first.id, name });
          }
        }
        if (second && (await run('keys.setActive', () => core.api.keys.setActive({ connectionId, keyId: second.id, active: false })))) {
          deactivated.push({ connectionId, keyId: second.id });
        }
      }
      const entry = await run('vault.add', () => core.api.vault.add({ name: `load ${round}`, service: 'Load', fields: [{ label: 'Token', value: `load-secret-${round}`, secret: true }] }));
      if (entry) vaultIds.push(entry.id);
      await run('keys.list (all)', () => core.api.keys.list({ query: 'fleet', limit: 200 }));
    };

    for (let round = 0; round < ROUNDS; round++) {
      const syncs = core.api.sync.all().then((all) => {
        syncRuns += all.runs.length;
        for (const r of all.runs) if (r.result !== 'ok') failures.push(`sync ${r.connectionId}: ${r.result} ${r.error?.message ?? ''}`);
      });
      const bulk = round === 0
        ? run('bulk', async () => {
            const plan = await core.api.bulk.plan({ action: 'deactivate', connectionIds: [rancherConnections[4]!], query: 'fleet4-7', statuses: ['active'] });
            bulkDeactivated = plan.items.map((item) => ({ connectionId: item.connectionId, keyId: item.keyId }));
            return core.api.bulk.run({ planId: plan.planId, confirmCount: plan.count });
          })
        : Promise.resolve();
      await Promise.all([syncs, bulk, userWork(round), run('sync.run', () => core.api.sync.run({ connectionId: connectionIds[0]! }))]);
    }
    const { reads, locked } = await reader.stop();

    // Quiet now: one sync brings the cache level with every backend; a second finds nothing new.
    const settle = await core.api.sync.all();
    expect(settle.runs.every((r) => r.result === 'ok')).toBe(true);
    const before = await Promise.all(connectionIds.map(view));
    const again = await core.api.sync.all();
    const after = await Promise.all(connectionIds.map(view));
    const inconsistent = connectionIds.filter((_, i) => before[i] !== after[i]).length + again.runs.filter((r) => r.result !== 'ok').length;

    // Every operation's effect is in the cache.
    const missing: string[] = [];
    const keyOf = (connectionId: string, keyId: string) => core.api.keys.get({ connectionId, keyId });
    for (const c of created) if ((await keyOf(c.connectionId, c.keyId)).name !== c.name) missing.push(`created ${c.name}`);
    for (const r of renamed) if ((await keyOf(r.connectionId, r.keyId)).name !== r.name) missing.push(`renamed ${r.name}`);
    for (const d of [...deactivated, ...bulkDeactivated]) if ((await keyOf(d.connectionId, d.keyId)).status !== 'inactive') missing.push(`deactivated ${d.keyId}`);
    if ((await core.api.vault.list()).length !== vaultIds.length) missing.push('vault entries');

    const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
    const integrity = db.pragma('integrity_check', { simple: true });
    db.close();
    const logged = readFileSync(join(dir.path, 'logs', 'keyfleet.log'), 'utf8');
    const lockedSurfaced = failures.filter((f) => LOCKED.test(f)).length + (LOCKED.test(logged) ? 1 : 0);
    const wallMs = Date.now() - started;

    console.log(`load: ${connectionIds.length} connections, ${syncRuns} syncs, ${operations} user operations in ${wallMs} ms; reader ${reads} reads, ${locked} locked`);
    recordFigures('load', [
      { figure: 'connections syncing concurrently', value: connectionIds.length, target: '10', ok: connectionIds.length === 10 },
      { figure: 'sync runs during user work', value: syncRuns, target: `≥ ${10 * ROUNDS}`, ok: syncRuns >= 10 * ROUNDS },
      { figure: 'user operations', value: operations, target: '> 0', ok: operations > 0 },
      { figure: 'failed operations or syncs', value: failures.length, target: '0', ok: failures.length === 0, detail: failures.slice(0, 5).join(' | ') },
      { figure: 'SQLITE_BUSY surfaced', value: lockedSurfaced, target: '0', ok: lockedSurfaced === 0 },
      { figure: 'reader locked out', value: locked, target: '0', ok: locked === 0, detail: `${reads} reads` },
      { figure: 'inconsistent connections', value: inconsistent, target: '0', ok: inconsistent === 0 },
      { figure: 'operation effects missing', value: missing.length, target: '0', ok: missing.length === 0 },
    ]);

    expect(failures).toEqual([]);
    expect(lockedSurfaced).toBe(0);
    expect(locked).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(integrity).toBe('ok');
    expect(inconsistent).toBe(0);
    expect(missing).toEqual([]);
    expect(created.length).toBe(5 * ROUNDS);
    expect(renamed.length).toBeGreaterThan(0);
    expect(bulkDeactivated.length).toBeGreaterThan(0);
  }, 300_000);
});
