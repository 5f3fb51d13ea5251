// Keys as the inventory holds them, and the channels that read and change them.
import { z } from 'zod';
import { channel, connectionId, epochMs, fieldName, id, keyRef, namedValues, out } from './common.ts';
import type { CreateFormSpec } from './capabilities.ts';
import { HEALTH_KINDS } from './inventory.ts';

export type KeyStatus = 'active' | 'inactive' | 'pending' | 'revoked' | 'expired';
export type KeyCategory = 'personal' | 'service';

export interface KeyView {
  connectionId: string;
  id: string;
  scopeId: string;
  name: string;
  description: string | null;
  type: string;
  category: KeyCategory;
  role: string | null;
  status: KeyStatus;
  /** Backend state word when it differs from the neutral status (e.g. "deactivating"). */
  statusDetail: string | null;
  /** A non-secret form the user can recognise the key by (prefix, public part, masked token). */
  maskedValue: string | null;
  createdAt: number | null;
  createdBy: string | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** A name kept in Keyfleet only, for backends that cannot rename keys. */
  localLabel: string | null;
  /** Until when Keyfleet keeps this row regardless of the backend's list, and why. */
  holdUntil: number | null;
  holdReason: 'created' | 'revoked' | null;
  /** A ghost row: when a sync found the key gone from the backend. */
  goneSince: number | null;
  /** When a sync last saw the key on the backend. */
  lastSeenAt: number;
  /** After a rotation: the key that replaced this one. */
  replacedBy: KeyLink | null;
  /** After a rotation: the key this one replaced. */
  replaces: KeyLink | null;
}

/** The other key of a rotation, as the user knows it. */
export interface KeyLink {
  keyId: string;
  /** Its label or name (a rotation's new key has the old key's name). */
  name: string;
  /** Its access key or prefix, which tells two keys of one name apart. */
  maskedValue: string | null;
  /** When the rotation started. */
  at: number;
  /** The rotation finished: the old key was retired (deactivated or deleted), or kept by choice. */
  done: boolean;
  /** Still in the inventory (a deleted old key is not). */
  present: boolean;
}

export interface KeyDetail extends KeyView {
  /** The backend's own fields for this key, with secret fields removed. */
  raw: Record<string, unknown>;
  /** When a sync first saw it (or Keyfleet created it). */
  firstSeenAt: number;
  /** Vault entries that keep this key's secret (linked to it). */
  vaultEntries: Array<{ id: string; name: string }>;
  /** Whether the backend reports last use for this key: a null lastUsedAt then means never used. */
  lastUseReported: boolean;
  /** What the backend adds to the common fields, in words (teams, owner, permission mode…). */
  facts: Array<{ label: string; value: string }>;
}

/** A key type's further fields (KeyField ids) and their values: one choice, or several. */
export const keyFieldValues = namedValues(z.record(fieldName, z.union([z.string().max(256), z.array(z.string().min(1).max(256)).max(500)])));

/** One line of a key's history: what a sync saw change, or what Keyfleet did. */
export interface KeyChangeView {
  at: number;
  source: 'sync' | 'keyfleet';
  change: 'added' | 'removed' | 'changed';
  /** field → [before, after], for 'changed' */
  fields: Record<string, [unknown, unknown]>;
}

export interface KeyPage {
  rows: KeyView[];
  total: number;
  offset: number;
}

export const sortColumns = ['name', 'connection', 'type', 'status', 'createdAt', 'expiresAt', 'lastUsedAt', 'scope'] as const;
export type SortColumn = (typeof sortColumns)[number];

export const keyChannels = {
  'keys.list': channel(
    z.strictObject({
      connectionId: connectionId.optional(),
      scopeId: id.optional(),
      offset: z.int().min(0).max(10_000_000).default(0),
      limit: z.int().min(1).max(1000).default(200),
      query: z.string().max(256).optional(),
      sort: z
        .strictObject({ column: z.enum(sortColumns), direction: z.enum(['asc', 'desc']) })
        .optional(),
      health: z.strictObject({ kind: z.enum(HEALTH_KINDS), days: z.int().min(1).max(3650).optional() }).optional(),
    }),
    out<KeyPage>(),
  ),
  'keys.get': channel(keyRef, out<KeyDetail>()),
  'keys.history': channel(keyRef, out<KeyChangeView[]>()),
  'keys.hide': channel(keyRef, out<{ hidden: boolean }>()),
  'keys.createForm': channel(z.strictObject({ connectionId }), out<CreateFormSpec>()),
  'keys.create': channel(
    z.strictObject({
      connectionId,
      scopeId: id,
      type: z.string().min(1).max(64),
      name: z.string().trim().max(512),
      description: z.string().max(4096).optional(),
      role: z.string().min(1).max(256).optional(),
      /** Epoch milliseconds. */
      expiresAt: epochMs.optional(),
      grants: z.array(z.strictObject({ scopeId: id, role: z.string().min(1).max(256) })).max(100).optional(),
      scopeIds: z.array(id).max(500).optional(),
      groupIds: z.array(id).max(500).optional(),
      fields: keyFieldValues.optional(),
    }),
    out<{ key: KeyView; revealSlotId: string }>(),
  ),
  'keys.update': channel(
    z.strictObject({
      connectionId,
      keyId: id,
      name: z.string().trim().max(512),
      description: z.string().max(4096).nullable(),
    }),
    out<KeyView>(),
  ),
  'keys.setActive': channel(
    z.strictObject({ connectionId, keyId: id, active: z.boolean() }),
    out<KeyView>(),
  ),
  'keys.delete': channel(keyRef, out<{ deleted: true }>()),
} as const;
