// A cached key as it is written: its row's columns in order, what a sync compares, and which
// field changes are worth a line in the change log. Shared by the sync's staging (stage.ts) and
// the single-key writes after a remote operation (snapshot.ts).
import type { HoldReason, RemoteKey } from '../model.ts';

export type ChangeKind = 'added' | 'removed' | 'changed';
export type FieldChanges = Record<string, [unknown, unknown]>;

/** What a key's backend can tell about it, stored for the health board's queries. */
export interface KeyTraits {
  tracksLastUse: boolean;
  expirySupported: boolean;
  privileged: boolean;
}

export interface LocalKeyState {
  holdUntil: number | null;
  holdReason: HoldReason | null;
  localHint: string | null;
  localLabel: string | null;
}

export interface SnapshotCounts {
  added: number;
  removed: number;
  changed: number;
}

/** The columns of a key's row, in the order rowOf makes it (bound positionally: by name costs a lookup per column per key). */
export const KEY_COLUMN_LIST = [
  'connection_id', 'id', 'scope_id', 'name', 'description', 'type', 'category', 'role', 'status', 'status_detail', 'masked_value',
  'created_at', 'created_by', 'expires_at', 'last_used_at', 'raw_json', 'first_seen_at', 'last_seen_at', 'tracks_last_use',
  'expiry_supported', 'privileged',
] as const;

/**
 * Writes a key's row (rowOf, bound positionally): inserted, or over the cached one, which is
 * present again if it had gone; its local state (hold, hint, label) and first sighting stay.
 */
/**
 * Every write to a connection's keys outside a sync's swap runs this too: the pages its last sync
 * read no longer say what the cache holds (services/page-memo.ts).
 */
export const UNTRUST_PAGES_SQL = 'UPDATE sync_runs SET pages_trusted = 0 WHERE connection_id = ? AND pages_trusted = 1';

export const UPSERT_KEY_SQL = `INSERT INTO keys (${KEY_COLUMN_LIST.join(', ')}) VALUES (${KEY_COLUMN_LIST.map(() => '?').join(', ')})
  ON CONFLICT (connection_id, id) DO UPDATE SET scope_id = excluded.scope_id, name = excluded.name,
    description = excluded.description, type = excluded.type, category = excluded.category, role = excluded.role,
    status = excluded.status, status_detail = excluded.status_detail, masked_value = excluded.masked_value,
    created_at = excluded.created_at, created_by = excluded.created_by, expires_at = excluded.expires_at,
    last_used_at = excluded.last_used_at, raw_json = excluded.raw_json, last_seen_at = excluded.last_seen_at,
    tracks_last_use = excluded.tracks_last_use, expiry_supported = excluded.expiry_supported, privileged = excluded.privileged,
    gone_since = NULL, hidden = 0`;

/** Positions, in a row, of the columns that come from the backend's answer (all but the ids and the seen times). */
export const STORED = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20];

/** Fields whose change is worth a line in the change log. */
const TRACKED_FIELDS = ['name', 'description', 'status', 'role', 'expiresAt', 'scopeId', 'type'] as const;
export type TrackedFields = Pick<RemoteKey, (typeof TRACKED_FIELDS)[number]>;

/** Without knowledge of the backend: privileged when the role says admin. */
export function defaultTraits(key: RemoteKey): KeyTraits {
  return { tracksLastUse: false, expirySupported: key.expiresAt !== null, privileged: key.privileged ?? /\badmin\b/i.test(key.role ?? '') };
}

export function changedFields(before: TrackedFields, after: TrackedFields): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of TRACKED_FIELDS) {
    if ((before[field] ?? null) !== (after[field] ?? null)) changes[field] = [before[field] ?? null, after[field] ?? null];
  }
  return changes;
}

/** A key's row (KEY_COLUMN_LIST's order): the backend's fields as one JSON string, seen at `seenAt`. */
export function rowOf(connectionId: string, key: RemoteKey, seenAt: number, traits: KeyTraits = defaultTraits(key)): unknown[] {
  return [
    connectionId,
    key.id,
    key.scopeId,
    key.name,
    key.description,
    key.type,
    key.category,
    key.role,
    key.status,
    key.statusDetail,
    key.maskedValue,
    key.createdAt,
    key.createdBy,
    key.expiresAt,
    key.lastUsedAt,
    JSON.stringify(key.raw),
    seenAt,
    seenAt,
    traits.tracksLastUse ? 1 : 0,
    traits.expirySupported ? 1 : 0,
    traits.privileged ? 1 : 0,
  ];
}
