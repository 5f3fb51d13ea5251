// createCore: the composition root. Builds the store, the keychain access, the services and the
// handlers for every contract channel, and returns { api, events, dispatch, close }. No
// 'electron' import here or below: the desktop glue, the web harness, tests and benchmarks all
// run this same core.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { KeyfleetApi, Transport } from '../src-preload/contract.ts';
import { createBridge } from '../src-preload/api.ts';
import { typedApi } from '../src-preload/typed-api.ts';
import { AppError } from './errors.ts';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch.ts';
import { CoreEvents } from './events.ts';
import { keepHeapSmall } from './heap.ts';
import { createFileLogger, type Logger } from './log.ts';
import { privateDir } from './private-files.ts';
import { backends } from './providers/index.ts';
import type { HttpTuning } from './providers/types.ts';
import { checkKeychain, createKeytarSecretStore, type SecretStore } from './secrets/secret-store.ts';
import { createMemoryClipboard, createSecretClipboard, type ClipboardPort } from './services/clipboard.ts';
import { createBulkService } from './services/bulk.ts';
import { createConnectionService } from './services/connections.ts';
import { createCredentialRotation } from './services/credential-rotation.ts';
import { createInventoryService } from './services/inventory.ts';
import { createHealthService } from './services/health.ts';
import { exportInventory } from './services/exports.ts';
import { createJournalService } from './services/journal.ts';
import { createVaultService, vaultHandlers } from './services/vault/index.ts';
import type { FilePicker } from './services/files.ts';
import type { ScryptParams } from './secrets/vault-crypto.ts';
import { createKeyOperations } from './services/key-operations.ts';
import { createRevealService, createRevealSlots } from './services/reveal.ts';
import { createRotationService, type StepHook } from './services/rotation.ts';
import { createSettingsService } from './services/settings.ts';
import { createStore } from './store/index.ts';
import { watchOtherWriters } from './other-writers.ts';
import { recoverFromPreviousRun } from './recovery.ts';
import { noKeychain, readOnly, REVIEW_NOTE, silentLogger } from './review.ts';

export { REVIEW_NOTE } from './review.ts';

export interface CoreOptions {
  dataDir: string;
  secretStore?: SecretStore;
  clipboard?: ClipboardPort;
  version?: string;
  /**
   * A source checkout or the web harness (where `npm run preview:web` and the sandboxes exist).
   * Default: true when no version or the version 'dev' or 'harness' is given.
   */
  development?: boolean;
  revealTtlMs?: number;
  /** How long a copied secret stays on the clipboard until the user picks a time in the settings. */
  clipboardClearMs?: number;
  http?: HttpTuning;
  now?: () => number;
  logger?: Logger;
  /** Called at every journal step of a multi-step operation; tests stop the process there. */
  onStep?: StepHook;
  /** Waits between sign-in attempts with a connection's new credential (a backend catching up). */
  credentialVerifyDelaysMs?: number[];
  /** How often scheduled work (retiring old keys after a rotation) is checked. */
  schedulerIntervalMs?: number;
  /**
   * Background sync of every connection; 0 turns it off. Default 15 minutes. The user's setting,
   * once saved, takes its place.
   */
  syncIntervalMs?: number;
  /** How often an unreachable connection is tried again. Default 1 minute. */
  reconnectIntervalMs?: number;
  /** How often the database is checked for commits by another process (the command line). */
  otherWritersCheckMs?: number;
  /** How often idleness is checked for the vault's auto-lock. */
  idleCheckMs?: number;
  /** OS re-authentication (Touch ID…) for unlocking the vault, where the platform offers it. */
  authenticate?: (reason: string) => Promise<boolean>;
  /** scrypt parameters for new vault seals (default 2^17, 8, 1; tests use cheaper ones). */
  vaultKdf?: ScryptParams;
  /** Where files are saved and opened (the desktop app: the OS dialogs). */
  files?: FilePicker;
  /** How a wrong vault passphrase's delay is waited out (tests record it instead). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Review a copy of a data dir (another machine's, an auditor's): opened read-only, without any
   * credential; every channel that would change something is refused.
   */
  review?: boolean;
  /**
   * A command-line run: none of the desktop app's background work (the sync schedule, the
   * retirement timer, the idle lock, expiry reminders — which only the app can show, and which
   * would be marked as sent here). Work left by cores that are gone is still recovered at start.
   */
  headless?: boolean;
}

export interface Core {
  api: KeyfleetApi;
  /** Locks the vault: the desktop glue calls it when the OS locks the screen or suspends. */
  lock(reason: 'user' | 'idle' | 'os'): Promise<void>;
  /** Clears a copied secret from the clipboard if it is still there (the session is ending). */
  clearClipboard(): Promise<void>;
  /** Resolves once work a previous run left (an interrupted rotation) is resumed or rolled back. */
  ready: Promise<void>;
  events: CoreEvents;
  dispatch: Dispatch;
  handlers: Handlers;
  close(): Promise<void>;
}

export const DATABASE_FILE = 'keyfleet.db';

export function createCore(options: CoreOptions): Core {
  keepHeapSmall();
  const review = options.review === true;
  // Background work: only in a desktop app or harness core on its own data.
  const background = !review && options.headless !== true;
  if (!review) privateDir(options.dataDir);
  const now = options.now ?? Date.now;
  // A reviewed copy is someone else's data: nothing, not even a log line, is written into it.
  const log = options.logger ?? (review ? silentLogger : createFileLogger(options.dataDir));
  const store = createStore(join(options.dataDir, DATABASE_FILE), review, randomUUID());
  if (!review) store.instances.register(now());
  const secrets = review ? noKeychain : (options.secretStore ?? createKeytarSecretStore());
  const events = new CoreEvents();
  const settings = createSettingsService({
    store,
    dataDir: options.dataDir,
    databaseFile: DATABASE_FILE,
    defaults: {
      ...(options.syncIntervalMs === undefined ? {} : { syncIntervalMinutes: options.syncIntervalMs / 60_000 }),
      ...(options.clipboardClearMs === undefined ? {} : { clipboardClearSeconds: options.clipboardClearMs / 1000 }),
    },
    onChange: (changed) => {
      if (changed.includes('syncIntervalMinutes')) restartSchedule();
    },
  });
  const slots = createRevealSlots({ ttlMs: options.revealTtlMs });
  const reveal = createRevealService({ slots, secrets, store, log, now });
  const clipboard = createSecretClipboard({
    port: options.clipboard ?? createMemoryClipboard(),
    clearAfterMs: () => settings.one('clipboardClearSeconds') * 1000,
    now,
    onCleared: (at) => events.emit('clipboard.cleared', { at }),
  });

  let sweeping: Promise<void> = Promise.resolve();
  if (!review) {
    recoverFromPreviousRun(store, now, log);
    sweeping = reveal.sweep().catch((error: unknown) => log.error('reveal.sweep-failed', error));
  }

  const inventory = createInventoryService({ store, events, log, now, connections: () => connections });
  const connections = createConnectionService({
    store,
    secrets,
    events,
    log,
    now,
    http: options.http,
    isSyncing: inventory.isSyncing,
    reviewNote: review ? REVIEW_NOTE : undefined,
  });
  const keys = createKeyOperations({ store, events, log, now, connections, reveal });
  const journal = createJournalService({ store, now });
  const vault = createVaultService({
    store,
    secrets,
    events,
    log,
    now,
    clipboard,
    http: options.http,
    authenticate: options.authenticate,
    kdf: options.vaultKdf,
    files: options.files,
    sleep: options.sleep,
    autoLockMinutes: () => settings.one('autoLockMinutes'),
    // A lock wipes what the core still holds of new secrets (they stay held in the keychain).
    // Secrets on screen go back to "unseen", so they can be shown again after unlocking.
    onLock: () => {
      slots.wipeAll();
      reveal.returnShowing();
    },
  });
  const idleTimer = !background ? undefined : setInterval(() => vault.checkIdle(), options.idleCheckMs ?? 15_000);
  idleTimer?.unref();
  const bulk = createBulkService({ store, keys, events, now });
  const health = createHealthService({ store, events, now, reminderDays: () => settings.one('expiryReminderDays') });
  // Expiry reminders: at start, and whenever a sync brought fresh expiry dates.
  const remind = () => {
    try {
      health.remind();
    } catch (error) {
      log.error('reminders.failed', error);
    }
  };
  events.on('sync.finished', ({ run }) => {
    if (run.result === 'ok' && background) remind();
  });
  const firstReminders = !background ? undefined : setImmediate(remind);
  const rotation = createRotationService({ store, events, log, now, connections, keys, reveal, onStep: options.onStep });
  const credentialRotation = createCredentialRotation({
    store,
    secrets,
    events,
    log,
    now,
    connections,
    keys,
    onStep: options.onStep,
    verifyDelaysMs: options.credentialVerifyDelaysMs,
  });
  const resumeAll = () => Promise.all([rotation.resumeAll(), credentialRotation.resumeAll()]).then(() => undefined);
  const ready = review ? Promise.resolve() : resumeAll().catch((error: unknown) => log.error('rotation.resume-failed', error));
  if (background) rotation.startScheduler(options.schedulerIntervalMs, resumeAll);
  // The background sync follows the user's interval; a new interval replaces the running schedule.
  const startSchedule = () =>
    inventory.startSchedule({
      intervalMs: !background ? 0 : settings.one('syncIntervalMinutes') * 60_000,
      reconnectMs: options.reconnectIntervalMs ?? 60_000,
    });
  let stopSchedule = startSchedule();
  const stopWatching = background ? watchOtherWriters(store, events, options.otherWritersCheckMs) : () => undefined;
  let closed = false;
  function restartSchedule(): void {
    stopSchedule();
    stopSchedule = closed ? () => undefined : startSchedule();
  }
  const development = options.development ?? (options.version === undefined || options.version === 'dev' || options.version === 'harness');

  const handlers: Handlers = {
    'app.status': async () => ({
      version: options.version ?? 'dev',
      dataDir: options.dataDir,
      mode: review ? 'review' : 'normal',
      build: development ? 'development' : 'release',
      platform: process.platform,
      keychain: await secrets.probe(),
    }),
    'app.backends': () => backends(),
    'app.checkKeychain': () => checkKeychain(secrets, now),
    'settings.get': () => settings.view(),
    'settings.set': (input) => settings.write(input),
    'connections.list': () => connections.list(),
    'connections.add': (input) => connections.add(input),
    'connections.update': (input) => connections.update(input),
    'connections.cancelVerify': (input) => ({ cancelled: connections.cancelVerify(input.attemptId) }),
    'connections.rotateCredential': (input) => credentialRotation.start(input.connectionId),
    'connections.remove': async (input) => {
      // Its own sync is cancelled (nothing of it is written); other connections' syncs go on.
      await inventory.cancelAndSettle(input.connectionId);
      return connections.remove(input.connectionId);
    },
    'scopes.list': (input) => inventory.scopes(input.connectionId),
    'keys.list': (input) => inventory.keys(input),
    'keys.get': (input) => inventory.key(input.connectionId, input.keyId),
    'keys.hide': (input) => {
      inventory.key(input.connectionId, input.keyId);
      const hidden = store.inventory.hideGone(input.connectionId, input.keyId);
      if (!hidden) throw new AppError('conflict', 'Only a key gone from the backend can be hidden.');
      events.emit('inventory.changed', { connectionId: input.connectionId });
      return { hidden };
    },
    'keys.history': (input) => {
      inventory.key(input.connectionId, input.keyId);
      return store.inventory.history(input.connectionId, input.keyId);
    },
    'keys.createForm': (input) => keys.createForm(input.connectionId),
    'keys.create': (input) => keys.create(input),
    'rotation.plan': (input) => rotation.plan(input),
    'rotation.start': (input) => rotation.start(input),
    'rotation.list': () => rotation.list(),
    'rotation.confirmDeployed': (input) => rotation.confirmDeployed(input.operationId),
    'rotation.retire': (input) => rotation.retire(input),
    'rotation.keepOld': (input) => rotation.keepOld(input.operationId),
    'rotation.cancel': (input) => rotation.cancel(input.operationId),
    'keys.update': (input) => keys.update(input),
    'keys.setActive': (input) => keys.setActive(input),
    'keys.delete': (input) => keys.delete(input),
    'bulk.plan': (input) => bulk.plan(input),
    'bulk.run': (input) => bulk.run(input),
    'sync.run': (input) => inventory.sync(input.connectionId),
    'sync.all': () => inventory.syncAll(),
    'sync.cancel': (input) => ({ cancelled: inventory.cancel(input.connectionId) }),
    'reveal.take': (input) => reveal.take(input.slotId),
    'reveal.discard': async (input) => ({ discarded: await reveal.discard(input.slotId) }),
    'reveal.done': async (input) => ({ released: await reveal.done(input.slotId, input.seen) }),
    'reveal.pending': () => reveal.pending(),
    'reveal.reopen': async (input) => {
      // Showing a secret again, after a lock took it off screen, needs the unlock step first.
      vault.requireUnlocked();
      return { revealSlotId: await reveal.reopen(input.operationId) };
    },
    'health.summary': (input) => health.summary(input.idleDays),
    'policy.get': (input) => {
      connections.get(input.connectionId);
      return health.policy(input.connectionId);
    },
    'policy.set': ({ connectionId, ...policy }) => {
      connections.get(connectionId);
      return health.setPolicy(connectionId, policy);
    },
    'changes.list': (input) => {
      const names = new Map(store.connections.list().map((c) => [c.id, c.name]));
      const page = store.inventory.changesSince(input.since, input.connectionId ?? null, input.offset, input.limit);
      return { total: page.total, rows: page.rows.map((row) => ({ ...row, connectionName: names.get(row.connectionId) ?? 'removed connection' })) };
    },
    'inventory.export': (input) => exportInventory(store, now(), input.format, input.connectionId),
    'journal.list': (input) => journal.list(input.offset, input.limit),
    'journal.export': (input) => journal.export(input.format),
    'app.activity': () => {
      vault.touch();
      return { at: now() };
    },
    ...vaultHandlers(vault, (minutes) => settings.write({ autoLockMinutes: minutes })),
    'clipboard.writeSecret': (input) => clipboard.writeSecret(input.text),
  };

  const dispatch = createDispatcher(review ? readOnly(handlers) : handlers, log);
  const transport: Transport = {
    invoke: (channel, input) => dispatch(channel, input),
    subscribe: (event, listener) => events.on(event, listener),
  };

  return {
    api: typedApi(createBridge(transport)),
    lock: (reason) => vault.lock(reason),
    clearClipboard: () => clipboard.clearNow(),
    ready,
    events,
    dispatch,
    handlers,
    async close() {
      if (closed) return;
      closed = true;
      rotation.stop();
      stopSchedule();
      stopWatching();
      clearInterval(idleTimer);
      if (firstReminders) clearImmediate(firstReminders);
      await ready;
      await sweeping;
      // A quit during a sync cancels it: nothing half-written, the cached inventory as it was.
      await inventory.stop();
      reveal.wipeAll();
      vault.close();
      await clipboard.clearNow().catch(() => undefined);
      await connections.close();
      events.clear();
      // The sync's writer thread and the last syncs' checkpoint end before the database closes.
      await store.swapper.close();
      await store.checkpointsSettled();
      store.close();
    },
  };
}
