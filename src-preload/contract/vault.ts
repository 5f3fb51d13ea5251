// The user's own keys: metadata in SQLite, secrets in the OS keychain.
import { z } from 'zod';
import { channel, empty, epochMs, httpUrl, keyRef, name, out } from './common.ts';
import type { KeyView } from './keys.ts';

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
  /** The remote key this is a copy of, with its cached status, expiry and last use. */
  link: { connectionId: string; keyId: string; connectionName: string | null; key: KeyView | null } | null;
  verifiedAt: number | null;
  verifyResult: 'valid' | 'revoked' | 'expired' | 'unreachable' | null;
  /** Linked to a connected backend whose credential shape the entry's fields fill. */
  verifiable: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface VaultStatus {
  locked: boolean;
  autoLockMinutes: number;
  /** How unlocking asks who you are: the OS where it can, else a confirmation. */
  unlock: 'os' | 'confirm';
  keychain: { available: boolean; message: string | null };
}

/** What an entry holds: up to 8 labelled values, each secret or not. */
const vaultFields = z.array(z.strictObject({ label: z.string().trim().min(1).max(128), value: z.string().min(1).max(16_384), secret: z.boolean() })).min(1).max(8);

export const vaultChannels = {
  'vault.status': channel(empty, out<VaultStatus>()),
  'vault.list': channel(empty, out<VaultEntryView[]>()),
  'vault.add': channel(
    z.strictObject({
      name: name,
      service: z.string().trim().min(1).max(128),
      url: httpUrl.optional(),
      notes: z.string().max(4096).optional(),
      expiresAt: epochMs.optional(),
      tags: z.array(z.string().trim().min(1).max(64)).max(32).optional(),
      fields: vaultFields,
      link: keyRef.optional(),
    }),
    out<VaultEntryView>(),
  ),
  'vault.update': channel(
    z.strictObject({
      id: z.uuid(),
      name: name,
      service: z.string().trim().min(1).max(128),
      url: httpUrl.optional(),
      notes: z.string().max(4096).optional(),
      expiresAt: epochMs.optional(),
      tags: z.array(z.string().trim().min(1).max(64)).max(32).optional(),
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
  'vault.lock': channel(empty, out<VaultStatus>()),
  'vault.unlock': channel(empty, out<VaultStatus>()),
  'vault.setAutoLock': channel(z.strictObject({ minutes: z.int().min(1).max(1440) }), out<VaultStatus>()),
  'vault.importEnv': channel(
    z.strictObject({
      service: z.string().trim().min(1).max(128),
      tags: z.array(z.string().trim().min(1).max(64)).max(32).optional(),
      entries: z.array(z.strictObject({ name: z.string().trim().min(1).max(256), value: z.string().min(1).max(16_384) })).min(1).max(500),
    }),
    out<{ imported: number }>(),
  ),
  'vault.exportMeta': channel(empty, out<{ fileName: string; content: string; sha256: string }>()),
  'clipboard.writeSecret': channel(
    z.strictObject({ text: z.string().min(1).max(16_384) }),
    out<{ clearsAt: number }>(),
  ),
} as const;
