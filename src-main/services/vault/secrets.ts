// Vault secrets in the OS keychain (account vault:<id>): sealed with the vault key before they are
// written, opened after they are read. Until the migration has encrypted what older versions
// left in plaintext, such an item is still read as it is; after it, a plaintext item is refused
// (it can only have been written from outside Keyfleet).
import { AppError } from '../../errors.ts';
import { rememberSecret } from '../../redact.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import { inspectItem, openItem, sealItem } from '../../secrets/vault-items.ts';
import type { Store } from '../../store/index.ts';
import type { VaultRecord } from '../../store/vault.ts';

export const vaultAccount = (id: string) => `vault:${id}`;

export type Field = { label: string; value: string; secret: boolean };

export function createVaultSecrets(deps: { store: Store; secrets: SecretStore; key: () => Buffer }) {
  const { store, secrets } = deps;
  return {
    async write(entryId: string, fields: ReadonlyArray<{ label: string; value: string; secret?: boolean }>): Promise<void> {
      await secrets.set(vaultAccount(entryId), sealItem(deps.key(), entryId, fields));
      // A backend that ever quotes one of the user's own secrets gets it redacted.
      for (const field of fields) if (field.secret !== false) rememberSecret(field.value);
    },

    async read(record: VaultRecord): Promise<Field[]> {
      deps.key();
      const stored = await secrets.get(vaultAccount(record.id));
      // Asked again after the wait: a lock meanwhile zeroed the key, and must answer 'locked'.
      const key = deps.key();
      if (stored === null) throw new AppError('keychain', `The secret of “${record.name}” is missing from the OS keychain.`);
      const item = inspectItem(stored);
      let values: string[];
      if (item.kind === 'legacy' && store.vaultKey.get()?.migratedAt === null) {
        values = item.values;
      } else {
        try {
          values = openItem(
            key,
            record.id,
            record.fields.map((f) => f.label),
            stored,
          );
        } catch {
          throw new AppError(
            'keychain',
            `The secret of “${record.name}” in the OS keychain does not open with this vault’s key: it was changed outside Keyfleet. Nothing was shown.`,
          );
        }
      }
      return record.fields.map((f, i) => ({ ...f, value: values[i] ?? '' }));
    },

    delete(entryId: string): Promise<boolean> {
      return secrets.delete(vaultAccount(entryId));
    },
  };
}

export type VaultSecrets = ReturnType<typeof createVaultSecrets>;
