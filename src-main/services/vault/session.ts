// The vault's lock: the passphrase, the vault key it unwraps, and who may see what. The vault key
// (32 random bytes) exists on disk only sealed with a key derived from the passphrase (scrypt, see
// secrets/vault-crypto.ts); unlocking derives, unwraps and keeps it in this process's memory,
// locking zeroes it. Wrong passphrases are answered after a delay that doubles with each one in a
// row (kept in SQLite, so a restart does not reset it) and attempts are taken one at a time.
// Before a passphrase exists, the lock still guards one-time reveals, with an OS confirmation (or
// a click) as before, and the vault's entries stay closed until one is set.
import type { CoreEvents } from '../../events.ts';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import {
  keyCheck,
  openWithPassphrase,
  randomKey,
  readHeader,
  sameKeyCheck,
  sealWithPassphrase,
  VaultCryptoError,
  weakerThan,
  wipe,
  type ScryptParams,
} from '../../secrets/vault-crypto.ts';
import type { Store } from '../../store/index.ts';
import type { SecretClipboard } from '../clipboard.ts';

export const KEY_FORMAT = 'keyfleet-vault-key';
export const KEY_VERSION = 1;
/** Where the vault key is kept for Touch ID, only while the user has it turned on; named after its check. */
export const deviceKeyAccount = (check: Buffer) => `vault-key:${check.toString('hex')}`;

export type LockReason = 'user' | 'idle' | 'os';

/** 1 s after the first wrong passphrase, doubling with each one in a row, at most a minute. */
export const unlockDelayMs = (failures: number): number => (failures <= 0 ? 0 : Math.min(1000 * 2 ** (failures - 1), 60_000));

export interface SessionDeps {
  store: Store;
  secrets: SecretStore;
  events: CoreEvents;
  log: Logger;
  now: () => number;
  clipboard: SecretClipboard;
  /** scrypt parameters for new seals; a stored key sealed with weaker ones is resealed at unlock. */
  kdf: ScryptParams;
  /** OS re-authentication (Touch ID) where the platform offers it. */
  authenticate?: (reason: string) => Promise<boolean>;
  sleep: (ms: number) => Promise<void>;
  /** Called on lock: the core wipes what it still holds of new secrets. */
  onLock: () => void;
  autoLockMinutes: () => number;
  /** Encrypts what older versions left in plaintext; runs after each unlock until it is done. */
  migrate: (key: () => Buffer) => Promise<void>;
}

export interface UnlockInput {
  passphrase?: string;
  touchId?: boolean;
}

export function createVaultSession(deps: SessionDeps) {
  const { store, secrets, events, now } = deps;
  let vaultKey: Buffer | null = null;
  // With a passphrase the vault starts locked (its key is not in memory); without, as before.
  let locked = store.vaultKey.get() !== undefined;
  let lastActivity = now();
  // One passphrase attempt at a time: parallel guesses wait for each other's delays.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const hasPassphrase = () => store.vaultKey.get() !== undefined;

  /** Opens the stored seal with a passphrase, or answers a wrong one after the growing delay. */
  async function unwrap(passphrase: string, field: string): Promise<Buffer> {
    const record = store.vaultKey.get();
    if (!record) throw notSetUp();
    try {
      const { plaintext } = await openWithPassphrase({ format: KEY_FORMAT, version: KEY_VERSION, passphrase, header: record.header, ciphertext: record.wrapped });
      store.vaultKey.resetFailures();
      return plaintext;
    } catch (error) {
      if (!(error instanceof VaultCryptoError)) throw error;
      if (error.reason !== 'wrong-passphrase') {
        deps.log.error('vault.key-unreadable', new AppError('internal', error.reason));
        throw new AppError('internal', 'The stored vault key is damaged or was written by a newer Keyfleet; the vault cannot be opened.');
      }
      const failures = store.vaultKey.recordFailure(now());
      deps.log.warn('vault.wrong-passphrase', { failures });
      await deps.sleep(unlockDelayMs(failures));
      const next = unlockDelayMs(failures + 1) / 1000;
      throw new AppError('validation', 'Wrong vault passphrase.', {
        fields: { [field]: `Wrong passphrase (${failures} in a row). The next wrong one is answered after ${next} s.` },
      });
    }
  }

  async function seal(material: Buffer, passphrase: string): Promise<{ header: string; ciphertext: Buffer }> {
    return sealWithPassphrase({ format: KEY_FORMAT, version: KEY_VERSION, passphrase, plaintext: material, params: deps.kdf });
  }

  async function opened(unwrapped: Buffer): Promise<void> {
    if (vaultKey !== unwrapped) wipe(vaultKey);
    vaultKey = unwrapped;
    locked = false;
    lastActivity = now();
    events.emit('vault.unlocked', {});
    try {
      await deps.migrate(key);
    } catch (error) {
      // Whatever was not encrypted yet stays readable as it was and is tried at the next unlock.
      deps.log.error('vault.migration-failed', error);
    }
  }

  function key(): Buffer {
    if (!hasPassphrase()) throw notSetUp();
    if (locked || !vaultKey) throw new AppError('locked', 'The vault is locked. Unlock it with your vault passphrase.');
    return vaultKey;
  }

  async function lock(reason: LockReason): Promise<void> {
    if (locked && !vaultKey) return;
    locked = true;
    wipe(vaultKey);
    vaultKey = null;
    deps.onLock();
    await deps.clipboard.clearNow().catch(() => undefined);
    events.emit('vault.locked', { reason });
    deps.log.info('vault.locked', { reason });
  }

  async function status() {
    const record = store.vaultKey.get();
    const kdf = record ? readHeader(record.header, KEY_FORMAT, KEY_VERSION).kdf : null;
    return {
      passphrase: record ? ('set' as const) : ('unset' as const),
      locked,
      autoLockMinutes: deps.autoLockMinutes(),
      unlock: record ? ('passphrase' as const) : deps.authenticate ? ('os' as const) : ('confirm' as const),
      touchId: !deps.authenticate ? ('unavailable' as const) : record?.deviceUnlock ? ('on' as const) : ('off' as const),
      kdf: kdf && { name: kdf.name, N: kdf.N, r: kdf.r, p: kdf.p },
      migrationPending: record ? record.migratedAt === null : store.vault.count() > 0,
      failedAttempts: record?.failedAttempts ?? 0,
      entries: store.vault.count(),
      keychain: await secrets.probe(),
    };
  }

  return {
    status,

    /** The vault key, for sealing and opening secrets; refused while locked or before a passphrase. */
    key,

    /** Throws 'locked' while locked: anything that shows a secret again (a one-time reveal too). */
    requireUnlocked(): void {
      if (locked) throw new AppError('locked', 'The vault is locked. Unlock it to see or copy a secret.');
    },

    /** First use: a random vault key, sealed with the new passphrase, then older entries encrypted. */
    setup(passphrase: string) {
      return serial(async () => {
        if (hasPassphrase()) throw new AppError('conflict', 'The vault already has a passphrase. Change it in Settings.');
        // Locked by idle or the OS: the one who sets the passphrase must first be the one who unlocks.
        if (locked) throw new AppError('locked', 'Unlock first, then set the vault passphrase.');
        const fresh = randomKey();
        const sealed = await seal(fresh, passphrase);
        const at = now();
        // Stored before any entry is encrypted with it, so an interrupted migration can go on.
        store.vaultKey.create({ header: sealed.header, wrapped: sealed.ciphertext, keyCheck: keyCheck(fresh) }, at, store.vault.count() === 0 ? at : null);
        deps.log.info('vault.passphrase-set', {});
        store.journal.audit({ at, actor: 'user', action: 'vault.set-passphrase', connectionId: null, keyId: null, result: 'ok', detail: null });
        await opened(fresh);
        return status();
      });
    },

    unlock(input: UnlockInput) {
      return serial(async () => {
        if (!locked && (vaultKey || !hasPassphrase())) return status();
        const record = store.vaultKey.get();
        if (!record) {
          // No passphrase yet: the lock guards one-time reveals with an OS check or a confirmation.
          if (deps.authenticate && !(await deps.authenticate('unlock Keyfleet'))) throw notConfirmed();
          locked = false;
          lastActivity = now();
          events.emit('vault.unlocked', {});
          return status();
        }
        let unwrapped: Buffer;
        if (input.touchId) {
          if (!deps.authenticate || !record.deviceUnlock) throw new AppError('unsupported', 'Touch ID is not turned on for the vault; use the passphrase.');
          if (!(await deps.authenticate('unlock the Keyfleet vault'))) throw notConfirmed();
          const stored = await secrets.get(deviceKeyAccount(record.keyCheck));
          if (stored === null) throw new AppError('keychain', 'The vault key kept for Touch ID is gone from the keychain; unlock with the passphrase.');
          unwrapped = Buffer.from(stored, 'base64');
          // A key that is not this vault's would seal new secrets no passphrase could open again.
          if (!sameKeyCheck(keyCheck(unwrapped), record.keyCheck)) {
            wipe(unwrapped);
            throw new AppError('keychain', 'The vault key kept for Touch ID is not this vault’s; unlock with the passphrase and turn Touch ID on again.');
          }
        } else {
          if (!input.passphrase) throw new AppError('validation', 'Enter the vault passphrase.', { fields: { passphrase: 'Required.' } });
          unwrapped = await unwrap(input.passphrase, 'passphrase');
          if (weakerThan(readHeader(record.header, KEY_FORMAT, KEY_VERSION).kdf, deps.kdf)) {
            const sealed = await seal(unwrapped, input.passphrase);
            store.vaultKey.rewrap(sealed.header, sealed.ciphertext, now());
            deps.log.info('vault.kdf-raised', { N: deps.kdf.N, r: deps.kdf.r, p: deps.kdf.p });
          }
        }
        await opened(unwrapped);
        deps.log.info('vault.unlocked', { touchId: input.touchId === true });
        return status();
      });
    },

    /** The same vault key, sealed with a new passphrase: no secret is touched. */
    changePassphrase(current: string, next: string) {
      return serial(async () => {
        if (!hasPassphrase()) throw notSetUp();
        const unwrapped = await unwrap(current, 'current');
        try {
          const sealed = await seal(unwrapped, next);
          const at = now();
          store.vaultKey.rewrap(sealed.header, sealed.ciphertext, at);
          store.journal.audit({ at, actor: 'user', action: 'vault.change-passphrase', connectionId: null, keyId: null, result: 'ok', detail: null });
          deps.log.info('vault.passphrase-changed', {});
        } finally {
          wipe(unwrapped);
        }
        return status();
      });
    },

    /**
     * Touch ID on: the vault key is also kept in the OS keychain, where Keyfleet reads it after a
     * Touch ID prompt. Off: that copy is deleted. Only while unlocked, and only where Touch ID exists.
     */
    setTouchId(on: boolean) {
      return serial(async () => {
        const record = store.vaultKey.get();
        if (!deps.authenticate) throw new AppError('unsupported', 'Touch ID is available only on a Mac that has it.');
        if (!record) throw notSetUp();
        if (on) {
          key();
          if (!(await deps.authenticate('let Touch ID unlock the Keyfleet vault'))) throw notConfirmed();
          // Taken after the prompt: a lock meanwhile answers 'locked' instead of storing zeroes.
          await secrets.set(deviceKeyAccount(record.keyCheck), key().toString('base64'));
        } else {
          await secrets.delete(deviceKeyAccount(record.keyCheck));
        }
        store.vaultKey.setDeviceUnlock(on);
        deps.log.info('vault.touch-id', { on });
        return status();
      });
    },

    lock,

    /** Any call from the user counts as activity for the idle lock. */
    touch(): void {
      lastActivity = now();
    },

    checkIdle(): void {
      if (!locked && now() - lastActivity >= deps.autoLockMinutes() * 60_000) void lock('idle');
    },

    /** Forgets the key when the core closes. */
    close(): void {
      wipe(vaultKey);
      vaultKey = null;
    },
  };
}

export type VaultSession = ReturnType<typeof createVaultSession>;

const notSetUp = () => new AppError('locked', 'Your vault has no passphrase yet. Set one in My vault to use it.');
const notConfirmed = () => new AppError('forbidden', 'The operating system did not confirm it is you; the vault stays locked.');
