// Backing the vault up to one encrypted file and restoring it, here or on another machine. A backup
// holds every entry with its secrets, sealed with a passphrase chosen for that file (the format is
// in backup-format.ts). Restoring opens the file, previews what it would add (duplicates of
// entries already here are marked, to skip or rename), then adds what the user chose, all or
// none; a wrong passphrase or a damaged file is refused before anything changes.
import { randomUUID } from 'node:crypto';
import type { ChannelInput, VaultRestorePreview, VaultRestoreReport } from '../../../src-preload/contract.ts';
import { basename } from 'node:path';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../../store/index.ts';
import { stamp } from '../exports.ts';
import { readChosenFile, writePrivateFile, type FilePicker } from '../files.ts';
import { VaultCryptoError, type ScryptParams } from '../../secrets/vault-crypto.ts';
import { BACKUP_EXTENSION, MAX_BACKUP_BYTES, readBackup, writeBackup, type BackupEntry } from './backup-format.ts';
import type { VaultEntries } from './entries.ts';

/** How long an opened backup waits for the user to choose what to restore. */
const PREVIEW_TTL_MS = 15 * 60_000;
const FILTERS = [{ name: 'Keyfleet vault backup', extensions: [BACKUP_EXTENSION] }];

export type RestoreChoice = ChannelInput<'vault.restore'>['choices'][number];

interface Held {
  entries: BackupEntry[];
  expiresAt: number;
}

type Named = { name: string; service: string };
const sameEntry = (a: Named, b: Named) => a.name.toLowerCase() === b.name.toLowerCase() && a.service.toLowerCase() === b.service.toLowerCase();

function suggestName(entry: BackupEntry, taken: readonly Named[]): string {
  for (let n = 1; ; n++) {
    const name = `${entry.name.slice(0, 480)} (restored${n > 1 ? ` ${n}` : ''})`;
    if (!taken.some((t) => sameEntry(t, { name, service: entry.service }))) return name;
  }
}

function failure(error: VaultCryptoError, fileName: string): AppError {
  switch (error.reason) {
    case 'not-ours':
      return new AppError('validation', `${fileName} is not a Keyfleet vault backup. Nothing was restored.`);
    case 'newer-version':
      return new AppError('unsupported', `${fileName} was made by a newer Keyfleet; update Keyfleet to restore it. Nothing was restored.`);
    case 'wrong-passphrase':
      return new AppError('validation', `Wrong passphrase for ${fileName}. Nothing was restored.`, { fields: { passphrase: 'Wrong passphrase for this backup.' } });
    default:
      return new AppError(
        'validation',
        `${fileName} is damaged or incomplete (it does not match its own checksum, or its encrypted part does not open). Nothing was restored.`,
      );
  }
}

export function createVaultBackup(deps: {
  store: Store;
  entries: VaultEntries;
  files: FilePicker;
  kdf: ScryptParams;
  now: () => number;
  log: Logger;
  requireKey: () => void;
}) {
  const { store, entries, now } = deps;
  const held = new Map<string, Held>();

  const keptLink = (entry: BackupEntry) => entry.link !== null && store.inventory.getKey(entry.link.connectionId, entry.link.keyId) !== undefined;

  return {
    backup: async (passphrase: string): Promise<{ path: string; fileName: string; entries: number } | { cancelled: true }> => {
      deps.requireKey();
      const path = await deps.files.chooseSave({ title: 'Save the vault backup', defaultName: `keyfleet-vault-${stamp(now())}.${BACKUP_EXTENSION}`, filters: FILTERS });
      if (!path) return { cancelled: true };
      const all = await entries.readAll();
      const content = await writeBackup(
        all.map(({ record, fields }) => ({
          id: record.id,
          name: record.name,
          service: record.service,
          url: record.url,
          notes: record.notes,
          expiresAt: record.expiresAt,
          tags: record.tags,
          fields,
          link: record.link,
          createdAt: record.createdAt,
          updatedAt: record.updatedAt,
        })),
        passphrase,
        deps.kdf,
        now(),
      );
      writePrivateFile(path, content);
      store.journal.audit({ at: now(), actor: 'user', action: 'vault.backup', connectionId: null, keyId: null, result: 'ok', detail: `${all.length} entries` });
      deps.log.info('vault.backup', { entries: all.length });
      return { path, fileName: basename(path), entries: all.length };
    },

    /** Opens a backup the user picks and says what restoring it would do; nothing changes yet. */
    preview: async (
      passphrase: string,
    ): Promise<VaultRestorePreview | { cancelled: true }> => {
      deps.requireKey();
      const path = await deps.files.chooseOpen({ title: 'Restore a vault backup', filters: FILTERS });
      if (!path) return { cancelled: true };
      const fileName = basename(path);
      const content = await readChosenFile(path, MAX_BACKUP_BYTES);
      let opened: Awaited<ReturnType<typeof readBackup>>;
      try {
        opened = await readBackup(content, passphrase);
      } catch (error) {
        if (error instanceof VaultCryptoError) throw failure(error, fileName);
        throw error;
      }
      const existing = store.vault.list();
      const restoreId = randomUUID();
      held.set(restoreId, { entries: opened.entries, expiresAt: now() + PREVIEW_TTL_MS });
      return {
        restoreId,
        fileName,
        createdAt: opened.createdAt,
        entries: opened.entries.map((entry, ref) => {
          const duplicate = existing.find((e) => e.id === entry.id || sameEntry(e, entry));
          return {
            ref,
            name: entry.name,
            service: entry.service,
            tags: entry.tags,
            fields: entry.fields.map((f) => f.label),
            link: entry.link === null ? 'none' : keptLink(entry) ? 'kept' : 'dropped',
            duplicateOf: duplicate ? { id: duplicate.id, name: duplicate.name } : null,
            suggestedName: suggestName(entry, existing),
          };
        }),
      };
    },

    /** Adds the chosen entries of an opened backup, all or none. */
    restore: async (restoreId: string, choices: readonly RestoreChoice[]): Promise<VaultRestoreReport> => {
      deps.requireKey();
      const opened = held.get(restoreId);
      if (!opened || opened.expiresAt <= now()) {
        held.delete(restoreId);
        throw new AppError('not-found', 'This restore was closed or timed out; open the backup again.');
      }
      const byRef = new Map(choices.map((c) => [c.ref, c]));
      if (byRef.size !== choices.length || choices.some((c) => c.ref >= opened.entries.length)) {
        throw new AppError('validation', 'The choices do not match the backup’s entries.');
      }
      const existing = store.vault.list();
      const ids = new Set(existing.map((e) => e.id));
      const taken: Named[] = existing.map(({ name, service }) => ({ name, service }));
      const plan: Array<{ entry: BackupEntry; name: string }> = [];
      const report: VaultRestoreReport = { added: [], renamed: [], skipped: [], linksDropped: 0 };
      opened.entries.forEach((entry, ref) => {
        const choice = byRef.get(ref) ?? { ref, action: 'skip' };
        if (choice.action === 'skip') return void report.skipped.push(entry.name);
        if (choice.action === 'add' && (ids.has(entry.id) || taken.some((t) => sameEntry(t, entry)))) {
          throw new AppError('validation', `“${entry.name}” is already in the vault: skip it or restore it under another name.`);
        }
        const name = choice.action === 'rename' ? choice.name?.trim() || suggestName(entry, taken) : entry.name;
        if (choice.action === 'rename' && taken.some((t) => sameEntry(t, { name, service: entry.service }))) {
          throw new AppError('validation', `“${name}” is taken in the vault too: choose another name.`);
        }
        taken.push({ name, service: entry.service });
        plan.push({ entry, name });
        if (choice.action === 'rename') report.renamed.push({ from: entry.name, to: name });
        else report.added.push(name);
        if (entry.link && !keptLink(entry)) report.linksDropped++;
      });
      const added = await entries.createAll(
        plan.map(({ entry, name }) => ({ ...entry, name, link: keptLink(entry) ? entry.link : null })),
        'vault.restore',
      );
      held.delete(restoreId);
      deps.log.info('vault.restored', { added: added.length, skipped: report.skipped.length });
      return report;
    },

    /** Drops opened backups (a lock, or the core closing). */
    forget: (): void => {
      held.clear();
    },
  };
}

export type VaultBackup = ReturnType<typeof createVaultBackup>;
