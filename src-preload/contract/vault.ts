// The user's own keys: metadata in SQLite, each secret sealed with the vault key before the OS
// keychain, the vault key sealed with the user's passphrase. A locked vault answers only its status.
import { z } from 'zod';
import { channel, empty, epochMs, httpUrl, keyRef, name, out, type ProviderKind } from './common.ts';
import type { KeyView } from './keys.ts';

/** Which inventory key a vault entry is a copy of, as the inventory knows it now. */
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
  /** The key's cached status, expiry and last use. */
  key: KeyView | null;
  /** The connection's last successful sync: how fresh the inventory's word is. */
  syncedAt: number | null;
}

/**
 * Why "check it still works" and the linked key's inventory status disagree:
 * - check-older-than-sync: a sync after the check changed what the inventory says; check again.
 * - accepted-though-not-active: the backend accepted the secret after the sync that lists the key
 *   inactive or gone (some keep accepting a deleted key for a while; or the key changed since).
 * - refused-though-active: the backend refused the secret of a key the last sync lists active (the
 *   secret saved here may not be the key's current one; or the key changed since).
 */
export type VaultCheckNote = 'check-older-than-sync' | 'accepted-though-not-active' | 'refused-though-active';

export interface VaultEntryView {
  id: string;
  name: string;
  /** A backend kind, or any service name. */
  service: string;
  url: string | null;
  notes: string | null;
  expiresAt: number | null;
  tags: string[];
  /** What the entry holds; values only through vault.reveal or vault.copy. */
  fields: Array<{ label: string; secret: boolean }>;
  /** The remote key this is a copy of. */
  link: VaultLinkView | null;
  verifiedAt: number | null;
  verifyResult: 'valid' | 'revoked' | 'expired' | 'unreachable' | null;
  /** Set when the last check and the linked key's inventory status disagree: why. */
  checkNote: VaultCheckNote | null;
  /** Linked to a connected backend whose credential shape the entry's fields fill. */
  verifiable: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface VaultStatus {
  /** unset: no vault passphrase yet; the vault's entries stay closed until one is set. */
  passphrase: 'unset' | 'set';
  locked: boolean;
  autoLockMinutes: number;
  /** What unlocking asks for: the passphrase; before one is set, the OS (Touch ID) or a confirmation. */
  unlock: 'passphrase' | 'os' | 'confirm';
  /** Touch ID instead of the passphrase: only on a Mac that has it, only once the user turns it on. */
  touchId: 'unavailable' | 'off' | 'on';
  /** The KDF and parameters the vault key is sealed with. */
  kdf: { name: 'scrypt'; N: number; r: number; p: number } | null;
  /** Secrets older versions stored in plaintext may still be waiting to be encrypted. */
  migrationPending: boolean;
  /** Wrong passphrases in a row (the next wrong one waits longer). */
  failedAttempts: number;
  /** How many entries the vault holds (their names need an unlock). */
  entries: number;
  keychain: { available: boolean; message: string | null };
}

/** A backup opened for restoring: what it would add, nothing added yet. */
export interface VaultRestorePreview {
  restoreId: string;
  fileName: string;
  createdAt: string | null;
  entries: Array<{
    ref: number;
    name: string;
    service: string;
    tags: string[];
    fields: string[];
    /** Linked in the backup; kept when that key is in this inventory, else dropped. */
    link: 'none' | 'kept' | 'dropped';
    /** An entry already here with the same name and service (or the same id). */
    duplicateOf: { id: string; name: string } | null;
    suggestedName: string;
  }>;
}

export interface VaultRestoreReport {
  added: string[];
  renamed: Array<{ from: string; to: string }>;
  skipped: string[];
  linksDropped: number;
}

/** A file the core wrote where the user chose (0600), or the user cancelled the dialog. */
export type VaultFileResult<T> = ({ path: string; fileName: string } & T) | { cancelled: true };

/** A passphrase being typed in to open something. */
const passphrase = z.string().min(1, 'Enter the passphrase.').max(1024);
/** A new passphrase (the vault's, or a backup's): at least 10 characters; the strength hint does the rest. */
const newPassphrase = z.string().min(10, 'Use at least 10 characters.').max(1024);
/** A .env file's text, as the renderer read it from the file the user picked. */
const envText = z.string().max(512 * 1024);
const service = z.string().trim().min(1).max(128);
const tags = z.array(z.string().trim().min(1).max(64)).max(32);

/** What an entry holds: up to 8 labelled values, each secret or not. */
const vaultFields = z.array(z.strictObject({ label: z.string().trim().min(1).max(128), value: z.string().min(1).max(16_384), secret: z.boolean() })).min(1).max(8);

export const vaultChannels = {
  'vault.status': channel(empty, out<VaultStatus>()),
  'vault.list': channel(empty, out<VaultEntryView[]>()),
  'vault.add': channel(
    z.strictObject({
      name: name,
      service,
      url: httpUrl.optional(),
      notes: z.string().max(4096).optional(),
      expiresAt: epochMs.optional(),
      tags: tags.optional(),
      fields: vaultFields,
      link: keyRef.optional(),
    }),
    out<VaultEntryView>(),
  ),
  'vault.update': channel(
    z.strictObject({
      id: z.uuid(),
      name: name,
      service,
      url: httpUrl.optional(),
      notes: z.string().max(4096).optional(),
      expiresAt: epochMs.optional(),
      tags: tags.optional(),
      link: keyRef.nullable(),
      /** New values (after a rotation); omitted keeps the stored secret. */
      fields: vaultFields.optional(),
    }),
    out<VaultEntryView>(),
  ),
  'vault.remove': channel(z.strictObject({ id: z.uuid() }), out<{ removed: true }>()),
  'vault.reveal': channel(
    z.strictObject({ id: z.uuid() }),
    out<{ fields: Array<{ label: string; value: string; secret: boolean }>; visibleForMs: number }>(),
  ),
  'vault.copy': channel(z.strictObject({ id: z.uuid(), label: z.string().min(1).max(128) }), out<{ clearsAt: number }>()),
  'vault.verify': channel(z.strictObject({ id: z.uuid() }), out<VaultEntryView>()),
  'vault.setup': channel(z.strictObject({ passphrase: newPassphrase }), out<VaultStatus>()),
  'vault.lock': channel(empty, out<VaultStatus>()),
  /** The passphrase; or Touch ID where it is on; or, before a passphrase is set, nothing (the OS or a confirmation). */
  'vault.unlock': channel(z.strictObject({ passphrase: passphrase.optional(), touchId: z.boolean().optional() }), out<VaultStatus>()),
  'vault.changePassphrase': channel(z.strictObject({ current: passphrase, next: newPassphrase }), out<VaultStatus>()),
  'vault.setTouchId': channel(z.strictObject({ on: z.boolean() }), out<VaultStatus>()),
  'vault.setAutoLock': channel(z.strictObject({ minutes: z.int().min(1).max(1440) }), out<VaultStatus>()),
  /** The variables of a .env file (names and lines only: no value comes back). */
  'vault.parseEnv': channel(z.strictObject({ text: envText }), out<{ variables: Array<{ name: string; line: number; empty: boolean }> }>()),
  'vault.importEnv': channel(
    z.strictObject({ text: envText, service, tags: tags.optional(), names: z.array(z.string().min(1).max(256)).min(1).max(500) }),
    out<{ imported: number }>(),
  ),
  'vault.exportEnv': channel(z.strictObject({ ids: z.array(z.uuid()).min(1).max(500) }), out<VaultFileResult<{ variables: string[] }>>()),
  'vault.backup': channel(z.strictObject({ passphrase: newPassphrase }), out<VaultFileResult<{ entries: number }>>()),
  /** Asks which backup file to open, opens it with its passphrase and previews what it would add. */
  'vault.restorePreview': channel(z.strictObject({ passphrase }), out<VaultRestorePreview | { cancelled: true }>()),
  'vault.restore': channel(
    z.strictObject({
      restoreId: z.uuid(),
      choices: z.array(z.strictObject({ ref: z.int().min(0).max(9_999), action: z.enum(['add', 'skip', 'rename']), name: name.optional() })).max(10_000),
    }),
    out<VaultRestoreReport>(),
  ),
  'vault.exportMeta': channel(empty, out<{ fileName: string; content: string; sha256: string }>()),
  'clipboard.writeSecret': channel(
    z.strictObject({ text: z.string().min(1).max(16_384) }),
    out<{ clearsAt: number }>(),
  ),
} as const;
