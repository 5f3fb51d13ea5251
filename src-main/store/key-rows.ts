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
  key_count: number;
}

export interface ScopeRecord extends RemoteScope {
  connectionId: string;
  keyCount: number;
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
  /** Keys not used since (or, never used, not created since) this time. */
  idleBefore?: number;
  /** Leave out ghost rows (keys gone from the backend). */
  presentOnly?: boolean;
  query?: string;
  sort?: { column: SortColumn; direction: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

export const SORT_SQL: Record<SortColumn, string> = {
  name: 'name COLLATE NOCASE',
  type: 'type',
  status: 'status',
  createdAt: 'created_at',
  expiresAt: 'expires_at',
  lastUsedAt: 'last_used_at',
  scope: 'scope_id',
};

/** A cached key without its raw backend fields: what the key table's pages need. */
export type ListedKey = Omit<KeyRecord, 'raw'>;

/** Every column of keys but raw_json, for pages of the key table. */
export const LISTED_COLUMNS = `connection_id, id, scope_id, name, description, type, category, role, status, status_detail, masked_value,
  created_at, created_by, expires_at, last_used_at, first_seen_at, last_seen_at, hold_until, hold_reason, local_hint, local_label, gone_since`;

export const toListed = (row: Omit<KeyRow, 'raw_json'>): ListedKey => ({
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

export const toKey = (row: KeyRow): KeyRecord => ({ ...toListed(row), raw: JSON.parse(row.raw_json) as Record<string, unknown> });

export const toScope = (row: ScopeRow): ScopeRecord => ({
  connectionId: row.connection_id,
  id: row.id,
  kind: row.kind,
  name: row.name,
  parentId: row.parent_id,
  raw: JSON.parse(row.raw_json) as Record<string, unknown>,
  keyCount: row.key_count,
});
