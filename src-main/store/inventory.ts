// The cached inventory: scopes and keys per connection, the snapshot swap a sync ends with,
// and the change log it writes.
import type Database from 'better-sqlite3';
import type { KeyStatus, SortColumn } from '../../src-preload/contract.ts';
import type { HoldReason, KeyRecord, RemoteKey, RemoteScope } from '../model.ts';

export type { ListedKey, ScopeRecord } from './key-rows.ts';
import type { Db } from './db.ts';
import { defaultTraits, healthWhere, type HealthFilter, type KeyTraits } from './key-health.ts';
import { LISTED_COLUMNS, toKey, toListed, toScope, type KeyRow, type ListedKey, type ScopeRecord, type ScopeRow } from './key-rows.ts';
import { createKeyListCache, SEARCH_COLUMNS, searchableInMemory } from './key-list.ts';

/** The part of a cached key a sync compares against, as snapshotOf selects it. */
type SnapshotKey = Pick<RemoteKey, 'id' | (typeof TRACKED_FIELDS)[number]> & {
  holdUntil: number | null;
  holdReason: HoldReason | null;
  goneSince: number | null;
};

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

export type ChangeKind = 'added' | 'removed' | 'changed';
export type FieldChanges = Record<string, [unknown, unknown]>;

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

/** Fields whose change is worth a line in the change log. */
const TRACKED_FIELDS = ['name', 'description', 'status', 'role', 'expiresAt', 'scopeId', 'type'] as const;

const SORT_SQL: Record<SortColumn, string> = {
  name: 'name COLLATE NOCASE',
  type: 'type',
  status: 'status',
  createdAt: 'created_at',
  expiresAt: 'expires_at',
  lastUsedAt: 'last_used_at',
  scope: 'scope_id',
};

export function changedFields(before: Pick<RemoteKey, (typeof TRACKED_FIELDS)[number]>, after: RemoteKey): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of TRACKED_FIELDS) {
    if ((before[field] ?? null) !== (after[field] ?? null)) changes[field] = [before[field] ?? null, after[field] ?? null];
  }
  return changes;
}

/** `column IN (@p0, @p1, …)` with each value bound in params ('0', matching nothing, for none). */
function inList(column: string, values: readonly string[], prefix: string, params: Record<string, unknown>): string {
  const names = values.map((value, i) => {
    params[`${prefix}${i}`] = value;
    return `@${prefix}${i}`;
  });
  return names.length ? `${column} IN (${names.join(', ')})` : '0';
}

export function inventoryQueries(db: Db) {
  // Positional parameters, in this order (binding by name costs a lookup per column per key).
  const KEY_COLUMNS = `connection_id, id, scope_id, name, description, type, category, role, status, status_detail, masked_value,
      created_at, created_by, expires_at, last_used_at, raw_json, first_seen_at, last_seen_at, tracks_last_use, expiry_supported, privileged`;
  const KEY_VALUES = '?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?';
  const insertKey = db.prepare(`INSERT INTO keys (${KEY_COLUMNS}) VALUES (${KEY_VALUES})`);
  const upsertKey = db.prepare(`INSERT INTO keys (${KEY_COLUMNS}) VALUES (${KEY_VALUES})
    ON CONFLICT (connection_id, id) DO UPDATE SET scope_id = excluded.scope_id, name = excluded.name,
      description = excluded.description, type = excluded.type, category = excluded.category, role = excluded.role,
      status = excluded.status, status_detail = excluded.status_detail, masked_value = excluded.masked_value,
      created_at = excluded.created_at, created_by = excluded.created_by, expires_at = excluded.expires_at,
      last_used_at = excluded.last_used_at, raw_json = excluded.raw_json, last_seen_at = excluded.last_seen_at,
      tracks_last_use = excluded.tracks_last_use, expiry_supported = excluded.expiry_supported, privileged = excluded.privileged,
      gone_since = NULL, hidden = 0`);
  /** What a sync compares against: the tracked fields and local state, without the raw JSON. */
  const snapshotOf = db.prepare(`SELECT id, name, description, status, role, expires_at AS expiresAt, scope_id AS scopeId, type,
    hold_until AS holdUntil, hold_reason AS holdReason, gone_since AS goneSince FROM keys WHERE connection_id = ?`);
  // "added" lines for the keys a sync just inserted, straight from their rows (rowids in a range,
  // in insertion order): one statement instead of one per key.
  const maxRowid = db.prepare('SELECT max(rowid) FROM keys').pluck();
  const insertAddedRows = db.prepare(`INSERT INTO changes (connection_id, sync_run_id, source, key_id, key_name, change, fields_json, at)
    SELECT connection_id, ?, 'sync', id, name, 'added', '{}', ? FROM keys WHERE rowid > ? AND rowid <= ? ORDER BY rowid`);
  const oneKey = db.prepare('SELECT * FROM keys WHERE connection_id = ? AND id = ?');
  const deleteKey = db.prepare('DELETE FROM keys WHERE connection_id = ? AND id = ?');
  const deleteScopes = db.prepare('DELETE FROM scopes WHERE connection_id = ?');
  const insertScope = db.prepare(`INSERT INTO scopes (connection_id, id, kind, name, parent_id, position, raw_json, inactive, read_only)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const scopesOf = db.prepare(`SELECT s.*, (SELECT count(*) FROM keys k WHERE k.connection_id = s.connection_id
      AND k.scope_id = s.id AND k.gone_since IS NULL AND k.hidden = 0) AS key_count FROM scopes s WHERE s.connection_id = ? ORDER BY s.position`);
  const oneScope = db.prepare(`SELECT s.*, 0 AS key_count FROM scopes s WHERE s.connection_id = ? AND s.id = ?`);
  const changesOf = db.prepare(`SELECT at, source, change, fields_json FROM changes
    WHERE connection_id = ? AND key_id = ? ORDER BY id DESC LIMIT 500`);
  const changesSince = db.prepare(`SELECT c.*, count(*) OVER () AS total FROM changes c
    WHERE c.at >= @since AND (@connectionId IS NULL OR c.connection_id = @connectionId)
    ORDER BY c.id DESC LIMIT @limit OFFSET @offset`);
  const insertChange = db.prepare(`INSERT INTO changes (connection_id, sync_run_id, source, key_id, key_name, change, fields_json, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);

  const setLocal = db.prepare(`UPDATE keys SET hold_until = @holdUntil, hold_reason = @holdReason,
      local_hint = @localHint, local_label = @localLabel WHERE connection_id = @connectionId AND id = @id`);
  const markGone = db.prepare('UPDATE keys SET gone_since = ? WHERE connection_id = ? AND id = ?');
  const hide = db.prepare('UPDATE keys SET hidden = 1 WHERE connection_id = ? AND id = ? AND gone_since IS NOT NULL');
  const clearHold = db.prepare('UPDATE keys SET hold_until = NULL, hold_reason = NULL WHERE connection_id = ? AND id = ?');

  const pageStatements = new Map<string, { rows: Database.Statement; count: Database.Statement }>();
  const lists = createKeyListCache(db, LISTED_COLUMNS);

  /** Writes a key, returning its rowid; `fresh` when it is known not to be cached yet (a plain insert). */
  function writeKey(connectionId: string, key: RemoteKey, seenAt: number, traits: KeyTraits = defaultTraits(key), fresh = false): number {
    const result = (fresh ? insertKey : upsertKey).run(
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
    );
    return Number(result.lastInsertRowid);
  }

  function pageStatement(where: string, order: string, withRaw: boolean) {
    const cacheKey = `${where}|${order}|${withRaw}`;
    let statements = pageStatements.get(cacheKey);
    if (!statements) {
      statements = {
        rows: db.prepare(`SELECT ${withRaw ? '*' : LISTED_COLUMNS} FROM keys ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`),
        count: db.prepare(`SELECT count(*) AS n FROM keys ${where}`),
      };
      pageStatements.set(cacheKey, statements);
    }
    return statements;
  }

  /**
   * The rows of a page: from a cached ordered list (their rowids), or from SQL when a filter
   * depends on the time or cannot be answered in memory (their rows).
   */
  function select(query: KeyQuery, withRaw: boolean): { rowids?: number[]; rows?: unknown[]; total: number } {
    const clauses: string[] = ['hidden = 0'];
    const params: Record<string, unknown> = {};
    if (query.connectionId !== undefined) {
      clauses.push('connection_id = @connectionId');
      params.connectionId = query.connectionId;
    }
    if (query.connectionIds !== undefined) clauses.push(inList('connection_id', query.connectionIds, 'c', params));
    if (query.scopeId !== undefined) {
      clauses.push('scope_id = @scopeId');
      params.scopeId = query.scopeId;
    }
    if (query.statuses !== undefined) clauses.push(inList('status', query.statuses, 's', params));
    if (query.presentOnly || query.health) clauses.push('gone_since IS NULL');
    if (query.health) {
      const health = healthWhere(query.health, query.now ?? Date.now());
      clauses.push(health.sql);
      Object.assign(params, health.params);
    }
    const text = query.query?.trim();
    const sort = query.sort ?? { column: 'name', direction: 'asc' };
    const direction = sort.direction === 'desc' ? 'DESC' : 'ASC';
    const order = `${SORT_SQL[sort.column]} ${direction}, connection_id, id`;
    // The key table's lists (no time-dependent filter): a slice of a cached ordered list.
    if (query.health === undefined && (!text || searchableInMemory(text))) {
      const list = lists.ordered(`WHERE ${clauses.join(' AND ')}`, order, params, text || undefined);
      if (list) {
        return { rowids: list.slice(query.offset, query.offset + query.limit), total: list.length };
      }
    }
    if (text) {
      // The same fields the in-memory filter searches.
      clauses.push(`(${SEARCH_COLUMNS.map((column) => `${column} LIKE @like ESCAPE '\\'`).join(' OR ')})`);
      params.like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const where = `WHERE ${clauses.join(' AND ')}`;
    const statements = pageStatement(where, order, withRaw);
    return {
      rows: statements.rows.all({ ...params, limit: query.limit, offset: query.offset }),
      total: (statements.count.get(params) as { n: number }).n,
    };
  }

  return {
    listScopes(connectionId: string): ScopeRecord[] {
      return (scopesOf.all(connectionId) as ScopeRow[]).map(toScope);
    },

    getScope(connectionId: string, scopeId: string): ScopeRecord | undefined {
      const row = oneScope.get(connectionId, scopeId) as ScopeRow | undefined;
      return row && toScope(row);
    },

    /** What changed since a time, newest first: per connection, or across all. */
    changesSince(since: number, connectionId: string | null, offset: number, limit: number) {
      const rows = changesSince.all({ since, connectionId, offset, limit }) as Array<{
        id: number;
        connection_id: string;
        sync_run_id: number | null;
        source: string;
        key_id: string;
        key_name: string;
        change: string;
        fields_json: string;
        at: number;
        total: number;
      }>;
      return {
        total: rows[0]?.total ?? 0,
        rows: rows.map((row) => ({
          id: row.id,
          connectionId: row.connection_id,
          syncRunId: row.sync_run_id,
          source: row.source as 'sync' | 'keyfleet',
          keyId: row.key_id,
          keyName: row.key_name,
          change: row.change as ChangeKind,
          fields: JSON.parse(row.fields_json) as FieldChanges,
          at: row.at,
        })),
      };
    },

    history(connectionId: string, keyId: string) {
      return (changesOf.all(connectionId, keyId) as Array<{ at: number; source: string; change: string; fields_json: string }>).map((row) => ({
        at: row.at,
        source: row.source as 'sync' | 'keyfleet',
        change: row.change as ChangeKind,
        fields: JSON.parse(row.fields_json) as FieldChanges,
      }));
    },

    getKey(connectionId: string, keyId: string): KeyRecord | undefined {
      const row = oneKey.get(connectionId, keyId) as KeyRow | undefined;
      return row && toKey(row);
    },

    /** A page of keys with their raw fields (bulk plans, exports, rotation). */
    keys(query: KeyQuery): { rows: KeyRecord[]; total: number } {
      const { rowids, rows, total } = select(query, true);
      return { rows: rowids ? lists.rows<KeyRow>(rowids, true).map(toKey) : (rows as KeyRow[]).map(toKey), total };
    },

    /** A page of the key table: the same keys as keys(), without reading their raw fields. */
    listKeys(query: KeyQuery): { rows: ListedKey[]; total: number } {
      const { rowids, rows, total } = select(query, false);
      return { rows: (rowids ? lists.rows<KeyRow>(rowids, false) : (rows as KeyRow[])).map(toListed), total };
    },

    /** The cache after a successful remote operation, ahead of the next sync. */
    putKey(
      connectionId: string,
      key: RemoteKey,
      at: number,
      change?: { kind: ChangeKind; fields: FieldChanges },
      local?: LocalKeyState,
      traits?: KeyTraits,
    ): void {
      db.transaction(() => {
        writeKey(connectionId, key, at, traits);
        if (local) setLocal.run({ connectionId, id: key.id, ...local });
        if (change) {
          insertChange.run(connectionId, null, 'keyfleet', key.id, key.name, change.kind, JSON.stringify(change.fields), at);
        }
      })();
    },

    /** Hides a ghost row (a key gone from the backend); a key still present cannot be hidden. */
    hideGone(connectionId: string, keyId: string): boolean {
      return hide.run(connectionId, keyId).changes > 0;
    },

    /** Keyfleet-only state of a cached key (hold, hint, label). */
    setLocalState(connectionId: string, keyId: string, local: LocalKeyState): void {
      setLocal.run({ connectionId, id: keyId, ...local });
    },

    dropKey(connectionId: string, key: KeyRecord, at: number): void {
      db.transaction(() => {
        deleteKey.run(connectionId, key.id);
        insertChange.run(connectionId, null, 'keyfleet', key.id, key.name, 'removed', '{}', at);
      })();
    },

    /**
     * Replace a connection's scopes and keys with what a sync fetched, and log what changed; the keys
     * of an inactive scope (not listed) stay as cached. Runs inside the caller's transaction so the
     * swap and the sync run's record land together.
     */
    replaceSnapshot(
      connectionId: string,
      scopes: RemoteScope[],
      keys: RemoteKey[],
      runId: number,
      at: number,
      traitsOf?: (key: RemoteKey) => KeyTraits,
    ): SnapshotCounts {
      const before = new Map((snapshotOf.all(connectionId) as SnapshotKey[]).map((row) => [row.id, row]));
      const counts: SnapshotCounts = { added: 0, removed: 0, changed: 0 };
      // A scope that cannot be read now was not listed: its cached keys stay as they were.
      const unread = new Set(scopes.filter((scope) => scope.inactive !== undefined).map((scope) => scope.id));
      deleteScopes.run(connectionId);
      scopes.forEach((scope, position) => {
        insertScope.run(connectionId, scope.id, scope.kind, scope.name, scope.parentId, position, JSON.stringify(scope.raw), scope.inactive ?? null, scope.readOnly ?? null);
      });
      const seen = new Set<string>();
      const held = (k: SnapshotKey | undefined) => k !== undefined && k.holdUntil !== null && k.holdUntil > at;
      // "added" lines of keys new to the cache are written in batches, from the rows just inserted
      // (every rowid above the largest before them is one of them), in the same order as one by
      // one: a batch is flushed before any other line.
      let flushedTo = (maxRowid.get() as number | null) ?? 0;
      let insertedTo = flushedTo;
      const flushAdded = () => {
        if (insertedTo > flushedTo) insertAddedRows.run(runId, at, flushedTo, insertedTo);
        flushedTo = insertedTo;
      };
      for (const key of keys) {
        if (seen.has(key.id)) continue;
        seen.add(key.id);
        const previous = before.get(key.id);
        // A key Keyfleet deleted may stay listed for a while; it stays revoked here.
        if (held(previous) && previous!.holdReason === 'revoked') continue;
        if (previous?.holdReason) clearHold.run(connectionId, key.id);
        if (!previous) {
          counts.added++;
          insertedTo = writeKey(connectionId, key, at, traitsOf?.(key), true);
          continue;
        }
        if (previous.goneSince !== null) {
          // Back on the backend after it had gone.
          counts.added++;
          flushAdded();
          insertChange.run(connectionId, runId, 'sync', key.id, key.name, 'added', '{}', at);
        } else {
          const fields = changedFields(previous, key);
          if (Object.keys(fields).length > 0) {
            counts.changed++;
            flushAdded();
            insertChange.run(connectionId, runId, 'sync', key.id, key.name, 'changed', JSON.stringify(fields), at);
          }
        }
        writeKey(connectionId, key, at, traitsOf?.(key));
      }
      flushAdded();
      for (const [id, previous] of before) {
        // A key just created may be missing from a lagging list: keep it until its hold ends.
        if (seen.has(id) || held(previous) || unread.has(previous.scopeId)) continue;
        if (previous.holdReason === 'revoked') {
          // Keyfleet deleted it (and logged that); once the backend's grace is over it just goes.
          deleteKey.run(connectionId, id);
          continue;
        }
        // Gone from the backend: a ghost row, visible with "gone since" until the user hides it.
        if (previous.goneSince !== null) continue;
        counts.removed++;
        markGone.run(at, connectionId, id);
        insertChange.run(connectionId, runId, 'sync', id, previous.name, 'removed', '{}', at);
      }
      return counts;
    },
  };
}
