// The vault service on a data dir, as the core builds it (real SQLite, the real keychain, the file
// log), with what tests need to see: the delays a wrong passphrase waited, the files it was asked to
// save or open, and a restart (a new service on the same dir).
import { join } from 'node:path';
import { DATABASE_FILE } from '../../src-main/core.ts';
import { CoreEvents } from '../../src-main/events.ts';
import { createFileLogger } from '../../src-main/log.ts';
import { createKeytarSecretStore, type SecretStore } from '../../src-main/secrets/secret-store.ts';
import type { ScryptParams } from '../../src-main/secrets/vault-crypto.ts';
import { createMemoryClipboard, createSecretClipboard } from '../../src-main/services/clipboard.ts';
import type { FilePicker } from '../../src-main/services/files.ts';
import { createVaultService } from '../../src-main/services/vault/index.ts';
import { createStore } from '../../src-main/store/index.ts';

/** Cheap scrypt for tests (the least Keyfleet writes); the app uses 2^17. */
export const TEST_KDF: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };

export interface VaultOnDisk {
  vault: ReturnType<typeof createVaultService>;
  store: ReturnType<typeof createStore>;
  events: CoreEvents;
  /** Every delay a wrong passphrase waited, in order. */
  slept: number[];
  /** The paths the file pickers answer next (null: the user cancels). */
  files: { save: string | null; open: string | null };
  close: () => void;
}

export function openVault(
  dataDir: string,
  options: { kdf?: ScryptParams; authenticate?: (reason: string) => Promise<boolean>; secrets?: SecretStore; now?: () => number } = {},
): VaultOnDisk {
  const store = createStore(join(dataDir, DATABASE_FILE));
  const events = new CoreEvents();
  const slept: number[] = [];
  const files = { save: null as string | null, open: null as string | null };
  const picker: FilePicker = { chooseSave: () => Promise.resolve(files.save), chooseOpen: () => Promise.resolve(files.open) };
  const now = options.now ?? Date.now;
  const vault = createVaultService({
    store,
    secrets: options.secrets ?? createKeytarSecretStore(),
    events,
    log: createFileLogger(dataDir),
    now,
    clipboard: createSecretClipboard({ port: createMemoryClipboard(), now, onCleared: () => undefined }),
    authenticate: options.authenticate,
    onLock: () => undefined,
    autoLockMinutes: () => 5,
    kdf: options.kdf ?? TEST_KDF,
    files: picker,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
  });
  return {
    vault,
    store,
    events,
    slept,
    files,
    close: () => {
      vault.close();
      store.close();
    },
  };
}
