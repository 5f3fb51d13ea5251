// Crash consistency: a core in a child process (test/support/crash-child.ts) syncs a big Rancher
// sandbox in a loop while it runs bulk actions and composed rotations, and is killed with SIGKILL
// at random moments: a random time after start, the n-th time a rotation reaches a journal step,
// just after a sync fetched everything (so the kill lands before or inside the snapshot swap), or
// while a bulk action runs. The sandbox lives in this process and survives every kill. After each
// kill, on the data dir as the dead process left it:
//   1. PRAGMA integrity_check (and foreign_key_check) is clean;
//   2. no sync is half-applied: the connection's scopes, keys and change log are exactly those of
//      its last complete sync run, plus what journaled operations wrote since (checkSyncState);
//   3. a core restarted here resumes or rolls back every journaled operation, and what is left for
//      the user (a rotation waiting for its reveal or its deployment check) can be finished: no
//      operation stays in a non-terminal state;
//   4. every secret the sandbox issued through Keyfleet, for a key that still exists, was revealed
//      before the kill or is offered by a pending reveal; and no such secret is in any file of the
//      data dir.
// KEYFLEET_CRASH_SEED=<seed> replays the choices of a run (the kills land at the same kinds of
// points, not at the same instants). KEYFLEET_STRESS=1 runs the full count; KEYFLEET_CRASH_DEBUG=1
// prints the calls that failed in each child.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { heldSecretAccount } from '../../src-main/services/reveal.ts';
import { createStore } from '../../src-main/store/index.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import type { WorkloadPlan } from '../support/crash-child.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { createRng, type Rng } from './fuzz-inputs.ts';
import { recordFigures, setting, STRESS, type Figure } from './figures.ts';

const KILLS = setting(10, 60);
/** Keys that make a sync long enough to be killed in (its swap writes every one of them). */
const LOAD_KEYS = setting(2500, 4000);
const BULK_GROUPS = 6;
const DELETE_GROUPS = setting(6, 24);
const ROTATION_KEYS = 6;
const ROTATION_PREFIX = 'rot-';
/** Rotation journal steps (the core's onStep hook) and the child's own points: a secret just held, just revealed. */
const STEPS = ['creating', 'twin-created', 'held', 'awaiting-reveal', 'revealed', 'deployed', 'retiring', 'done'] as const;
const GONE = new Set(['removing', 'removed', 'purging', 'purged']);
const SEED = crashSeed(process.env.KEYFLEET_CRASH_SEED);

function crashSeed(env: string | undefined): number {
  if (env !== undefined && env.trim() !== '') {
    const seed = Number(env.trim());
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`KEYFLEET_CRASH_SEED must be a non-negative integer, not ${JSON.stringify(env)}`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

type Trigger =
  | { kind: 'timer'; delayMs: number }
  | { kind: 'step'; step: (typeof STEPS)[number]; nth: number }
  | { kind: 'event'; event: 'sync-fetched' | 'bulk-running'; nth: number; delayMs: number };

function chooseTrigger(rng: Rng): Trigger {
  const r = rng.next();
  if (r < 0.3) return { kind: 'timer', delayMs: rng.int(3500) };
  if (r < 0.6) return { kind: 'step', step: rng.pick(STEPS), nth: 1 + rng.int(2) };
  if (r < 0.8) return { kind: 'event', event: 'sync-fetched', nth: 1 + rng.int(2), delayMs: rng.int(40) };
  return { kind: 'event', event: 'bulk-running', nth: 1 + rng.int(2), delayMs: rng.int(150) };
}

const describeTrigger = (t: Trigger) =>
  t.kind === 'timer' ? `${t.delayMs} ms after ready` : t.kind === 'step' ? `step ${t.step} #${t.nth}` : `${t.delayMs} ms after ${t.event} #${t.nth}`;

interface Line {
  event: string;
  [field: string]: unknown;
}

interface ChildRun {
  lines: Line[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let connectionId: string;
/** sandbox.issuedSecrets() before the workload: the seeded keys' secrets never went through Keyfleet. */
let baseline: number;
let running: ChildProcess | undefined;

const openCore = () => createCore({ dataDir: dir.path, http: { timeoutMs: 5000, retries: 0 }, syncIntervalMs: 0 });

// ---------------------------------------------------------------- check 2: no half-applied sync

interface RunRow {
  id: number;
  result: string;
  finished_at: number | null;
  scopes: number;
  keys: number;
  added: number;
  removed: number;
  changed: number;
}

/**
 * A sync fetches everything, then swaps the connection's scopes and keys, writes its change log,
 * marks its run 'ok' and the connection synced, all in one transaction. So on disk, whatever the
 * moment of a kill, the state is that of the last 'ok' run L plus what journaled operations wrote
 * after it:
 *   - change-log rows of a sync belong to an 'ok' run, and an 'ok' run has exactly as many as it
 *     counted (added + removed + changed);
 *   - the connection's last success is L's finish time, and its scopes are L's (their number);
 *   - a present key was last written by an 'ok' run (last_seen_at = that run's time; a sync leaves
 *     an unchanged row as it was), or by an operation of the journal that names it (the key, the
 *     rotated key or its twin) while that operation ran; a ghost row was marked gone by an 'ok' run;
 *   - no more present keys came from syncs than L fetched.
 * A swap cut in the middle, or a run record committed without its swap (or the reverse), leaves
 * keys or change rows of a run that is not 'ok', or more keys than L fetched, and is reported.
 */
function checkSyncState(db: Database.Database, connection: string): string[] {
  const problems: string[] = [];
  const runs = db.prepare('SELECT * FROM sync_runs WHERE connection_id = ? ORDER BY id').all(connection) as RunRow[];
  const ok = runs.filter((r) => r.result === 'ok');
  const last = ok.at(-1);
  if (!last || last.finished_at === null) return ['no complete sync run'];
  const okTimes = new Set(ok.map((r) => r.finished_at));

  const stray = db
    .prepare(
      `SELECT c.sync_run_id AS run, count(*) AS n FROM changes c LEFT JOIN sync_runs r ON r.id = c.sync_run_id
       WHERE c.connection_id = ? AND c.source = 'sync' AND (r.id IS NULL OR r.result <> 'ok') GROUP BY c.sync_run_id`,
    )
    .all(connection) as Array<{ run: number | null; n: number }>;
  for (const s of stray) problems.push(`${s.n} change rows of sync run ${s.run} that did not complete`);
  const perRun = new Map(
    (
      db
        .prepare(`SELECT sync_run_id AS run, count(*) AS n, sum(key_id = '') AS summary FROM changes WHERE connection_id = ? AND sync_run_id IS NOT NULL GROUP BY sync_run_id`)
        .all(connection) as Array<{ run: number; n: number; summary: number }>
    ).map((r) => [r.run, r]),
  );
  for (const run of ok) {
    const logged = perRun.get(run.id);
    // A connection's first sync logs one line for every key it found.
    const expected = logged?.summary ? 1 + run.removed + run.changed : run.added + run.removed + run.changed;
    if ((logged?.n ?? 0) !== expected) problems.push(`run ${run.id} counted ${run.added + run.removed + run.changed} changes but logged ${logged?.n ?? 0}`);
  }

  const conn = db.prepare('SELECT last_success_at FROM connections WHERE id = ?').get(connection) as { last_success_at: number | null } | undefined;
  if (conn?.last_success_at !== last.finished_at) problems.push(`connection last synced at ${conn?.last_success_at}, its last complete run finished at ${last.finished_at}`);
  const scopes = (db.prepare('SELECT count(*) AS n FROM scopes WHERE connection_id = ?').get(connection) as { n: number }).n;
  if (scopes !== last.scopes) problems.push(`${scopes} scopes cached, the last complete run fetched ${last.scopes}`);

  const ops = (
    db.prepare('SELECT key_id, state, input_json, created_at, updated_at FROM operations WHERE connection_id = ?').all(connection) as Array<{
      key_id: string | null;
      state: string;
      input_json: string;
      created_at: number;
      updated_at: number;
    }>
  ).map((op) => {
    const input = JSON.parse(op.input_json) as { newKeyId?: string | null; oldKeyId?: string };
    return { ...op, keys: new Set([op.key_id, input.newKeyId, input.oldKeyId].filter((k): k is string => typeof k === 'string')) };
  });
  const writtenByOperation = (keyId: string, at: number) =>
    ops.some((op) => op.keys.has(keyId) && op.created_at <= at && (op.state === 'pending' || at <= op.updated_at));

  const keys = db.prepare('SELECT id, last_seen_at, gone_since, hold_until FROM keys WHERE connection_id = ?').all(connection) as Array<{
    id: string;
    last_seen_at: number;
    gone_since: number | null;
    hold_until: number | null;
  }>;
  let fromLast = 0;
  /** Present keys the last complete run must have fetched (not since written by an operation, not held). */
  let fromSyncs = 0;
  const unexplained: string[] = [];
  for (const key of keys) {
    if (key.gone_since !== null) {
      if (!okTimes.has(key.gone_since)) unexplained.push(`${key.id} marked gone at ${key.gone_since}, by no complete run`);
    } else if (key.last_seen_at === last.finished_at) {
      fromLast++;
      fromSyncs++;
    } else if (okTimes.has(key.last_seen_at)) {
      fromSyncs++;
      // unchanged since an earlier complete sync wrote it (a sync leaves unchanged rows alone)
    } else if (writtenByOperation(key.id, key.last_seen_at)) {
      // written by an operation (and unchanged since, or after the last sync)
    } else if (key.hold_until !== null && key.hold_until > last.finished_at) {
      // held by Keyfleet (a key just created or revoked) while the backend's list lags
    } else {
      unexplained.push(`${key.id} last written at ${key.last_seen_at}, neither by run ${last.id} (${last.finished_at}) nor by an operation`);
    }
  }
  if (unexplained.length > 0) problems.push(`${unexplained.length} keys not from a complete sync, e.g. ${unexplained.slice(0, 3).join('; ')}`);
  if (fromLast > last.keys) problems.push(`${fromLast} keys carry run ${last.id}'s time, it fetched ${last.keys}`);
  // A sync leaves unchanged rows as they were, so a run recorded without its swap shows in its count.
  if (fromSyncs > last.keys) problems.push(`${fromSyncs} keys cached as present from syncs, the last complete run ${last.id} fetched ${last.keys}`);
  return problems;
}

/** Check 1 and 2 on the database file as a killed process left it. */
function inspectDatabase(): { integrity: string[]; sync: string[] } {
  const db = new Database(join(dir.path, DATABASE_FILE));
  try {
    const integrity: string[] = [];
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') integrity.push(`integrity_check: ${String(result)}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length > 0) integrity.push(`foreign_key_check: ${fk.length} rows`);
    return { integrity, sync: integrity.length ? [] : checkSyncState(db, connectionId) };
  } finally {
    db.close();
  }
}

function pendingOperations(): Array<{ id: string; kind: string; step: string | null }> {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare(`SELECT id, kind, step FROM operations WHERE state = 'pending'`).all() as Array<{ id: string; kind: string; step: string | null }>;
  } finally {
    db.close();
  }
}

/** Operations that may have held a new secret, finished and not waiting for a reveal (nor for a release retry). */
function finishedHolders(): Array<{ id: string; kind: string; state: string; step: string | null }> {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    const row = db.prepare(`SELECT value_json FROM settings WHERE key = 'reveal.unreleased'`).get() as { value_json: string } | undefined;
    const retrying = new Set(row ? (JSON.parse(row.value_json) as string[]) : []);
    const ops = db
      .prepare(`SELECT id, kind, state, step FROM operations WHERE kind IN ('create', 'rotate') AND state <> 'pending' AND step IS NOT 'awaiting-reveal'`)
      .all() as Array<{ id: string; kind: string; state: string; step: string | null }>;
    return ops.filter((op) => !retrying.has(op.id));
  } finally {
    db.close();
  }
}

function operationIds(): string[] {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT id FROM operations').all() as Array<{ id: string }>).map((r) => r.id);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- the child

function runChild(plan: WorkloadPlan, trigger: Trigger): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['test/support/crash-child.ts', 'workload', dir.path, connectionId, JSON.stringify(plan)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running = child;
    const lines: Line[] = [];
    let buffer = '';
    let stderr = '';
    const timers: NodeJS.Timeout[] = [];
    let armed = false;
    const kill = () => child.kill('SIGKILL');
    const after = (ms: number) => timers.push(setTimeout(kill, ms));
    const seen = new Map<string, number>();
    after(30_000); // never started: killed, and failed below for want of 'ready'
    const onLine = (line: Line) => {
      lines.push(line);
      const n = (seen.get(line.event) ?? 0) + 1;
      seen.set(line.event, n);
      if (line.event === 'ready') {
        if (trigger.kind === 'timer') after(trigger.delayMs);
        after(15_000); // a trigger that never came: a kill at a random point all the same
      }
      if (trigger.kind === 'event' && line.event === trigger.event && n === trigger.nth && !armed) {
        armed = true;
        after(trigger.delayMs);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (text.trim()) onLine(JSON.parse(text) as Line);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      running = undefined;
      if (buffer.trim()) lines.push({ event: 'partial', text: buffer });
      resolve({ lines, code, signal, stderr });
    });
  });
}

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5, purgeAfterMs: 6 * 60 * 60 * 1000 });
  const user = sandbox.ids.user;
  sandbox.seedKeys(user, LOAD_KEYS, { namePrefix: 'load' });
  for (let g = 0; g < BULK_GROUPS; g++) sandbox.seedKeys(user, 4, { namePrefix: `bulk${g}x` });
  for (let g = 0; g < DELETE_GROUPS; g++) sandbox.seedKeys(user, 3, { namePrefix: `del${g}x` });
  sandbox.seedKeys(user, ROTATION_KEYS + 1, { namePrefix: 'rot' }); // rot-0 is seeded inactive
  dir = tempDir('keyfleet-crash-');
  const core = openCore();
  try {
    const connection = await core.api.connections.add({
      kind: 'rancher',
      name: 'Crashing',
      baseUrl: sandbox.url,
      credential: { type: 'key-pair', ...sandbox.credentials.user },
    });
    connectionId = connection.id;
    await core.api.sync.run({ connectionId });
  } finally {
    await core.close();
  }
  baseline = sandbox.issuedSecrets().length;
  // Every page of a key list is slow, so a sync is in flight most of the time.
  sandbox.faults.add({ kind: 'latency', ms: 120, method: 'GET', path: /apikeys\?/ });
}, 60_000);

afterAll(async () => {
  const child = running;
  if (child) await new Promise((resolve) => child.once('close', resolve).kill('SIGKILL'));
  if (dir && connectionId) {
    // Leave nothing in the keychain: unseen secrets, the connection's credential, held secrets.
    const core = openCore();
    try {
      await core.ready;
      for (const pending of await core.api.reveal.pending()) {
        const { revealSlotId } = await core.api.reveal.reopen({ operationId: pending.operationId }).catch(() => ({ revealSlotId: null }));
        if (revealSlotId) await core.api.reveal.done({ slotId: (await core.api.reveal.take({ slotId: revealSlotId })).slotId, seen: true });
      }
      await core.api.connections.remove({ connectionId });
    } finally {
      await core.close();
    }
    const keychain = createKeytarSecretStore();
    let leftovers = 0;
    for (const id of operationIds()) if (await keychain.delete(heldSecretAccount(id))) leftovers++;
    if (leftovers > 0) console.log(`crash: removed ${leftovers} held secrets of finished operations from the keychain`);
  }
  dir?.cleanup();
  await sandbox?.close();
}, 60_000);

// ---------------------------------------------------------------- the tests

describe('crash consistency (SIGKILL during syncs, bulk actions and rotations)', () => {
  it('the half-applied-sync check reports a swap cut short, a swap without its run, and a run without its swap', () => {
    const copy = (name: string) => {
      const target = tempDir(`keyfleet-crash-${name}-`);
      cpSync(dir.path, target.path, { recursive: true });
      return target;
    };
    const check = (path: string) => {
      const db = new Database(join(path, DATABASE_FILE));
      try {
        return checkSyncState(db, connectionId);
      } finally {
        db.close();
      }
    };
    expect(check(dir.path)).toEqual([]);

    // Half of the keys written by a sync that never finished (a swap outside its transaction).
    const half = copy('half');
    {
      const store = createStore(join(half.path, DATABASE_FILE));
      const runId = store.syncRuns.start(connectionId, Date.now());
      const keys = store.inventory.keys({ connectionId, offset: 0, limit: 100_000 }).rows;
      for (const key of keys.slice(0, keys.length / 2)) store.db.prepare('UPDATE keys SET last_seen_at = ? WHERE connection_id = ? AND id = ?').run(Date.now() + 1, connectionId, key.id);
      store.syncRuns.abandonUnfinished(Date.now() + 2);
      expect(runId).toBeGreaterThan(0);
      store.close();
    }
    expect(check(half.path).join('\n')).toMatch(/keys not from a complete sync/);
    half.cleanup();

    // The whole swap committed, with one renamed key, but not the run's record.
    const swapOnly = copy('swap');
    {
      const store = createStore(join(swapOnly.path, DATABASE_FILE));
      const runId = store.syncRuns.start(connectionId, Date.now());
      const scopes = store.inventory.listScopes(connectionId);
      const keys = store.inventory.keys({ connectionId, offset: 0, limit: 100_000 }).rows.filter((k) => k.goneSince === null);
      keys[0] = { ...keys[0]!, name: `${keys[0]!.name}-renamed` };
      store.inventory.replaceSnapshot(connectionId, scopes, keys, runId, Date.now() + 1);
      store.syncRuns.abandonUnfinished(Date.now() + 2);
      store.close();
    }
    const swapProblems = check(swapOnly.path).join('\n');
    expect(swapProblems).toMatch(/change rows of sync run \d+ that did not complete/);
    expect(swapProblems).toMatch(/keys not from a complete sync/);
    swapOnly.cleanup();

    // The run recorded as complete, the connection marked synced, but the swap never written.
    const runOnly = copy('run');
    {
      const store = createStore(join(runOnly.path, DATABASE_FILE));
      const runId = store.syncRuns.start(connectionId, Date.now());
      const at = Date.now() + 1;
      store.syncRuns.succeed(runId, at, { added: 0, removed: 0, changed: 0, scopes: store.inventory.listScopes(connectionId).length, keys: 10 });
      store.connections.markSynced(connectionId, at);
      store.close();
    }
    expect(check(runOnly.path).join('\n')).toMatch(/keys cached as present from syncs, the last complete run \d+ fetched 10/);
    runOnly.cleanup();
  });

  it(
    `is killed ${STRESS ? 'at least 50' : KILLS} times: the database stays intact, no sync is half-applied, no operation is stuck, no secret is lost or written to disk`,
    async () => {
      console.log(`crash: seed ${SEED} (replay with KEYFLEET_CRASH_SEED=${SEED}), ${KILLS} kills, ${LOAD_KEYS} keys in the sandbox`);
      const rng = createRng(SEED);
      /** Secret → access key, for every secret a user has seen (the child revealed it, or we did). */
      const seen = new Map<string, string>();
      const integrityFailures: string[] = [];
      const halfApplied: string[] = [];
      const stuck = new Map<string, string>();
      const lost = new Map<string, string>();
      const onDisk = new Set<string>();
      const orphaned = new Map<string, string>();
      const checkedHolders = new Set<string>();
      const keychain = createKeytarSecretStore();
      const mix = new Map<string, number>();
      let kills = 0;
      let swapKills = 0;
      let revealedByChild = 0;
      let revealedAfter = 0;
      let resumed = 0;

      for (let i = 0; i < KILLS; i++) {
        const trigger = chooseTrigger(rng);
        const plan: WorkloadPlan = {
          seed: rng.int(2 ** 31),
          crashAt: trigger.kind === 'step' ? `${trigger.step}#${trigger.nth}` : undefined,
          bulkGroups: BULK_GROUPS,
          deleteGroups: DELETE_GROUPS,
          rotationPrefix: ROTATION_PREFIX,
        };
        const child = await runChild(plan, trigger);
        const tag = `kill ${i + 1} (${describeTrigger(trigger)})`;
        if (child.signal !== 'SIGKILL' || !child.lines.some((l) => l.event === 'ready')) {
          throw new Error(`${tag}: the child ended by itself (code ${child.code}, signal ${child.signal}):\n${child.stderr}\n${JSON.stringify(child.lines.slice(-5))}`);
        }
        kills++;
        const kind = trigger.kind === 'event' ? `after ${trigger.event}` : trigger.kind === 'step' ? 'at a step' : 'on a timer';
        mix.set(kind, (mix.get(kind) ?? 0) + 1);
        const lastEvent = child.lines.at(-1)!;
        if (lastEvent.event === 'sync-fetched') swapKills++;
        for (const line of child.lines) {
          if (line.event === 'revealed') {
            seen.set(String(line.secret), String(line.access));
            revealedByChild++;
          }
        }

        // 1 and 2: the files as the kill left them.
        const db = inspectDatabase();
        integrityFailures.push(...db.integrity.map((p) => `${tag}: ${p}`));
        if (db.sync.length > 0) halfApplied.push(`${tag}: ${db.sync.join('; ')}`);
        const issued = sandbox.issuedSecrets();
        const needles = [...issued.slice(baseline), sandbox.credentials.user.secretKey];
        for (const hit of scanForSecrets(dir.path, needles)) onDisk.add(`${tag}: ${hit.needle} in ${hit.file}`);

        // 3: restart; what the previous run left is resumed or rolled back.
        const core: Core = openCore();
        try {
          await core.ready;
          // Left for the user: a rotation waiting for its reveal, its deployment check or its retire time.
          const unresumable = (op: { kind: string; step: string | null }) =>
            op.kind !== 'rotate' || !['awaiting-reveal', 'revealed', 'deployed', 'retire-scheduled'].includes(op.step ?? '');
          for (const op of pendingOperations().filter(unresumable)) stuck.set(op.id, `${tag}: ${op.kind} left at ${op.step} after restart`);

          // 4: every unseen secret is offered again; seeing it is part of finishing the rotation.
          for (const pending of await core.api.reveal.pending()) {
            try {
              const { revealSlotId } = await core.api.reveal.reopen({ operationId: pending.operationId });
              const view = await core.api.reveal.take({ slotId: revealSlotId });
              seen.set(view.fields.find((f) => f.secret)!.value, view.fields[0]!.value);
              revealedAfter++;
              await core.api.reveal.done({ slotId: view.slotId, seen: true });
            } catch (error) {
              stuck.set(pending.operationId, `${tag}: its pending reveal failed: ${(error as Error).message}`);
            }
          }
          // The user finishes what waits for them: the deployment check, then retiring the old key.
          for (const rotation of await core.api.rotation.list()) {
            try {
              if (rotation.step === 'revealed') await core.api.rotation.confirmDeployed({ operationId: rotation.operationId });
              const done = await core.api.rotation.retire({ operationId: rotation.operationId });
              if (done.step !== 'done') stuck.set(rotation.operationId, `${tag}: rotation at ${done.step} after retiring`);
              else resumed++;
            } catch (error) {
              stuck.set(rotation.operationId, `${tag}: rotation at ${rotation.step} could not be finished: ${(error as Error).message}`);
            }
          }
          for (const op of pendingOperations()) stuck.set(op.id, `${tag}: ${op.kind} still pending at ${op.step}`);
        } finally {
          await core.close();
        }

        // Nothing of a finished operation stays behind in the keychain.
        for (const op of finishedHolders()) {
          if (checkedHolders.has(op.id)) continue;
          checkedHolders.add(op.id);
          if ((await keychain.get(heldSecretAccount(op.id))) !== null) {
            orphaned.set(op.id, `${tag}: ${op.kind} ${op.state} at ${op.step} still has its new secret held in the keychain`);
          }
        }

        // 4: nothing issued for a live key went unseen.
        const now = sandbox.issuedSecrets();
        for (const [secret, access] of seen) {
          const index = now.indexOf(secret);
          // The sandbox numbers credentials in the order it issues their secrets.
          expect(sandbox.key(`1c${index + 1}`)?.publicValue, 'a revealed secret belongs to the key it was revealed for').toBe(access);
        }
        for (let index = baseline; index < now.length; index++) {
          const key = sandbox.key(`1c${index + 1}`);
          if (!key || GONE.has(String(key.state)) || seen.has(now[index]!)) continue;
          lost.set(String(key.id), `${tag}: the secret of ${String(key.id)} (“${String(key.name)}”, ${String(key.state)}) was neither revealed nor pending`);
        }
        const summary = [db.integrity.length ? 'INTEGRITY' : '', db.sync.length ? 'HALF-APPLIED' : ''].filter(Boolean).join(' ');
        const count = (event: string) => child.lines.filter((l) => l.event === event).length;
        console.log(
          `crash: ${tag}: ${count('sync-done')} syncs, ${count('bulk-done')} bulk actions, ${count('finished')} rotations, ${count('operation-failed') + count('sync-failed')} failed calls; last ${lastEvent.event}${summary ? `: ${summary}` : ''}`,
        );
        if (process.env.KEYFLEET_CRASH_DEBUG) for (const l of child.lines.filter((l) => l.event.endsWith('failed'))) console.log(`  ${JSON.stringify(l)}`);
      }

      // The final state, after the last restart: still nothing on disk.
      for (const hit of scanForSecrets(dir.path, [...sandbox.issuedSecrets().slice(baseline), sandbox.credentials.user.secretKey])) {
        onDisk.add(`final: ${hit.needle} in ${hit.file}`);
      }
      const issuedCount = sandbox.issuedSecrets().length - baseline;
      const figures: Figure[] = [
        {
          figure: 'kills',
          value: kills,
          target: STRESS ? '≥ 50' : String(KILLS),
          ok: STRESS ? kills >= 50 : kills === KILLS,
          detail: `seed ${SEED}; ${[...mix].map(([k, n]) => `${n} ${k}`).join(', ')}; ${swapKills} right after a sync fetched everything`,
        },
        { figure: 'integrity failures', value: integrityFailures.length, target: '0', ok: integrityFailures.length === 0, detail: integrityFailures[0] },
        { figure: 'half-applied syncs', value: halfApplied.length, target: '0', ok: halfApplied.length === 0, detail: halfApplied[0] },
        {
          figure: 'stuck operations',
          value: stuck.size,
          target: '0',
          ok: stuck.size === 0,
          detail: stuck.size ? [...stuck.values()][0] : `${resumed} interrupted rotations finished after a restart`,
        },
        {
          figure: 'secrets lost',
          value: lost.size,
          target: '0',
          ok: lost.size === 0,
          detail: lost.size ? [...lost.values()][0] : `${issuedCount} issued: ${revealedByChild} revealed before a kill, ${revealedAfter} from pending reveals, the rest for deleted keys`,
        },
        { figure: 'secrets on disk', value: onDisk.size, target: '0', ok: onDisk.size === 0, detail: [...onDisk][0] },
        {
          figure: 'held secrets orphaned in the keychain',
          value: orphaned.size,
          target: '0',
          ok: orphaned.size === 0,
          detail: orphaned.size ? [...orphaned.values()][0] : `${checkedHolders.size} finished rotations checked`,
        },
      ];
      recordFigures('crash-consistency', figures);
      console.log(`crash: ${figures.map((f) => `${f.figure} ${f.value}`).join(', ')}`);

      expect(integrityFailures).toEqual([]);
      expect(halfApplied).toEqual([]);
      expect([...stuck.values()]).toEqual([]);
      expect([...lost.values()]).toEqual([]);
      expect([...onDisk]).toEqual([]);
      expect([...orphaned.values()]).toEqual([]);
      expect(figures.every((f) => f.ok)).toBe(true);
    },
    setting(150_000, 1_500_000),
  );
});
