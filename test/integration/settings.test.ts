// Settings through the core: stored in SQLite, checked field by field, kept across restarts, and
// each one changes what the core does (background sync, vault auto-lock, clipboard clearing,
// expiry reminders). The first-run keychain check is a real write/read/delete round trip.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppSettings, Events } from '../../src-preload/contract.ts';
import { createCore, DATABASE_FILE, type Core, type CoreOptions } from '../../src-main/core.ts';
import { createMemoryClipboard } from '../../src-main/services/clipboard.ts';
import { DEFAULT_SETTINGS } from '../../src-main/services/settings.ts';
import { createKeytarSecretStore, keychainFix } from '../../src-main/secrets/secret-store.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { memorySecretStore } from '../support/memory-secret-store.ts';
import { tempDir } from '../support/temp.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

let dir: ReturnType<typeof tempDir> | undefined;
let core: Core | undefined;
let clock = Date.now();

function open(extra: Partial<CoreOptions> = {}): Core {
  dir ??= tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0, secretStore: memorySecretStore(), ...extra });
  return core;
}

afterEach(async () => {
  await core?.close();
  core = undefined;
  dir?.cleanup();
  dir = undefined;
});

function storedSettings(): Record<string, unknown> {
  const db = new Database(join(dir!.path, DATABASE_FILE), { readonly: true });
  try {
    const rows = db.prepare('SELECT key, value_json FROM settings').all() as Array<{ key: string; value_json: string }>;
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json) as unknown]));
  } finally {
    db.close();
  }
}

describe('settings', () => {
  it('starts from the defaults, saves to SQLite and keeps the values across a restart', async () => {
    const first = open();
    const initial = await first.api.settings.get();
    expect(initial.values).toEqual({ ...DEFAULT_SETTINGS, syncIntervalMinutes: 0 });
    expect(initial.dataDir).toBe(dir!.path);
    expect(initial.databaseFile).toBe(DATABASE_FILE);

    const chosen: AppSettings = {
      syncIntervalMinutes: 30,
      autoLockMinutes: 12,
      clipboardClearSeconds: 45,
      expiryReminderDays: [3, 14],
      welcomeDismissed: true,
      collapsedConnections: ['7f0c1a9e-52b4-4c5e-9a57-3b1f2f6f3c10'],
      compactSidebar: true,
    };
    const saved = await first.api.settings.set(chosen);
    // Thresholds are kept farthest first.
    expect(saved.values).toEqual({ ...chosen, expiryReminderDays: [14, 3] });
    expect(storedSettings()).toMatchObject({
      'sync.intervalMinutes': 30,
      'vault.autoLockMinutes': 12,
      'clipboard.clearSeconds': 45,
      'reminders.expiryDays': [14, 3],
      'welcome.dismissed': true,
      'sidebar.collapsedConnections': ['7f0c1a9e-52b4-4c5e-9a57-3b1f2f6f3c10'],
      'sidebar.compact': true,
    });
    await first.close();

    const second = open();
    expect((await second.api.settings.get()).values).toEqual(saved.values);
    // A partial change leaves the rest alone.
    expect((await second.api.settings.set({ clipboardClearSeconds: 10 })).values).toEqual({ ...saved.values, clipboardClearSeconds: 10 });
  });

  it('refuses an invalid value with a message for that field, and saves nothing of the call', async () => {
    const c = open();
    const before = storedSettings();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ clipboardClearSeconds: 2, autoLockMinutes: 9 }, 'clipboardClearSeconds', /at least 5 seconds/i],
      [{ syncIntervalMinutes: 2 }, 'syncIntervalMinutes', /0 \(off\) or at least 5 minutes/],
      [{ syncIntervalMinutes: 1.5 }, 'syncIntervalMinutes', /whole number of minutes/],
      [{ autoLockMinutes: 0 }, 'autoLockMinutes', /at least 1 minute/i],
      [{ expiryReminderDays: [7, 7] }, 'expiryReminderDays', /only once/],
      [{ expiryReminderDays: [] }, 'expiryReminderDays', /at least one/],
      [{ expiryReminderDays: [30, 400] }, 'expiryReminderDays.1', /365 days or fewer/],
      [{ welcomeDismissed: 'yes' }, 'welcomeDismissed', /true or false/],
      [{ collapsedConnections: ['../etc'] }, 'collapsedConnections.0', /connection id/],
      [{ compactSidebar: 1 }, 'compactSidebar', /true or false/],
      [{ dataDir: '/elsewhere' }, '(input)', /the contract does not know/],
    ];
    for (const [input, field, message] of cases) {
      const result = await c.dispatch('settings.set', input);
      expect(result.ok, JSON.stringify(input)).toBe(false);
      if (result.ok) continue;
      expect(result.error.kind).toBe('validation');
      expect(result.error.fields?.[field], JSON.stringify(input)).toMatch(message);
    }
    expect(storedSettings()).toEqual(before);
    expect((await c.api.settings.get()).values.autoLockMinutes).toBe(DEFAULT_SETTINGS.autoLockMinutes);
  });

  it('falls back to the default for a stored value that is no longer valid', async () => {
    open();
    await core!.close();
    const db = new Database(join(dir!.path, DATABASE_FILE));
    db.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?), (?, ?)').run('clipboard.clearSeconds', '-4', 'reminders.expiryDays', '"soon"');
    db.close();
    const values = (await open().api.settings.get()).values;
    expect(values.clipboardClearSeconds).toBe(DEFAULT_SETTINGS.clipboardClearSeconds);
    expect(values.expiryReminderDays).toEqual(DEFAULT_SETTINGS.expiryReminderDays);
  });

  it('is readable but not writable while reviewing a copy', async () => {
    await open().api.settings.set({ autoLockMinutes: 9 });
    await core!.close();
    const review = createCore({ dataDir: dir!.path, review: true });
    try {
      expect((await review.api.settings.get()).values.autoLockMinutes).toBe(9);
      await expect(review.api.settings.set({ autoLockMinutes: 3 })).rejects.toMatchObject({ kind: 'unsupported' });
    } finally {
      await review.close();
    }
  });
});

describe('what each setting drives', () => {
  it('auto-lock minutes: one value shared with the vault, and the idle lock follows it', async () => {
    clock = Date.now();
    const c = open({ now: () => clock, idleCheckMs: 20 });
    const locks: Array<Events['vault.locked']> = [];
    c.events.on('vault.locked', (e) => locks.push(e));
    await c.api.settings.set({ autoLockMinutes: 3 });
    expect((await c.api.vault.status()).autoLockMinutes).toBe(3);
    await c.api.vault.setAutoLock({ minutes: 7 });
    expect((await c.api.settings.get()).values.autoLockMinutes).toBe(7);

    c.api.app.activity().catch(() => undefined);
    clock += 6 * MINUTE;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(locks).toEqual([]);
    clock += 2 * MINUTE;
    await expect.poll(() => locks).toEqual([{ reason: 'idle' }]);
  });

  it('clipboard clear seconds: a copied secret is cleared after the chosen time', async () => {
    clock = Date.now();
    const clipboard = createMemoryClipboard();
    const c = open({ now: () => clock, clipboard });
    expect((await c.api.clipboard.writeSecret({ text: 'first' })).clearsAt).toBe(clock + 30_000);
    await c.api.settings.set({ clipboardClearSeconds: 5 });
    expect((await c.api.clipboard.writeSecret({ text: 'second' })).clearsAt).toBe(clock + 5_000);
    // The timer uses the same value: still there just before, gone after.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(await clipboard.readText()).toBe('second');
    await expect.poll(() => clipboard.readText(), { timeout: 2_000, interval: 100 }).toBe('');
  }, 15_000);

  describe('with a Rancher sandbox', () => {
    let sandbox: RancherSandbox;
    beforeAll(async () => {
      sandbox = await startRancherSandbox({ settleMs: 5 });
    });
    afterAll(() => sandbox.close());

    it('sync interval: 0 leaves connections alone; minutes start the background sync; 0 stops it again', async () => {
      clock = Date.now();
      const c = open({ now: () => clock, reconnectIntervalMs: 50 });
      let runs = 0;
      c.events.on('sync.finished', () => runs++);
      const { id } = await c.api.connections.add({ kind: 'rancher', name: 'R', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
      await c.api.sync.run({ connectionId: id });
      expect(runs).toBe(1);

      clock += 60 * MINUTE;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(runs, 'no background sync while the interval is 0').toBe(1);

      await c.api.settings.set({ syncIntervalMinutes: 30 });
      await expect.poll(() => runs, { timeout: 3000 }).toBe(2);
      // Not due again until 30 minutes after that run.
      clock += 20 * MINUTE;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(runs).toBe(2);
      clock += 11 * MINUTE;
      await expect.poll(() => runs, { timeout: 3000 }).toBe(3);

      await c.api.settings.set({ syncIntervalMinutes: 0 });
      clock += 120 * MINUTE;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(runs).toBe(3);
      await c.api.connections.remove({ connectionId: id });
    });
  });

  describe('with a deepset sandbox (keys with expiry dates)', () => {
    let sandbox: DeepsetSandbox;
    beforeAll(async () => {
      sandbox = await startDeepsetSandbox();
    });
    afterAll(() => sandbox.close());

    it('notification thresholds: reminders go out at the chosen days before expiry', async () => {
      const c = open();
      const notes: Array<Events['notify']> = [];
      c.events.on('notify', (n) => notes.push(n));
      const { id: connectionId } = await c.api.connections.add({
        kind: 'deepset',
        name: 'Acme',
        baseUrl: sandbox.url,
        credential: { type: 'token', token: sandbox.credentials.admin },
        credentialKind: 'user-token',
      });
      await c.api.sync.run({ connectionId });
      await c.api.settings.set({ expiryReminderDays: [5] });
      const { key, revealSlotId } = await c.api.keys.create({
        connectionId,
        scopeId: sandbox.ids.organization,
        type: 'service',
        name: 'ten-days',
        role: 'MEMBER',
        expiresAt: Date.now() + 10 * DAY,
      });
      await c.api.reveal.take({ slotId: revealSlotId });
      const about = () => notes.filter((n) => n.keyId === key.id);

      // With the default thresholds (60, 30, 7, 1) this key would be reminded of now; with 5, not yet.
      await c.api.sync.run({ connectionId });
      expect(about()).toEqual([]);

      await c.api.settings.set({ expiryReminderDays: [14, 5] });
      await c.api.sync.run({ connectionId });
      expect(about()).toHaveLength(1);
      expect(about()[0]!.title).toBe('API key expires in 10 days');
      await c.api.connections.remove({ connectionId });
    });
  });
});

describe('the first-run keychain check', () => {
  it('writes, reads and deletes a throwaway item in the real OS keychain', async () => {
    const keytar = createKeytarSecretStore();
    const c = open({ secretStore: keytar });
    const check = await c.api.app.checkKeychain();
    expect(check).toMatchObject({ available: true, message: null, fix: [], platform: process.platform });
    expect(await keytar.get('keyfleet-probe')).toBeNull();
  });

  it('reports a keychain that cannot store, with the platform’s fix, and leaves nothing behind', async () => {
    const broken = memorySecretStore();
    broken.set = () => Promise.reject(new Error('The OS keychain could not store a secret (Cannot autolaunch D-Bus without X11 $DISPLAY).'));
    const c = open({ secretStore: broken });
    const check = await c.api.app.checkKeychain();
    expect(check).toMatchObject({ available: false, platform: process.platform, fix: keychainFix(process.platform) });
    expect(check.message).toMatch(/could not store/);
    expect(broken.items.size).toBe(0);
  });

  it('reports a keychain that gives back something else', async () => {
    const liar = memorySecretStore();
    liar.get = () => Promise.resolve('not what was written');
    const check = await open({ secretStore: liar }).api.app.checkKeychain();
    expect(check).toMatchObject({ available: false, message: 'The OS keychain accepted a test item but gave a different value back.' });
    expect(liar.items.size).toBe(0);
  });

  it('on Linux, names the Secret Service providers, unlocking and the D-Bus session', () => {
    const steps = keychainFix('linux').join('\n');
    expect(steps).toMatch(/gnome-keyring/);
    expect(steps).toMatch(/KWallet/);
    expect(steps).toMatch(/unlock/i);
    expect(steps).toMatch(/D-Bus/);
    expect(keychainFix('darwin').join(' ')).toMatch(/Keychain Access/);
  });

  it('fails honestly without a D-Bus session (a separate process with no bus)', () => {
    const child = tempDir();
    try {
      const out = execFileSync(process.execPath, ['test/support/check-without-keychain.ts', child.path], {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keyfleet-bus' },
        encoding: 'utf8',
      });
      const result = JSON.parse(out) as { available: boolean; message: string; fix: string[] };
      expect(result.available).toBe(false);
      expect(result.message).toMatch(/keychain could not store a secret/);
      if (process.platform === 'linux') expect(result.fix.join(' ')).toMatch(/gnome-keyring.*KWallet/s);
    } finally {
      child.cleanup();
    }
  });

  it('tells a development build (sandbox available) from a release', async () => {
    expect((await open({ version: 'harness' }).api.app.status()).build).toBe('development');
    await core!.close();
    expect((await open({ version: '0.1.0' }).api.app.status()).build).toBe('release');
    await core!.close();
    expect((await open({ version: '0.1.0', development: true }).api.app.status()).build).toBe('development');
  });
});
