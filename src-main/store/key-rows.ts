// How cached keys and scopes are read: their SQLite rows, the columns a page of the key table
// selects, the mapping to records, and the query a page is asked with.
import type { KeyCategory, KeyStatus, SortColumn } from '../../src-preload/contract.ts';
import type { HoldReason, KeyRecord, RemoteScope } from '../model.ts';
import type { HealthFilter } from './health-sql.ts';

export interface KeyRow {
  connection_id: string;
  id: string;
  scope_id: string;
  name: string;
  description: string | null;
  type: string;
  category: string;
  role: string | null;
  status: string;
  status_detail: string | null;
  masked_value: string | null;
  created_at: number | null;
  created_by: string | null;
  expires_at: number | null;
  last_used_at: number | null;
  raw_json: string;
  tracks_last_use: number;
  first_seen_at: number;
  last_seen_at: number;
  hold_until: number | null;
  hold_reason: string | null;
  local_hint: string | null;
  local_label: string | null;
  gone_since: number | null;
}

export interface ScopeRow {
  connection_id: string;
  id: string;
  kind: string;
  name: string;
  parent_id: string | null;
  raw_json: string;
  inactive: string | null;
  read_only: string | null;
  key_count: number;
}

export interface ScopeRecord extends RemoteScope {
  connectionId: string;
  keyCount: number;
}

export interface KeyQuery {
  connectionId?: string;
  health?: HealthFilter;
  /** "now" for health filters. */
  now?: number;
  /** Any of these connections (bulk selections across organizations). */
  connectionIds?: string[];
  scopeId?: string;
  statuses?: KeyStatus[];
  /** Leave out ghost rows (keys gone from the backend). */
  presentOnly?: boolean;
  query?: string;
  sort?: { column: SortColumn; direction: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

/** The ORDER BY of each sortable column, in a direction (ties are broken by the caller). */
export const SORT_SQL: Record<SortColumn, (direction: 'ASC' | 'DESC') => string> = {
  name: (d) => `name COLLATE NOCASE ${d}`,
  // The connection's display name, as the table shows it.
  connection: (d) => `(SELECT c.name FROM connections c WHERE c.id = keys.connection_id) COLLATE NOCASE ${d}`,
  type: (d) => `type ${d}`,
  status: (d) => `status ${d}`,
  createdAt: (d) => `created_at ${d}`,
  // The soonest first and "never" last (SQLite puts NULL first when ascending); reversed, the
  // keys that never expire come first, then the latest.
  expiresAt: (d) => `expires_at IS NULL ${d}, expires_at ${d}`,
  lastUsedAt: (d) => `last_used_at ${d}`,
  scope: (d) => `scope_id ${d}`,
};

/** A cached key without its raw backend fields: what the key table's pages need. */
export type ListedKey = Omit<KeyRecord, 'raw' | 'tracksLastUse'>;

/**
 * When a sync last saw the key. A sync leaves a key's row alone when nothing about it changed, so
 * a present key was seen by its connection's last successful sync; a gone key keeps the time
 * stored when it went.
 */
const LAST_SEEN_SQL = `CASE WHEN gone_since IS NULL THEN max(last_seen_at, coalesce((SELECT c.last_success_at FROM connections c
  WHERE c.id = keys.connection_id), 0)) ELSE last_seen_at END AS last_seen_at`;

/** Every column of keys but raw_json, for pages of the key table (selected FROM keys, not aliased). */
export const LISTED_COLUMNS = `connection_id, id, scope_id, name, description, type, category, role, status, status_detail, masked_value,
  created_at, created_by, expires_at, last_used_at, first_seen_at, ${LAST_SEEN_SQL}, hold_until, hold_reason, local_hint, local_label, gone_since`;

/** What tells each live key of a connection apart without its secret (KeyMarks in inventory.ts). */
export const LIVE_MARKS_SQL = `SELECT id, scope_id AS scopeId, masked_value AS maskedValue, local_hint AS localHint FROM keys
  WHERE connection_id = ? AND gone_since IS NULL AND status <> 'revoked'`;

/** Every column a cached key is read with (selected FROM keys, not aliased). */
export const KEY_COLUMNS = `${LISTED_COLUMNS}, raw_json, tracks_last_use`;

export const toListed = (row: Omit<KeyRow, 'raw_json' | 'tracks_last_use'>): ListedKey => ({
  connectionId: row.connection_id,
  id: row.id,
  scopeId: row.scope_id,
  name: row.name,
  description: row.description,
  type: row.type,
  category: row.category as KeyCategory,
  role: row.role,
  status: row.status as KeyStatus,
  statusDetail: row.status_detail,
  maskedValue: row.masked_value,
  createdAt: row.created_at,
  createdBy: row.created_by,
  expiresAt: row.expires_at,
  lastUsedAt: row.last_used_at,
  firstSeenAt: row.first_seen_at,
  lastSeenAt: row.last_seen_at,
  holdUntil: row.hold_until,
  holdReason: row.hold_reason as HoldReason | null,
  localHint: row.local_hint,
  localLabel: row.local_label,
  goneSince: row.gone_since,
});

export const toKey = (row: KeyRow): KeyRecord => ({
  ...toListed(row),
  tracksLastUse: row.tracks_last_use === 1,
  raw: JSON.parse(row.raw_json) as Record<string, unknown>,
});

export const toScope = (row: ScopeRow): ScopeRecord => ({
  connectionId: row.connection_id,
  id: row.id,
  kind: row.kind,
  name: row.name,
  parentId: row.parent_id,
  raw: JSON.parse(row.raw_json) as Record<string, unknown>,
  ...(row.inactive === null ? {} : { inactive: row.inactive }),
  ...(row.read_only === null ? {} : { readOnly: row.read_only }),
  keyCount: row.key_count,
});
