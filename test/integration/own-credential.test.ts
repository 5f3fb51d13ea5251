// The key a connection itself signs in with, through the core: recognised in the inventory on each
// backend that lets Keyfleet tell; deactivating or deleting it is refused until the user confirms,
// then reported truthfully (done, and the connection needs a new credential); bulk actions and the
// ordinary rotation leave it alone; and it is rotated in one journaled step — twin, verify, swap in
// the keychain, retire the old key — rolled back when the twin does not work, resumed after a crash.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE, type Core, type CoreOptions } from '../../src-main/core.ts';
import { connectionAccount, createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { pendingCredentialAccount } from '../../src-main/services/credential-rotation.ts';
import { startDeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox } from '../backends/envzero/server.ts';
import { startLangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { rejection } from '../support/rejection.ts';
import { tempDir } from '../support/temp.ts';

const keychain = createKeytarSecretStore();
let dir: ReturnType<typeof tempDir>;
let core: Core;
const open = (extra: Partial<CoreOptions> = {}) => createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 }, syncIntervalMs: 0, credentialVerifyDelaysMs: [20, 50], ...extra });

beforeEach(() => {
  dir = tempDir();
  core = open();
});
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

async function connect(input: Parameters<Core['api']['connections']['add']>[0]) {
  const { id } = await core.api.connections.add(input);
  await core.api.sync.run({ connectionId: id });
  return (await core.api.connections.list()).find((c) => c.id === id)!;
}

describe('recognised where the backend lets Keyfleet tell', () => {
  it('Rancher: the access key', async () => {
    const sandbox = await startRancherSandbox({ settleMs: 5 });
    try {
      const view = await connect({ kind: 'rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
      const own = sandbox.keys(sandbox.ids.user).find((k) => k.publicValue === sandbox.credentials.user.accessKey)!;
      expect(view.credential.ownKey).toMatchObject({ id: own.id, name: 'keyfleet' });
      expect(view.credential.rotation.mode).toBe('composed');
    } finally {
      await sandbox.close();
    }
  });

  it('env zero: an organization key by its key id; a personal key is not listed', async () => {
    const sandbox = await startEnvZeroSandbox();
    try {
      const org = await connect({ kind: 'envzero', baseUrl: sandbox.url, credential: { type: 'key-pair', accessKey: sandbox.credentials.admin.apiKeyId, secretKey: sandbox.credentials.admin.apiKeySecret } });
      const key = await core.api.keys.get({ connectionId: org.id, keyId: org.credential.ownKey!.id });
      expect(key.maskedValue).toBe(sandbox.credentials.admin.apiKeyId);
      const personal = sandbox.credentials.personal;
      const mine = await connect({ kind: 'envzero', baseUrl: sandbox.url, credential: { type: 'key-pair', accessKey: personal.apiKeyId, secretKey: personal.apiKeySecret }, target: sandbox.ids.orgs.labs });
      expect(mine.credential.ownKey).toBeNull();
      expect(mine.credential.rotation).toEqual({ mode: 'unavailable', note: expect.stringMatching(/A personal API key is not listed/) as unknown });
    } finally {
      await sandbox.close();
    }
  });

  it('Onyx: an API key and a personal access token by their masked forms', async () => {
    const sandbox = await startOnyxSandbox({ variant: 'groups' });
    try {
      const key = await connect({ kind: 'onyx', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.adminKey } });
      expect(key.credential.ownKey?.name).toBe('keyfleet-admin');
      const pat = await connect({ kind: 'onyx', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.adminPat } });
      expect(pat.credential.ownKey?.name).toBe('keyfleet-sandbox');
    } finally {
      await sandbox.close();
    }
  });

  it('deepset: an API key by its masked ends; a user access token is no key', async () => {
    const sandbox = await startDeepsetSandbox();
    try {
      const readOnly = await connect({ kind: 'deepset', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.apiKey }, credentialKind: 'api-key' });
      expect(readOnly.credential.ownKey?.name).toBe('keyfleet-readonly');
      const session = await connect({ kind: 'deepset', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.admin } });
      expect(session.credential.ownKey).toBeNull();
      expect(session.credential.rotation.note).toMatch(/A user access token belongs to the web session/);
    } finally {
      await sandbox.close();
    }
  });

  it('LangWatch: only a key Keyfleet created (it never shows one again) — so after one rotation', async () => {
    const sandbox = await startLangwatchSandbox();
    try {
      const view = await connect({ kind: 'langwatch', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.admin } });
      expect(view.credential.ownKey).toBeNull();
      expect(view.credential.rotation.note).toMatch(/LangWatch never shows a key again/);
    } finally {
      await sandbox.close();
    }
  });
});

describe('guarded (Rancher)', () => {
  let sandbox: RancherSandbox;
  let connectionId: string;
  let ownId: string;
  beforeAll(async () => {
    sandbox = await startRancherSandbox({ settleMs: 5 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    // A fresh key of alice's for each test, so deactivating it leaves the sandbox's seeded one alone.
    const seed = await connect({ kind: 'rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
    const { revealSlotId } = await core.api.keys.create({ connectionId: seed.id, scopeId: sandbox.ids.user, type: 'account', name: 'keyfleet-own' });
    const fields = (await core.api.reveal.take({ slotId: revealSlotId })).fields;
    await core.api.connections.remove({ connectionId: seed.id });
    const view = await connect({ kind: 'rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', accessKey: fields[0]!.value, secretKey: fields[1]!.value } });
    connectionId = view.id;
    ownId = view.credential.ownKey!.id;
  });

  it('deactivating the own key needs a confirmation, then is reported as done, and the connection as needing a new credential', async () => {
    const refused = await rejection(core.api.keys.setActive({ connectionId, keyId: ownId, active: false }));
    expect(refused.kind).toBe('conflict');
    expect(refused.message).toBe('“keyfleet-own” is the key Keyfleet signs in to “alice” with: deactivating it ends Keyfleet’s access, and the connection will need a new credential (Reconnect). Confirm it to go ahead, or rotate Keyfleet’s credential instead.');
    expect(sandbox.key(ownId)!.state).toBe('active');

    // Rancher deactivates it; the credential it just ended is not asked again, the truth is reported.
    const key = await core.api.keys.setActive({ connectionId, keyId: ownId, active: false, confirmEndsCredential: true });
    expect(key.status).toBe('inactive');
    expect(sandbox.key(ownId)!.state).toBe('inactive');
    const [line] = (await core.api.journal.list({})).rows;
    expect(line).toMatchObject({ action: 'key.deactivate', result: 'ok', detail: 'deactivated “keyfleet-own” — the key this connection signed in with: it needs a new credential' });
    const [view] = await core.api.connections.list();
    expect(view!.credential.ended).toMatchObject({ reason: '“keyfleet-own”, the key Keyfleet signed in with, was deactivated in Keyfleet' });
    expect(view!.credential.rotation.mode).toBe('unavailable');

    // A sync now fails for the credential's sake; a reconnect with a working one clears it all.
    expect((await rejection(core.api.sync.run({ connectionId }))).kind).toBe('auth');
    const back = await core.api.connections.update({ connectionId, credential: { type: 'key-pair', ...sandbox.credentials.user } });
    expect(back.credential.ended).toBeNull();
    expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
  });

  it('deactivating it right after a restart, before any sync, is reported as done too', async () => {
    // A fresh core has not asked Rancher who the credential is yet; nothing may be asked after the action.
    await core.close();
    core = open();
    const key = await core.api.keys.setActive({ connectionId, keyId: ownId, active: false, confirmEndsCredential: true });
    expect(key.status).toBe('inactive');
    expect(sandbox.key(ownId)!.state).toBe('inactive');
    expect((await core.api.journal.list({})).rows[0]).toMatchObject({ action: 'key.deactivate', result: 'ok' });
    expect((await core.api.connections.list())[0]!.credential.ended).not.toBeNull();
  });

  it('Rancher cannot delete it (the deactivation first would end the access): refused with the reason, nothing changed', async () => {
    const error = await rejection(core.api.keys.delete({ connectionId, keyId: ownId, confirmEndsCredential: true }));
    expect(error.kind).toBe('unsupported');
    expect(error.message).toMatch(/^Rancher deletes only inactive keys, and once this key is inactive Keyfleet can no longer sign in with it/);
    expect(sandbox.key(ownId)!.state).toBe('active');
    expect((await core.api.connections.list())[0]!.capabilities.ownCredential?.delete?.mode).toBe('unavailable');
  });

  it('bulk actions skip it, and the ordinary rotation refuses it', async () => {
    const plan = await core.api.bulk.plan({ action: 'deactivate', connectionIds: [connectionId], statuses: ['active'] });
    expect(plan.items.some((i) => i.keyId === ownId)).toBe(false);
    expect(plan.skipped.find((i) => i.keyId === ownId)?.reason).toMatch(/^Keyfleet signs in to this connection with this key/);
    const rotate = await rejection(core.api.rotation.start({ connectionId, keyId: ownId }));
    expect(rotate.message).toMatch(/is the key Keyfleet signs in with; rotate it with “Rotate Keyfleet’s credential”/);
  });

  it('rotates in one step: twin, verify, keychain swap, old key deactivated; journaled', async () => {
    const before = (await core.api.connections.list())[0]!;
    const done = await core.api.connections.rotateCredential({ connectionId });
    expect(done).toMatchObject({ step: 'done', oldKeyId: ownId, retire: 'deactivate' });
    const twin = sandbox.key(done.newKeyId!)!;
    const stored = JSON.parse((await keychain.get(connectionAccount(connectionId)))!) as { accessKey: string; secretKey: string };
    expect(stored.accessKey).toBe(twin.publicValue);
    expect(sandbox.authenticates(stored.accessKey, stored.secretKey)).toBe(true);
    expect(sandbox.key(ownId)!.state).toBe('inactive');
    expect(await keychain.get(pendingCredentialAccount(done.operationId))).toBeNull();
    const [view] = await core.api.connections.list();
    expect(view!.credential).toMatchObject({ ownKey: { id: done.newKeyId, name: 'keyfleet-own' }, ended: null, rotating: null });
    expect(view!.credential.storedAt).toBeGreaterThanOrEqual(before.credential.storedAt);
    const [line] = (await core.api.journal.list({})).rows;
    expect(line).toMatchObject({ action: 'connection.rotate-credential', result: 'ok' });
    expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
    expect((await core.api.connections.list())[0]!.credential.ownKey?.id).toBe(done.newKeyId);
    expect(scanForSecrets(dir.path, [stored.secretKey])).toEqual([]);
  });

  it('rolls back when the twin does not sign in: the twin is deleted, the old credential stays', async () => {
    await core.close();
    core = open({
      onStep: (_op, step) => {
        // The new key is refused wherever Keyfleet signs in with it.
        if (step === 'created') sandbox.faults.add({ method: 'GET', path: '/v2-beta/projects', kind: 'status', status: 401, times: 3 });
      },
    });
    const existing = new Set(sandbox.keys(sandbox.ids.user).map((k) => k.id));
    const error = await rejection(core.api.connections.rotateCredential({ connectionId }));
    expect(error.message).toMatch(/^The new key did not work \(Rancher rejected the connection's credential \(HTTP 401\)/);
    sandbox.faults.clear();
    const stored = JSON.parse((await keychain.get(connectionAccount(connectionId)))!) as { accessKey: string };
    expect(stored.accessKey).toBe(sandbox.key(ownId)!.publicValue);
    expect(sandbox.key(ownId)!.state).toBe('active');
    const twins = sandbox.keys(sandbox.ids.user).filter((k) => !existing.has(String(k.id)));
    expect(twins).toHaveLength(1);
    expect(['removing', 'removed', 'purged']).toContain(twins[0]!.state);
    const [line] = (await core.api.journal.list({})).rows;
    expect(line).toMatchObject({ action: 'connection.rotate-credential', result: 'failed' });
    expect(line!.detail).toMatch(/the new key was deleted\. The connection keeps its old credential, which still works\.$/);
  });
});

describe('own credential ended by a delete (env zero, Onyx, LangWatch)', () => {
  it('env zero: deleted, may still authenticate for an hour, and the connection needs a new credential', async () => {
    const sandbox = await startEnvZeroSandbox();
    try {
      const view = await connect({ kind: 'envzero', baseUrl: sandbox.url, credential: { type: 'key-pair', accessKey: sandbox.credentials.admin.apiKeyId, secretKey: sandbox.credentials.admin.apiKeySecret } });
      await core.api.keys.delete({ connectionId: view.id, keyId: view.credential.ownKey!.id, confirmEndsCredential: true });
      const [after] = await core.api.connections.list();
      expect(after!.credential.ended).not.toBeNull();
      const [line] = (await core.api.journal.list({})).rows;
      expect(line!.detail).toMatch(/— the key this connection signed in with: it needs a new credential \(the backend may accept it until /);
    } finally {
      await sandbox.close();
    }
  });

  it('Onyx: rotated in one step (the twin joins the Admin group), then deleting the old key is no concern', async () => {
    const sandbox = await startOnyxSandbox({ variant: 'groups' });
    try {
      const view = await connect({ kind: 'onyx', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.adminKey } });
      await core.api.policy.set({ connectionId: view.id, maxLifetimeDays: null, requireExpiry: false, noAdminKeys: true });
      const done = await core.api.connections.rotateCredential({ connectionId: view.id });
      expect(done).toMatchObject({ step: 'done', retire: 'delete' });
      const twin = sandbox.apiKey(Number(done.newKeyId!.replace('key-', '')))!;
      expect(twin.groups).toContain('Admin');
      expect(sandbox.authenticates(sandbox.credentials.adminKey)).toBe(false);
      expect((await core.api.sync.run({ connectionId: view.id })).result).toBe('ok');
    } finally {
      await sandbox.close();
    }
  });

  it('LangWatch: a key Keyfleet created is recognised by the hint it kept; rotated in one step; deleting it ends the connection', async () => {
    const sandbox = await startLangwatchSandbox();
    try {
      const first = await connect({ kind: 'langwatch', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.admin } });
      expect(first.credential.ownKey).toBeNull();
      const org = sandbox.ids.organization;
      const { revealSlotId } = await core.api.keys.create({ connectionId: first.id, scopeId: org, type: 'personal', name: 'keyfleet-lw', grants: [{ scopeId: org, role: 'ADMIN' }] });
      const token = (await core.api.reveal.take({ slotId: revealSlotId })).fields[0]!.value;
      await core.api.connections.update({ connectionId: first.id, credential: { type: 'token', token } });
      await core.api.sync.run({ connectionId: first.id });
      const view = (await core.api.connections.list())[0]!;
      expect(view.credential.ownKey?.name).toBe('keyfleet-lw');

      const done = await core.api.connections.rotateCredential({ connectionId: view.id });
      expect(done).toMatchObject({ step: 'done', retire: 'delete' });
      expect(sandbox.authenticates(token)).toBe(false);
      await core.api.sync.run({ connectionId: view.id });
      const rotated = (await core.api.connections.list())[0]!;
      expect(rotated.credential.ownKey).toMatchObject({ id: done.newKeyId, name: 'keyfleet-lw' });

      await core.api.keys.delete({ connectionId: view.id, keyId: done.newKeyId!, confirmEndsCredential: true });
      expect((await core.api.connections.list())[0]!.credential.ended).not.toBeNull();
      expect((await rejection(core.api.sync.run({ connectionId: view.id }))).kind).toBe('auth');
    } finally {
      await sandbox.close();
    }
  });
});

/** One own-credential rotation in a child process killed at `point`; returns what it printed. */
function runUntilKilled(connectionId: string, point: string): Promise<Array<Record<string, string>>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['test/support/crash-child.ts', 'credential', dir.path, connectionId, point], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const lines = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
      if (!lines.some((l) => l.event === 'killed')) reject(error ?? new Error(`not killed at ${point}: ${stdout} ${stderr}`));
      else resolve(lines);
    });
  });
}

describe('own-credential rotation crash matrix (Rancher)', () => {
  let sandbox: RancherSandbox;
  beforeAll(async () => {
    sandbox = await startRancherSandbox({ settleMs: 5 });
  });
  afterAll(() => sandbox.close());

  const points = ['creating', 'twin-created', 'credential-held', 'created', 'swapping', 'swapped', 'retiring', 'done'] as const;
  const swapped = new Set(['credential-held', 'created', 'swapping', 'swapped', 'retiring', 'done']);

  it.each(points)('killed at %s: after a restart the connection signs in, exactly one of the two keys lives, nothing is left behind', async (point) => {
    const seed = await connect({ kind: 'rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
    const { revealSlotId } = await core.api.keys.create({ connectionId: seed.id, scopeId: sandbox.ids.user, type: 'account', name: `own-${point}` });
    const fields = (await core.api.reveal.take({ slotId: revealSlotId })).fields;
    await core.api.connections.remove({ connectionId: seed.id });
    const view = await connect({ kind: 'rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', accessKey: fields[0]!.value, secretKey: fields[1]!.value } });
    const oldId = view.credential.ownKey!.id;
    await core.close();

    await runUntilKilled(view.id, point);
    core = open();
    await core.ready;

    // Nothing left half-way: no rotation pending, no held credential in the keychain, the outcome journaled.
    const [after] = await core.api.connections.list();
    expect(after!.credential.rotating).toBeNull();
    const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
    const ops = db.prepare(`SELECT id, state FROM operations WHERE kind = 'rotate-credential'`).all() as Array<{ id: string; state: string }>;
    db.close();
    expect(ops.map((op) => op.state)).toEqual([swapped.has(point) ? 'done' : 'failed']);
    expect(await keychain.get(pendingCredentialAccount(ops[0]!.id))).toBeNull();
    const outcome = (await core.api.journal.list({})).rows.find((r) => r.action === 'connection.rotate-credential');
    expect(outcome?.result).toBe(swapped.has(point) ? 'ok' : 'failed');
    const stored = JSON.parse((await keychain.get(connectionAccount(view.id)))!) as { accessKey: string; secretKey: string };
    expect(sandbox.authenticates(stored.accessKey, stored.secretKey), 'the connection’s credential signs in').toBe(true);
    expect((await core.api.sync.run({ connectionId: view.id })).result).toBe('ok');

    const live = sandbox.keys(sandbox.ids.user).filter((k) => k.name === `own-${point}` && k.state === 'active');
    expect(live.map((k) => k.publicValue), 'exactly one of the two keys lives: the one Keyfleet signs in with').toEqual([stored.accessKey]);
    if (swapped.has(point)) {
      expect(stored.accessKey).not.toBe(fields[0]!.value);
      expect(sandbox.key(oldId)!.state).toBe('inactive');
    } else {
      expect(stored.accessKey).toBe(fields[0]!.value);
      expect(sandbox.key(oldId)!.state).toBe('active');
    }
    expect((await core.api.connections.list())[0]!.credential.ownKey?.id).toBe(live[0]!.id);
    expect(scanForSecrets(dir.path, [stored.secretKey, fields[1]!.value])).toEqual([]);
  });
});
