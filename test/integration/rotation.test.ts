// Rotation as a journaled operation, against the Rancher sandbox (composed: twin → reveal →
// deployed? → deactivate old), and the crash matrix: the core is killed (SIGKILL) at every step,
// restarted, and nothing is lost or orphaned.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { createStore } from '../../src-main/store/index.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
let connectionId: string;

const open = (extra: Parameters<typeof createCore>[0] extends infer O ? Partial<O> : never = {}) =>
  createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, ...extra });

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

/** A fresh account key to rotate, created straight in the sandbox and synced into the cache. */
async function freshKey(name: string): Promise<string> {
  const { key } = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name });
  const [pending] = (await core.api.reveal.pending()).filter((p) => p.keyId === key.id);
  if (pending) {
    const { revealSlotId } = await core.api.reveal.reopen({ operationId: pending.operationId });
    await core.api.reveal.take({ slotId: revealSlotId });
  }
  return key.id;
}

const liveTwins = (name: string, oldId: string) =>
  sandbox.keys(sandbox.ids.user).filter((k) => k.name === name && k.id !== oldId && !['removing', 'removed', 'purged'].includes(String(k.state)));

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  dir = tempDir();
  core = open();
  const connection = await core.api.connections.add({
    kind: 'rancher',
    name: 'Rotating',
    baseUrl: sandbox.url,
    credential: { type: 'key-pair', ...sandbox.credentials.user },
  });
  connectionId = connection.id;
  await core.api.sync.run({ connectionId });
});
afterEach(async () => {
  await core.api.connections.remove({ connectionId });
  await core.close();
  dir.cleanup();
});

describe('rotation (composed, Rancher)', () => {
  it('creates a twin, reveals it once, waits for the deployment check, then deactivates the old key', async () => {
    const oldId = await freshKey('deployer');
    const started = await core.api.rotation.start({ connectionId, keyId: oldId });
    expect(started).toMatchObject({ mode: 'composed', step: 'awaiting-reveal', retire: 'deactivate', oldKeyName: 'deployer' });
    expect(started.newKeyId).not.toBe(oldId);

    // The old key cannot be retired before the new secret was seen and the deployment confirmed.
    expect((await rejection(core.api.rotation.confirmDeployed({ operationId: started.operationId }))).message).toMatch(/See \(and store\) the new secret first/);
    const reveal = await core.api.reveal.take({ slotId: started.revealSlotId! });
    expect(sandbox.authenticates(reveal.fields[0]!.value, reveal.fields[1]!.value)).toBe(true);
    expect((await rejection(core.api.rotation.retire({ operationId: started.operationId }))).kind).toBe('conflict');

    expect((await core.api.rotation.confirmDeployed({ operationId: started.operationId })).step).toBe('deployed');
    expect(sandbox.key(oldId)!.state).toBe('active');
    const done = await core.api.rotation.retire({ operationId: started.operationId });
    expect(done.step).toBe('done');
    expect(sandbox.key(oldId)!.state).toBe('inactive');
    expect(sandbox.key(started.newKeyId!)).toMatchObject({ name: 'deployer', state: 'active' });
    expect(await core.api.rotation.list()).toEqual([]);
    const twin = await core.api.keys.get({ connectionId, keyId: started.newKeyId! });
    expect(twin).toMatchObject({ name: 'deployer', type: 'account', status: 'active' });
    await core.close();
    expect(scanForSecrets(dir.path, [reveal.fields[1]!.value])).toEqual([]);
    core = open();
  });

  it('retires the old key at the chosen time, keeping both keys working until then', async () => {
    await core.close();
    core = open({ schedulerIntervalMs: 50 });
    const oldId = await freshKey('overlap');
    const started = await core.api.rotation.start({ connectionId, keyId: oldId });
    await core.api.reveal.take({ slotId: started.revealSlotId! });
    await core.api.rotation.confirmDeployed({ operationId: started.operationId });
    const scheduled = await core.api.rotation.retire({ operationId: started.operationId, at: Date.now() + 400 });
    expect(scheduled.step).toBe('retire-scheduled');
    expect(sandbox.key(oldId)!.state).toBe('active');
    await expect.poll(() => sandbox.key(oldId)!.state, { timeout: 5000 }).toBe('inactive');
    await expect.poll(async () => (await core.api.rotation.list()).length).toBe(0);
  });

  it('names each key’s rotation partner: the old key “replaced by” the new, the new “replaces” the old', async () => {
    const oldId = await freshKey('partnered');
    const started = await core.api.rotation.start({ connectionId, keyId: oldId });
    const newId = started.newKeyId!;
    const row = async (keyId: string) => (await core.api.keys.list({ connectionId, query: 'partnered', limit: 10 })).rows.find((k) => k.id === keyId)!;
    const newMask = (await row(newId)).maskedValue;
    expect(newMask).toBeTruthy();
    // From the moment the new key exists, before its secret was even seen.
    expect((await row(oldId)).replacedBy).toMatchObject({ keyId: newId, name: 'partnered', maskedValue: newMask, done: false, present: true });
    expect((await row(oldId)).replaces).toBeNull();
    expect((await row(newId)).replaces).toMatchObject({ keyId: oldId, name: 'partnered', done: false, present: true });
    expect((await row(newId)).replacedBy).toBeNull();
    // A reloaded window is offered the unseen secret by the key's name.
    expect((await core.api.reveal.pending()).find((p) => p.operationId === started.operationId)).toMatchObject({ keyId: newId, keyName: 'partnered', kind: 'rotate' });

    await core.api.reveal.take({ slotId: started.revealSlotId! });
    await core.api.rotation.confirmDeployed({ operationId: started.operationId });
    await core.api.rotation.retire({ operationId: started.operationId });
    const detail = await core.api.keys.get({ connectionId, keyId: oldId });
    expect(detail.status).toBe('inactive');
    expect(detail.replacedBy).toMatchObject({ keyId: newId, done: true });
    expect((await core.api.keys.get({ connectionId, keyId: newId })).replaces).toMatchObject({ keyId: oldId, done: true, present: true });

    // A cancelled rotation leaves no partner behind.
    const other = await freshKey('unpartnered');
    const cancelled = await core.api.rotation.start({ connectionId, keyId: other });
    await core.api.reveal.take({ slotId: cancelled.revealSlotId! });
    await core.api.rotation.cancel({ operationId: cancelled.operationId });
    expect((await core.api.keys.get({ connectionId, keyId: other })).replacedBy).toBeNull();
  });

  it('finishes keeping the old key as it is, once the new one is deployed, and not before', async () => {
    const oldId = await freshKey('kept');
    const started = await core.api.rotation.start({ connectionId, keyId: oldId });
    expect((await rejection(core.api.rotation.keepOld({ operationId: started.operationId }))).kind).toBe('conflict');
    await core.api.reveal.take({ slotId: started.revealSlotId! });
    await core.api.rotation.confirmDeployed({ operationId: started.operationId });
    const kept = await core.api.rotation.keepOld({ operationId: started.operationId });
    expect(kept).toMatchObject({ step: 'done', retire: null, retireAt: null });
    expect(sandbox.key(oldId)!.state).toBe('active');
    expect(sandbox.key(started.newKeyId!)!.state).toBe('active');
    expect(await core.api.rotation.list()).toEqual([]);
    expect((await core.api.journal.list({ limit: 1 })).rows[0]).toMatchObject({ action: 'key.rotate', result: 'ok', detail: 'rotated “kept”: old key kept' });
  });

  it('cancels before deployment by deleting the twin and leaving the old key alone', async () => {
    const oldId = await freshKey('cancelled');
    const started = await core.api.rotation.start({ connectionId, keyId: oldId });
    await core.api.reveal.take({ slotId: started.revealSlotId! });
    const cancelled = await core.api.rotation.cancel({ operationId: started.operationId });
    expect(cancelled.step).toBe('cancelled');
    expect(['removing', 'removed']).toContain(sandbox.key(started.newKeyId!)!.state);
    expect(sandbox.key(oldId)!.state).toBe('active');
    expect(liveTwins('cancelled', oldId)).toEqual([]);
  });
});

/** Runs one rotation in a child process killed at `point`; returns what it printed. */
function runUntilKilled(keyId: string, point: string): Promise<Array<Record<string, string>>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['test/support/crash-child.ts', 'rotation', dir.path, connectionId, keyId, point], { encoding: 'utf8' }, (error, stdout) => {
      const lines = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
      if (point === 'never' ? error : !lines.some((l) => l.event === 'killed')) reject(error ?? new Error(`not killed at ${point}: ${stdout}`));
      else resolve(lines);
    });
  });
}

describe('rotation crash matrix', () => {
  const points = ['creating', 'twin-created', 'awaiting-reveal', 'revealed', 'deployed', 'retiring', 'done'] as const;

  it.each(points)('killed at %s: resumes or rolls back; nothing lost or orphaned', async (point) => {
    const name = `crash-${point}`;
    const oldId = await freshKey(name);
    await core.close();
    const seen = await runUntilKilled(oldId, point);
    core = open();
    await core.ready;

    const revealed = seen.find((l) => l.event === 'revealed');
    const pending = (await core.api.reveal.pending()).filter((p) => p.kind === 'rotate');
    const twins = liveTwins(name, oldId);

    // Never an active twin whose secret nobody can see: it was shown, or it is held for showing.
    for (const twin of twins) {
      if (revealed) continue;
      expect(pending.map((p) => p.keyId), `twin ${String(twin.id)} has no way to reveal its secret`).toHaveLength(1);
      const { revealSlotId } = await core.api.reveal.reopen({ operationId: pending[0]!.operationId });
      const view = await core.api.reveal.take({ slotId: revealSlotId });
      expect(sandbox.authenticates(view.fields[0]!.value, view.fields[1]!.value)).toBe(true);
    }
    if (revealed) expect(sandbox.authenticates(revealed.access!, revealed.secret!)).toBe(true);
    const [rotation] = await core.api.rotation.list();

    switch (point) {
      case 'creating':
      case 'twin-created':
        // Rolled back: no twin survives, the old key is untouched, the rotation is recorded as interrupted.
        expect(twins).toEqual([]);
        expect(rotation).toBeUndefined();
        expect(sandbox.key(oldId)!.state).toBe('active');
        break;
      case 'awaiting-reveal':
      case 'revealed':
      case 'deployed': {
        // Resumable: the user continues where the wizard stopped.
        expect(rotation).toMatchObject({ step: point === 'deployed' ? 'deployed' : 'revealed', oldKeyId: oldId });
        expect(twins).toHaveLength(1);
        if (point !== 'deployed') await core.api.rotation.confirmDeployed({ operationId: rotation!.operationId });
        expect((await core.api.rotation.retire({ operationId: rotation!.operationId })).step).toBe('done');
        expect(sandbox.key(oldId)!.state).toBe('inactive');
        break;
      }
      case 'retiring':
      case 'done':
        // Finished on restart (or before the kill): the old key is retired, the twin lives.
        expect(rotation).toBeUndefined();
        expect(twins).toHaveLength(1);
        expect(sandbox.key(oldId)!.state).toBe('inactive');
        break;
    }
    expect(await core.api.reveal.pending()).toEqual([]);
  });

  it('killed at twin-created after a sync beside it had cached the twin: still rolled back, no secret lost', async () => {
    const name = 'crash-cached-twin';
    const oldId = await freshKey(name);
    await core.close();
    await runUntilKilled(oldId, 'twin-created');
    const [twin] = liveTwins(name, oldId);
    expect(twin).toBeDefined();
    // What a sync running alongside would have written: the twin, first seen after the rotation began.
    const store = createStore(join(dir.path, DATABASE_FILE));
    try {
      const old = store.inventory.getKey(connectionId, oldId)!;
      store.inventory.putKey(connectionId, { ...old, id: String(twin!.id), raw: {} }, Date.now());
    } finally {
      store.close();
    }
    core = open();
    await core.ready;
    expect(liveTwins(name, oldId)).toEqual([]);
    expect(await core.api.reveal.pending()).toEqual([]);
    expect(sandbox.key(oldId)!.state).toBe('active');
  });
});
