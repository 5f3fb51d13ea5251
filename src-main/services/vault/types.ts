// PENDING-CONTRACT: these move to the contract's vault domain once it is split.
import type { KeyView, ProviderKind } from '../../../src-preload/contract.ts';

export interface VaultStatus {
  /** unset: no vault passphrase yet; the vault's entries stay closed until one is set. */
  passphrase: 'unset' | 'set';
  locked: boolean;
  autoLockMinutes: number;
  /** What unlocking asks for: the passphrase; before one is set, the OS (Touch ID) or a confirmation. */
  unlock: 'passphrase' | 'os' | 'confirm';
  /** Touch ID instead of the passphrase: only on a Mac that has it, only once the user turns it on. */
  touchId: 'unavailable' | 'off' | 'on';
  /** The KDF and its parameters the vault key is sealed with. */
  kdf: { name: 'scrypt'; N: number; r: number; p: number } | null;
  /** Secrets older versions stored in plaintext may still be waiting to be encrypted. */
  migrationPending: boolean;
  /** Wrong passphrases in a row (the next wrong one waits longer). */
  failedAttempts: number;
  /** How many entries the vault holds (no names: those need an unlock). */
  entries: number;
  keychain: { available: boolean; message: string | null };
}

export interface VaultLinkView {
  connectionId: string;
  keyId: string;
  /** null: the connection is no longer in Keyfleet. */
  connectionName: string | null;
  connectionKind: ProviderKind | null;
  scopeName: string | null;
  /** The key's name as last synced (its local label where the backend cannot rename). */
  keyName: string | null;
  /** present: in the inventory; gone: a sync found it gone from the backend; missing: not cached at all. */
  state: 'present' | 'gone' | 'missing';
  key: KeyView | null;
  /** The connection's last successful sync: how fresh the inventory's word is. */
  syncedAt: number | null;
}

/**
 * Why "check it still works" and the linked key's inventory status disagree:
 * - check-older-than-sync: a sync after the check changed the key's status; check again.
 * - accepted-though-not-active: the backend accepted the secret after the sync that lists the key
 *   inactive or gone (it may keep accepting it for a while, or the key changed since: sync).
 * - refused-though-active: the backend refused the secret of a key the last sync lists active (the
 *   secret saved here may not be the key's current one, or the key changed since: sync).
 */
export type VaultCheckNote = 'check-older-than-sync' | 'accepted-though-not-active' | 'refused-though-active';

export interface VaultEntryView {
  id: string;
  name: string;
  service: string;
  url: string | null;
  notes: string | null;
  expiresAt: number | null;
  tags: string[];
  fields: Array<{ label: string; secret: boolean }>;
  link: VaultLinkView | null;
  verifiedAt: number | null;
  verifyResult: 'valid' | 'revoked' | 'expired' | 'unreachable' | null;
  checkNote: VaultCheckNote | null;
  verifiable: boolean;
  createdAt: number;
  updatedAt: number;
}
