// The wrapped vault key and the unlock bookkeeping (one row, table vault_key). The key is stored
// only sealed with the passphrase-derived key; nothing here opens without the passphrase.
import type { Db } from './db.ts';

export interface VaultKeyRecord {
  /** The seal's JSON header (KDF and parameters, cipher, nonce, passphrase check); its text is the AAD. */
  header: string;
  wrapped: Buffer;
  /** HMAC of the key: recognises the key without revealing it. */
  keyCheck: Buffer;
  createdAt: number;
  updatedAt: number;
  /** When every keychain item of an older version was encrypted; null while some may be plaintext. */
  migratedAt: number | null;
  failedAttempts: number;
  lastFailedAt: number | null;
  /** Touch ID unlocks (the key is then also kept in the OS keychain). */
  deviceUnlock: boolean;
}

interface Row {
  header: string;
  wrapped: Buffer;
  key_check: Buffer;
  created_at: number;
  updated_at: number;
  migrated_at: number | null;
  failed_attempts: number;
  last_failed_at: number | null;
  device_unlock: number;
}

export function vaultKeyQueries(db: Db) {
  const one = db.prepare('SELECT * FROM vault_key WHERE id = 1');
  const insert = db.prepare(`INSERT INTO vault_key (id, header, wrapped, key_check, created_at, updated_at, migrated_at)
    VALUES (1, @header, @wrapped, @keyCheck, @at, @at, @migratedAt)`);
  const rewrap = db.prepare('UPDATE vault_key SET header = ?, wrapped = ?, updated_at = ? WHERE id = 1');
  const migrated = db.prepare('UPDATE vault_key SET migrated_at = ? WHERE id = 1');
  const failed = db.prepare('UPDATE vault_key SET failed_attempts = failed_attempts + 1, last_failed_at = ? WHERE id = 1 RETURNING failed_attempts');
  const succeeded = db.prepare('UPDATE vault_key SET failed_attempts = 0, last_failed_at = NULL WHERE id = 1 AND failed_attempts > 0');
  const device = db.prepare('UPDATE vault_key SET device_unlock = ? WHERE id = 1');

  return {
    get(): VaultKeyRecord | undefined {
      const row = one.get() as Row | undefined;
      return (
        row && {
          header: row.header,
          wrapped: row.wrapped,
          keyCheck: row.key_check,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
          migratedAt: row.migrated_at,
          failedAttempts: row.failed_attempts,
          lastFailedAt: row.last_failed_at,
          deviceUnlock: row.device_unlock === 1,
        }
      );
    },
    create(sealed: { header: string; wrapped: Buffer; keyCheck: Buffer }, at: number, migratedAt: number | null): void {
      insert.run({ ...sealed, at, migratedAt });
    },
    /** A new passphrase or stronger parameters: the same key, sealed again. One statement, so atomic. */
    rewrap(header: string, wrapped: Buffer, at: number): void {
      rewrap.run(header, wrapped, at);
    },
    markMigrated(at: number): void {
      migrated.run(at);
    },
    /** Counts a wrong passphrase; returns how many came in a row. */
    recordFailure(at: number): number {
      const row = failed.get(at) as { failed_attempts: number } | undefined;
      return row?.failed_attempts ?? 1;
    },
    resetFailures(): void {
      succeeded.run();
    },
    setDeviceUnlock(on: boolean): void {
      device.run(on ? 1 : 0);
    },
  };
}
