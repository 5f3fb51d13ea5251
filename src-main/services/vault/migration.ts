// Encrypting what versions before vault passphrases left in the keychain (each vault:<id> item a
// plain JSON array of values), on the first unlock after a passphrase is set. Safe to interrupt at
// any point: the wrapped vault key is committed before the first item is touched; each item is
// replaced in one keychain write, so it holds either its old plaintext or its new ciphertext, and
// both are read correctly; items already sealed are skipped. Only when every item is sealed is the
// migration recorded as done, after which a plaintext item is refused.
import type { Logger } from '../../log.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import { inspectItem, sealItem } from '../../secrets/vault-items.ts';
import type { Store } from '../../store/index.ts';
import { vaultAccount } from './secrets.ts';

export interface MigrationReport {
  encrypted: number;
  alreadySealed: number;
  /** Entries whose keychain item is gone: nothing to encrypt (reading them says so). */
  missing: number;
  /** Items neither sealed nor an older plaintext, or a write that did not read back. */
  failed: number;
}

/**
 * `key` is asked for at each item, never kept across a wait: a lock meanwhile zeroes the key and
 * stops the migration ('locked') rather than sealing with zeroes; the next unlock goes on.
 */
export async function migrateLegacySecrets(deps: { store: Store; secrets: SecretStore; log: Logger; now: () => number }, key: () => Buffer): Promise<MigrationReport | null> {
  const { store, secrets, log } = deps;
  const record = store.vaultKey.get();
  if (!record || record.migratedAt !== null) return null;
  const report: MigrationReport = { encrypted: 0, alreadySealed: 0, missing: 0, failed: 0 };
  for (const entry of store.vault.list()) {
    const account = vaultAccount(entry.id);
    const stored = await secrets.get(account);
    if (stored === null) {
      report.missing++;
      continue;
    }
    const item = inspectItem(stored);
    if (item.kind === 'sealed') {
      report.alreadySealed++;
      continue;
    }
    if (item.kind === 'unknown') {
      report.failed++;
      log.warn('vault.migration-unreadable', { entryId: entry.id });
      continue;
    }
    const sealed = sealItem(
      key(),
      entry.id,
      entry.fields.map((f, i) => ({ label: f.label, value: item.values[i] ?? '' })),
    );
    await secrets.set(account, sealed);
    if ((await secrets.get(account)) !== sealed) {
      report.failed++;
      log.warn('vault.migration-not-stored', { entryId: entry.id });
      continue;
    }
    report.encrypted++;
  }
  if (report.failed === 0) store.vaultKey.markMigrated(deps.now());
  log.info('vault.migrated', { ...report });
  return report;
}
