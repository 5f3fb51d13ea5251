// The personal vault: keys a user holds (their own keys of any backend, or of services Keyfleet does
// not connect to). Here: session.ts (passphrase, vault key, lock), secrets.ts (sealed keychain
// items), migration.ts (older plaintext items encrypted), entries.ts (add, edit, reveal, copy),
// links.ts (what a linked key's inventory says, "check it still works"), backup.ts and
// backup-format.ts (encrypted backup file), env.ts (.env in and out). Each secret is sealed with
// the vault key before it reaches the keychain; the metadata is in SQLite; a locked vault gives
// out nothing but its status.
import type { HttpTuning } from '../../providers/types.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from '../../secrets/vault-crypto.ts';
import { digest, stamp } from '../exports.ts';
import { noFilePicker, type FilePicker } from '../files.ts';
import { createVaultBackup } from './backup.ts';
import { createVaultEntries } from './entries.ts';
import { createVaultEnv } from './env.ts';
import { migrateLegacySecrets } from './migration.ts';
import { createVaultSecrets } from './secrets.ts';
import { createVaultSession, type SessionDeps } from './session.ts';
import type { Handlers } from '../../dispatch.ts';

export { vaultAccount } from './secrets.ts';
export { REVEAL_VISIBLE_MS } from './entries.ts';
export type { LockReason } from './session.ts';

export type VaultDeps = Omit<SessionDeps, 'kdf' | 'sleep' | 'migrate'> & {
  http?: HttpTuning;
  /** scrypt parameters for new seals (default: DEFAULT_SCRYPT). */
  kdf?: ScryptParams;
  files?: FilePicker;
  /** How a wrong passphrase's delay is waited out (tests count it instead). */
  sleep?: (ms: number) => Promise<void>;
};

export function createVaultService(deps: VaultDeps) {
  const { store, now } = deps;
  const kdf = deps.kdf ?? DEFAULT_SCRYPT;
  const files = deps.files ?? noFilePicker;
  let forgetBackups = () => undefined as void;
  const session = createVaultSession({
    ...deps,
    kdf,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    onLock: () => {
      forgetBackups();
      deps.onLock();
    },
    migrate: (key) => migrateLegacySecrets(deps, key).then(() => undefined),
  });
  const requireKey = () => void session.key();
  const vaultSecrets = createVaultSecrets({ store, secrets: deps.secrets, key: session.key });
  const entries = createVaultEntries({ store, vaultSecrets, now, clipboard: deps.clipboard, http: deps.http, requireKey });
  const backup = createVaultBackup({ store, entries, files, kdf, now, log: deps.log, requireKey });
  forgetBackups = backup.forget;
  const env = createVaultEnv({ store, entries, files, now, requireKey });

  return {
    ...session,
    list: entries.list,
    add: entries.add,
    update: entries.update,
    remove: entries.remove,
    reveal: entries.reveal,
    copy: entries.copy,
    verify: entries.verify,
    backup: backup.backup,
    restorePreview: backup.preview,
    restore: backup.restore,
    parseEnv: env.preview,
    importEnv: env.import,
    exportEnv: env.export,

    exportMeta(): { fileName: string; content: string; sha256: string } {
      requireKey();
      const entries = store.vault.list().map(({ id, name, service, url, notes, expiresAt, tags, fields, link, createdAt, updatedAt }) => ({
        id,
        name,
        service,
        url,
        notes,
        expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        tags,
        fields: fields.map((f) => f.label),
        link,
        createdAt: new Date(createdAt).toISOString(),
        updatedAt: new Date(updatedAt).toISOString(),
      }));
      const content = `${JSON.stringify({ exportedAt: new Date(now()).toISOString(), note: 'Metadata only: no secret is in this file.', entries }, null, 2)}\n`;
      return { fileName: `keyfleet-vault-${stamp(now())}.json`, content, sha256: digest(content) };
    },

    close(): void {
      backup.forget();
      session.close();
    },
  };
}

export type VaultService = ReturnType<typeof createVaultService>;

type VaultChannel = Extract<keyof Handlers, `vault.${string}`>;

/** The vault's channels, bound to the service (the auto-lock minutes are the settings' to keep). */
export function vaultHandlers(vault: VaultService, setAutoLock: (minutes: number) => void): Pick<Handlers, VaultChannel> {
  return {
    'vault.status': () => vault.status(),
    'vault.list': () => vault.list(),
    'vault.add': (input) => vault.add(input),
    'vault.update': (input) => vault.update(input),
    'vault.remove': (input) => vault.remove(input.id),
    'vault.reveal': (input) => vault.reveal(input.id),
    'vault.copy': (input) => vault.copy(input.id, input.label),
    'vault.verify': (input) => vault.verify(input.id),
    'vault.setup': (input) => vault.setup(input.passphrase),
    'vault.lock': async () => {
      await vault.lock('user');
      return vault.status();
    },
    'vault.unlock': (input) => vault.unlock(input),
    'vault.changePassphrase': (input) => vault.changePassphrase(input.current, input.next),
    'vault.setTouchId': (input) => vault.setTouchId(input.on),
    'vault.setAutoLock': (input) => {
      setAutoLock(input.minutes);
      return vault.status();
    },
    'vault.parseEnv': (input) => vault.parseEnv(input.text),
    'vault.importEnv': (input) => vault.importEnv(input),
    'vault.exportEnv': (input) => vault.exportEnv(input.ids),
    'vault.backup': (input) => vault.backup(input.passphrase),
    'vault.restorePreview': (input) => vault.restorePreview(input.passphrase),
    'vault.restore': (input) => vault.restore(input.restoreId, input.choices),
    'vault.exportMeta': () => vault.exportMeta(),
  };
}
