// keyfleet interrupted: Ctrl-C and SIGTERM stop it at a safe point (a twin whose secret went
// nowhere is deleted again; a sync is cancelled with the cache untouched; a step under way
// finishes), and a kill -9 at any point leaves the journal to the next Keyfleet start, which rolls
// back or resumes the rotation as after a crash of the app — and the app shows it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyView } from '../../src-preload/contract.ts';
import { runCli } from '../../src-main/cli/main.ts';
import { createInterrupt, type Stream } from '../../src-main/cli/output.ts';
import { DATABASE_FILE } from '../../src-main/core.ts';
import { tempDir } from '../support/temp.ts';
import { keyfleet, startFleet, startKeyfleet, type Fleet } from './support.ts';

let fleet: Fleet;
let out: ReturnType<typeof tempDir>;
const printed: string[] = [];

const CREATE = { method: 'POST', path: /apikeys(?!.*action=)/i };
const DEACTIVATE = { method: 'POST', path: /action=deactivate/i };

/** Resolves once the sandbox has received (or `answered`) a request like `match`, from the `from`-th request on. */
function seen(match: { method: string; path: RegExp }, from: number, answered = false) {
  return expect
    .poll(() => fleet.rancher.requests.slice(from).some((r) => r.method === match.method && match.path.test(r.path) && (!answered || r.status !== 0)), { timeout: 8000 })
    .toBe(true);
}

const mark = () => fleet.rancher.requests.length;

/** keyfleet with `args`, sent `signal` while the sandbox holds a request like `match` for `ms`. */
async function signalDuring(match: { method: string; path: RegExp }, ms: number, signal: NodeJS.Signals, args: string[]) {
  fleet.rancher.faults.add({ ...match, kind: 'latency', ms, times: 1 });
  const from = mark();
  const child = startKeyfleet(args, fleet.env);
  await seen(match, from);
  child.kill(signal);
  const ran = await child.done;
  printed.push(ran.stdout, ran.stderr);
  return ran;
}

async function rancherKey(name: string): Promise<KeyView> {
  const app = fleet.open({ headless: true });
  try {
    return (await app.api.keys.list({ connectionId: fleet.ids.rancher, query: name, limit: 10 })).rows.find((k) => k.name === name)!;
  } finally {
    await app.close();
  }
}

const liveTwins = (name: string, oldId: string) =>
  fleet.rancher.keys(fleet.rancher.ids.user).filter((k) => k.name === name && k.id !== oldId && !['removing', 'removed', 'purged'].includes(String(k.state)));

beforeAll(async () => {
  fleet = await startFleet();
  out = tempDir();
  fleet.rancher.seedKeys(fleet.rancher.ids.user, 9, { namePrefix: 'kill' });
  expect((await keyfleet(['sync', '--connection', 'Rancher prod'], fleet.env)).code).toBe(0);
}, 60_000);
afterAll(async () => {
  fleet.expectNoSecrets(printed);
  out.cleanup();
  await fleet.close();
}, 60_000);

describe('Ctrl-C and SIGTERM', () => {
  it('Ctrl-C while the new key is being made: it is deleted again, the old key untouched, the file gone (exit 130)', async () => {
    const old = await rancherKey('kill-1');
    const file = join(out.path, 'interrupted.env');
    const ran = await signalDuring(CREATE, 1500, 'SIGINT', ['rotate', 'kill-1', '--yes', '--secret-out', file, '--retire', 'now']);
    expect(ran.code).toBe(130);
    expect(ran.stderr).toMatch(/Interrupted: the new key was deleted again before its secret was written anywhere; the old key is unchanged\./);
    expect(existsSync(file)).toBe(false);
    expect(liveTwins('kill-1', old.id)).toEqual([]);
    expect(fleet.rancher.key(old.id)!.state).toBe('active');
    // The app: nothing open, nothing to reveal, the rotation recorded as cancelled.
    const app = fleet.open();
    await app.ready;
    expect(await app.api.rotation.list()).toEqual([]);
    expect((await app.api.reveal.pending()).filter((p) => p.kind === 'rotate')).toEqual([]);
    expect((await app.api.journal.list({ limit: 1 })).rows[0]).toMatchObject({ action: 'key.rotate', result: 'failed', detail: 'cancelled; replacement deleted' });
    await app.close();
  });

  it('SIGTERM while the old key is being retired: that step finishes, the rotation is complete', async () => {
    const old = await rancherKey('kill-2');
    const ran = await signalDuring(DEACTIVATE, 1200, 'SIGTERM', ['rotate', 'kill-2', '--yes', '--secret-out', join(out.path, 'term.env'), '--retire', 'now']);
    expect(ran.stderr).toMatch(/stopping at the next safe point/);
    expect(ran).toMatchObject({ code: 0, stdout: 'The old key was deactivated.\n' });
    expect(fleet.rancher.key(old.id)!.state).toBe('inactive');
  });

  it('interrupted once the secret is written: stops before retiring; the app shows the rotation to continue', async () => {
    const old = await rancherKey('kill-3');
    const interrupt = createInterrupt();
    let secret = '';
    // stdout as a terminal-less pipe that, as the secret arrives, gets a Ctrl-C.
    const stdout: Stream = {
      write(chunk, callback) {
        secret += chunk;
        interrupt.raise('SIGINT');
        callback?.(null);
        return true;
      },
    };
    let stderr = '';
    const errors: Stream = { write: (chunk, callback) => ((stderr += chunk), callback?.(null), true) };
    const code = await runCli(['rotate', 'kill-3', '--yes', '--reveal', '--retire', 'now'], { stdout, stderr: errors, env: { ...process.env, ...fleet.env }, cwd: out.path, interrupt });
    printed.push(stderr);
    expect(code).toBe(130);
    expect(stderr).toMatch(/Stopped: the new key exists and its secret was written; the old key is still active\. Continue or cancel the rotation in the Keyfleet app\./);
    const lines = Object.fromEntries(secret.trim().split('\n').map((l) => /^([A-Z_]+)='(.*)'$/.exec(l)!.slice(1, 3) as [string, string]));
    expect(fleet.rancher.authenticates(lines.ACCESS_KEY!, lines.SECRET_KEY!)).toBe(true);
    expect(fleet.rancher.key(old.id)!.state).toBe('active');
    const app = fleet.open();
    const [open] = await app.api.rotation.list();
    expect(open).toMatchObject({ oldKeyId: old.id, step: 'revealed' });
    // From the app, the user carries on where the script stopped.
    await app.api.rotation.confirmDeployed({ operationId: open!.operationId });
    expect((await app.api.rotation.retire({ operationId: open!.operationId })).step).toBe('done');
    expect(fleet.rancher.key(old.id)!.state).toBe('inactive');
    await app.close();
  });

  it('Ctrl-C during a sync cancels it: the cached inventory stays exactly as it was (exit 130)', async () => {
    const file = join(fleet.dir.path, DATABASE_FILE);
    const rows = () => {
      const db = new Database(file, { readonly: true });
      try {
        return JSON.stringify(db.prepare(`SELECT * FROM keys WHERE connection_id = ? ORDER BY id`).all(fleet.ids.rancher));
      } finally {
        db.close();
      }
    };
    const before = rows();
    fleet.rancher.seedKeys(fleet.rancher.ids.user, 3, { namePrefix: 'not-yet' });
    const list = { method: 'GET', path: /apikeys/i };
    const ran = await signalDuring(list, 2000, 'SIGINT', ['sync', '--connection', 'Rancher prod']);
    expect(ran.code).toBe(130);
    expect(ran.stdout).toMatch(/^cancelled +Rancher prod: Sync cancelled; the cached inventory is unchanged\./);
    expect(rows()).toBe(before);
  });
});

/** The command line in a child process that SIGKILLs itself at a journal step of the rotation. */
function killedAt(step: string, args: string[]) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['test/support/cli-crash-child.ts', step, ...args], { env: { ...process.env, ...fleet.env } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.resume();
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('kill -9, and the next start', () => {
  it('killed while the new key is being made: the next start (the app) rolls the rotation back', async () => {
    const old = await rancherKey('kill-4');
    const ran = await signalDuring(CREATE, 1200, 'SIGKILL', ['rotate', 'kill-4', '--yes', '--reveal', '--retire', 'now']);
    expect(ran.signal).toBe('SIGKILL');

    const app = fleet.open();
    await app.ready;
    expect(liveTwins('kill-4', old.id)).toEqual([]);
    expect(fleet.rancher.key(old.id)!.state).toBe('active');
    expect(await app.api.rotation.list()).toEqual([]);
    expect((await app.api.journal.list({ limit: 1 })).rows[0]).toMatchObject({ action: 'key.rotate', result: 'failed', detail: 'interrupted while creating the twin; rolled back' });
    await app.close();
  });

  it('killed just after the backend made the new key: the next start deletes that half-made key', async () => {
    const old = await rancherKey('kill-7');
    const killed = await killedAt('twin-created', ['rotate', 'kill-7', '--yes', '--reveal', '--retire', 'now']);
    printed.push(killed.stderr);
    expect(killed.signal).toBe('SIGKILL');
    expect(liveTwins('kill-7', old.id)).toHaveLength(1);

    const app = fleet.open();
    await app.ready;
    expect(liveTwins('kill-7', old.id)).toEqual([]);
    expect(fleet.rancher.key(old.id)!.state).toBe('active');
    expect(await app.api.rotation.list()).toEqual([]);
    expect((await app.api.reveal.pending()).filter((p) => p.kind === 'rotate')).toEqual([]);
    await app.close();
  });

  it('killed once the new secret is held, before it was written: the app shows the rotation and offers the secret once', async () => {
    const old = await rancherKey('kill-5');
    const file = join(out.path, 'never-written.env');
    const killed = await killedAt('awaiting-reveal', ['rotate', 'kill-5', '--yes', '--secret-out', file, '--retire', 'now']);
    printed.push(killed.stderr);
    expect(killed.signal).toBe('SIGKILL');
    expect(readFileSync(file, 'utf8')).toBe('');

    const app = fleet.open();
    await app.ready;
    const [rotation] = await app.api.rotation.list();
    expect(rotation).toMatchObject({ oldKeyId: old.id, step: 'awaiting-reveal' });
    const [pending] = (await app.api.reveal.pending()).filter((p) => p.kind === 'rotate');
    expect(pending).toMatchObject({ operationId: rotation!.operationId, connectionId: fleet.ids.rancher });
    const { revealSlotId } = await app.api.reveal.reopen({ operationId: pending!.operationId });
    const reveal = await app.api.reveal.take({ slotId: revealSlotId });
    expect(fleet.rancher.authenticates(reveal.fields[0]!.value, reveal.fields[1]!.value)).toBe(true);
    await app.api.reveal.done({ slotId: reveal.slotId, seen: true });
    await app.api.rotation.cancel({ operationId: rotation!.operationId });
    await app.close();
  });

  it('killed while the old key is being retired: the next keyfleet run finishes it', async () => {
    const old = await rancherKey('kill-6');
    await signalDuring(DEACTIVATE, 1500, 'SIGKILL', ['rotate', 'kill-6', '--yes', '--secret-out', join(out.path, 'retiring.env'), '--retire', 'now']);
    // Before the backend got to it, so the key is still active, and the journal says "retiring".
    fleet.rancher.faults.clear();
    const later = await keyfleet(['journal', '--limit', '3'], fleet.env);
    printed.push(later.stdout, later.stderr);
    expect(later.code).toBe(0);
    await expect.poll(() => fleet.rancher.key(old.id)!.state, { timeout: 8000 }).toBe('inactive');
    const app = fleet.open({ headless: true });
    expect(await app.api.rotation.list()).toEqual([]);
    await app.close();
  });
});
