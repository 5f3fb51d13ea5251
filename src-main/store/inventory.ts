// The cached inventory: scopes and keys per connection, pages of the key table, history and
// what changed; writing it (a sync's snapshot swap, single keys) is in snapshot.ts.
import type Database from 'better-sqlite3';
import type { KeyRecord } from '../model.ts';
import type { Db } from './db.ts';
import { HEALTH_SQL, healthCounts, healthParams, UNJUDGED_SQL, type HealthKind, type UnjudgedKeys } from './health-sql.ts';
import { KEY_COLUMNS, LISTED_COLUMNS, LIVE_MARKS_SQL, SORT_SQL, toKey, toListed, toScope, type KeyQuery, type KeyRow, type ListedKey, type ScopeRecord, type ScopeRow } from './key-rows.ts';
import { KEY_CONNECTION_WORDS } from './connection-words.ts';
import { createKeyListCache, SEARCH_COLUMNS, searchableInMemory } from './key-list.ts';
import { snapshotWriter, type ChangeKind, type FieldChanges } from './snapshot.ts';

export type { HealthFilter, HealthKind, UnjudgedKeys } from './health-sql.ts';
export { healthParams } from './health-sql.ts';
export type { KeyQuery, ListedKey, ScopeRecord } from './key-rows.ts';
export { changedFields, defaultTraits } from './snapshot.ts';
export type { ChangeKind, FieldChanges, KeyTraits, LocalKeyState, SnapshotCounts } from './snapshot.ts';

/** The newest lines of one key's history that are read. */
const HISTORY_LINES = 500;

/** `column IN (@p0, @p1, …)` with each value bound in params ('0', matching nothing, for none). */
function inList(column: string, values: readonly string[], prefix: string, params: Record<string, unknown>): string {
  const names = values.map((value, i) => {
    params[`${prefix}${i}`] = value;
    return `@${prefix}${i}`;
  });
  return names.length ? `${column} IN (${names.join(', ')})` : '0';
}

/** What tells a live key apart without its secret: its masked value and the hint Keyfleet kept. */
export interface KeyMarks {
  id: string;
  scopeId: string;
  maskedValue: string | null;
  localHint: string | null;
}

export function inventoryQueries(db: Db) {
  const oneKey = db.prepare(`SELECT ${KEY_COLUMNS} FROM keys WHERE connection_id = ? AND id = ?`);
  const scopesOf = db.prepare(`SELECT s.*, (SELECT count(*) FROM keys k WHERE k.connection_id = s.connection_id
      AND k.scope_id = s.id AND k.gone_since IS NULL AND k.hidden = 0) AS key_count FROM scopes s WHERE s.connection_id = ? ORDER BY s.position`);
  const oneScope = db.prepare(`SELECT s.*, 0 AS key_count FROM scopes s WHERE s.connection_id = ? AND s.id = ?`);
  const changesOf = db.prepare(`SELECT at, source, change, fields_json FROM changes
    WHERE connection_id = ? AND key_id = ? ORDER BY id DESC LIMIT ${HISTORY_LINES}`);
  const firstSeenOf = db.prepare('SELECT first_seen_at FROM keys WHERE connection_id = ? AND id = ?').pluck();
  // A line without a key is a connection's first sync: its run says how many keys it found.
  const changesSince = db.prepare(`SELECT c.*, CASE WHEN c.key_id = '' THEN r.added END AS found, count(*) OVER () AS total
    FROM changes c LEFT JOIN sync_runs r ON r.id = c.sync_run_id
    WHERE c.at >= @since AND (@connectionId IS NULL OR c.connection_id = @connectionId)
    ORDER BY c.id DESC LIMIT @limit OFFSET @offset`);
  const hide = db.prepare('UPDATE keys SET hidden = 1 WHERE connection_id = ? AND id = ? AND gone_since IS NOT NULL');
  const liveMarks = db.prepare(LIVE_MARKS_SQL);
  const unjudged = db.prepare(UNJUDGED_SQL);

  const pageStatements = new Map<string, { rows: Database.Statement; count: Database.Statement }>();
  const lists = createKeyListCache(db, LISTED_COLUMNS, KEY_COLUMNS);

  function pageStatement(where: string, order: string, withRaw: boolean) {
    const cacheKey = `${where}|${order}|${withRaw}`;
    let statements = pageStatements.get(cacheKey);
    if (!statements) {
      statements = {
        rows: db.prepare(`SELECT ${withRaw ? KEY_COLUMNS : LISTED_COLUMNS} FROM keys ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`),
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
      clauses.push(`(${HEALTH_SQL[query.health.kind]})`);
      Object.assign(params, healthParams(query.now ?? Date.now(), query.health));
    }
    const text = query.query?.trim();
    const sort = query.sort ?? { column: 'name', direction: 'asc' };
    const direction = sort.direction === 'desc' ? 'DESC' : 'ASC';
    const order = `${SORT_SQL[sort.column](direction)}, connection_id, id`;
    // The key table's lists (no time-dependent filter): a slice of a cached ordered list.
    if (query.health === undefined && (!text || searchableInMemory(text))) {
      const list = lists.ordered(`WHERE ${clauses.join(' AND ')}`, order, params, text || undefined);
      if (list) {
        return { rowids: list.slice(query.offset, query.offset + query.limit), total: list.length };
      }
    }
    if (text) {
      // The same fields the in-memory filter searches.
      clauses.push(`(${[...SEARCH_COLUMNS, KEY_CONNECTION_WORDS].map((column) => `${column} LIKE @like ESCAPE '\\'`).join(' OR ')})`);
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

    /** How many active keys fall in each health category, over some or all connections. */
    healthCounts(now: number, idleDays: number, connectionIds?: string[]): Record<HealthKind, number> {
      return healthCounts(db, now, idleDays, connectionIds);
    },

    /** Per connection and key type, the active keys a health category cannot judge. */
    unjudgedKeys(): UnjudgedKeys[] {
      return unjudged.all() as UnjudgedKeys[];
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
        found: number | null;
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
          found: row.found,
        })),
      };
    },

    /** A key's history, newest first; it begins where a sync first saw it (or Keyfleet created it). */
    history(connectionId: string, keyId: string) {
      const rows = changesOf.all(connectionId, keyId) as Array<{ at: number; source: string; change: string; fields_json: string }>;
      const lines = rows.map((row) => ({
        at: row.at,
        source: row.source as 'sync' | 'keyfleet',
        change: row.change as ChangeKind,
        fields: JSON.parse(row.fields_json) as FieldChanges,
      }));
      // Found by its connection's first sync, which logged one line for all of them.
      const firstSeen = rows.length < HISTORY_LINES && lines.at(-1)?.change !== 'added' ? (firstSeenOf.get(connectionId, keyId) as number | undefined) : undefined;
      if (firstSeen !== undefined) lines.push({ at: firstSeen, source: 'sync', change: 'added', fields: {} });
      return lines;
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

    /** What identifies each live key without its secret: the masked value and Keyfleet's own hint. */
    liveMarks(connectionId: string): KeyMarks[] {
      return liveMarks.all(connectionId) as KeyMarks[];
    },

    /** Hides a ghost row (a key gone from the backend); a key still present cannot be hidden. */
    hideGone(connectionId: string, keyId: string): boolean {
      return hide.run(connectionId, keyId).changes > 0;
    },

    ...snapshotWriter(db),
  };
}
