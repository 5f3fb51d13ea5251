// Writing the cache: a sync's snapshot swap with its change log, and single keys after a remote
// operation. Reading is in inventory.ts.
import type { HoldReason, KeyRecord, RemoteKey, RemoteScope } from '../model.ts';
import type { Db } from './db.ts';

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

/** Fields whose change is worth a line in the change log. */
const TRACKED_FIELDS = ['name', 'description', 'status', 'role', 'expiresAt', 'scopeId', 'type'] as const;

/** A cached key as a sync compares it: its stored columns (as written) and its local state. */
type SnapshotKey = Pick<RemoteKey, 'id' | (typeof TRACKED_FIELDS)[number]> & {
  holdUntil: number | null;
  holdReason: HoldReason | null;
  goneSince: number | null;
  /** The columns writeKey binds from the backend's answer, in its order (see STORED). */
  stored: unknown[];
};

/** Positions, in writeKey's parameters, of the columns that come from the backend's answer. */
const STORED = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20];

/** Keys prepared, or cached rows read, between two turns of the event loop. */
const PREPARE_CHUNK = 1000;

/**
 * A sync's snapshot worked out ahead of its transaction, a chunk at a time, so the transaction
 * only compares and writes: each fetched key's row (made as its page arrived, see rowsOf), and
 * the cached rows as read then, used only if nothing was written to the database in between
 * (`generation`; otherwise the transaction reads the cache again).
 */
export interface PreparedSnapshot {
  connectionId: string;
  at: number;
  generation: string;
  before: Map<string, SnapshotKey>;
  /** One per fetched key, in the same order. */
  rows: unknown[][];
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Without knowledge of the backend: privileged when the role says admin. */
export function defaultTraits(key: RemoteKey): KeyTraits {
  return { tracksLastUse: false, expirySupported: key.expiresAt !== null, privileged: key.privileged ?? /\badmin\b/i.test(key.role ?? '') };
}

export function changedFields(before: Pick<RemoteKey, (typeof TRACKED_FIELDS)[number]>, after: RemoteKey): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of TRACKED_FIELDS) {
    if ((before[field] ?? null) !== (after[field] ?? null)) changes[field] = [before[field] ?? null, after[field] ?? null];
  }
  return changes;
}

export function snapshotWriter(db: Db) {
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
  /** What a sync compares against: every column it would write (in STORED's order), and local state. */
  const snapshotOf = db
    .prepare(
      `SELECT id, hold_until, hold_reason, gone_since, scope_id, name, description, type, category, role, status, status_detail,
      masked_value, created_at, created_by, expires_at, last_used_at, raw_json, tracks_last_use, expiry_supported, privileged
      FROM keys WHERE connection_id = ?`,
    )
    .raw();
  const scopesOf = db.prepare('SELECT id, kind, name, parent_id, raw_json, inactive, read_only FROM scopes WHERE connection_id = ? ORDER BY position').raw();
  const lastSuccessOf = db.prepare('SELECT last_success_at FROM connections WHERE id = ?').pluck();
  const snapshotChunk = db
    .prepare(
      `SELECT rowid, id, hold_until, hold_reason, gone_since, scope_id, name, description, type, category, role, status, status_detail,
      masked_value, created_at, created_by, expires_at, last_used_at, raw_json, tracks_last_use, expiry_supported, privileged
      FROM keys WHERE connection_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
    )
    .raw();
  /** Changes whenever this connection or another process writes: a prepared snapshot is stale then. */
  const generationOf = db.prepare('SELECT total_changes() || \':\' || data_version FROM pragma_data_version()').pluck();
  // "added" lines for the keys a sync just inserted, straight from their rows (rowids in a range,
  // in insertion order): one statement instead of one per key.
  const maxRowid = db.prepare('SELECT max(rowid) FROM keys').pluck();
  const insertAddedRows = db.prepare(`INSERT INTO changes (connection_id, sync_run_id, source, key_id, key_name, change, fields_json, at)
    SELECT connection_id, ?, 'sync', id, name, 'added', '{}', ? FROM keys WHERE rowid > ? AND rowid <= ? ORDER BY rowid`);
  /** Whether a connection's inventory was ever synced (its first sync logs one line, not one per key). */
  const everSynced = db.prepare('SELECT last_success_at IS NOT NULL FROM connections WHERE id = ?').pluck();
  const deleteKey = db.prepare('DELETE FROM keys WHERE connection_id = ? AND id = ?');
  const deleteScopes = db.prepare('DELETE FROM scopes WHERE connection_id = ?');
  const insertScope = db.prepare(`INSERT INTO scopes (connection_id, id, kind, name, parent_id, position, raw_json, inactive, read_only)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertChange = db.prepare(`INSERT INTO changes (connection_id, sync_run_id, source, key_id, key_name, change, fields_json, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);

  const setLocal = db.prepare(`UPDATE keys SET hold_until = @holdUntil, hold_reason = @holdReason,
      local_hint = @localHint, local_label = @localLabel WHERE connection_id = @connectionId AND id = @id`);
  // A key that went was last seen by the connection's previous successful sync (unchanged rows are not rewritten).
  const markGone = db.prepare('UPDATE keys SET gone_since = ?, last_seen_at = max(last_seen_at, coalesce(?, 0)) WHERE connection_id = ? AND id = ?');
  const clearHold = db.prepare('UPDATE keys SET hold_until = NULL, hold_reason = NULL WHERE connection_id = ? AND id = ?');

  /** A key's row as writeKey binds it. */
  function rowOf(connectionId: string, key: RemoteKey, seenAt: number, traits: KeyTraits = defaultTraits(key)): unknown[] {
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

  /** Writes a key's row, returning its rowid; `fresh` when it is known not to be cached yet (a plain insert). */
  function writeRow(row: unknown[], fresh = false): number {
    return Number((fresh ? insertKey : upsertKey).run(...row).lastInsertRowid);
  }

  function writeKey(connectionId: string, key: RemoteKey, seenAt: number, traits?: KeyTraits): number {
    return writeRow(rowOf(connectionId, key, seenAt, traits));
  }

  /** Whether the row a sync would write holds exactly what is stored. */
  const unchanged = (row: unknown[], previous: SnapshotKey) => STORED.every((at, i) => (row[at] ?? null) === previous.stored[i]);

  /** Whether the stored scopes are exactly these, in this order (then they are not rewritten). */
  function sameScopes(connectionId: string, scopes: RemoteScope[]): boolean {
    const stored = scopesOf.all(connectionId) as unknown[][];
    return (
      stored.length === scopes.length &&
      scopes.every((scope, i) => {
        const [id, kind, name, parentId, raw, inactive, readOnly] = stored[i]!;
        return (
          id === scope.id &&
          kind === scope.kind &&
          name === scope.name &&
          parentId === (scope.parentId ?? null) &&
          raw === JSON.stringify(scope.raw) &&
          inactive === (scope.inactive ?? null) &&
          readOnly === (scope.readOnly ?? null)
        );
      })
    );
  }

  function snapshotOfConnection(connectionId: string): Map<string, SnapshotKey> {
    const before = new Map<string, SnapshotKey>();
    for (const r of snapshotOf.all(connectionId) as unknown[][]) addSnapshotKey(before, r);
    return before;
  }

  function addSnapshotKey(before: Map<string, SnapshotKey>, r: unknown[]): void {
    const [id, holdUntil, holdReason, goneSince, scopeId, name, description, type, , role, status, , , , , expiresAt] = r as [string, number | null, HoldReason | null, number | null, ...Array<string | number | null>];
    before.set(id, {
      id,
      holdUntil,
      holdReason,
      goneSince,
      scopeId: scopeId as string,
      name: name as string,
      description: description as string | null,
      type: type as string,
      role: role as string | null,
      status: status as RemoteKey['status'],
      expiresAt: expiresAt as number | null,
      stored: r.slice(4),
    });
  }

  return {
    /**
     * Works out a sync's snapshot a chunk at a time, yielding between chunks, so replaceSnapshot's
     * transaction does not hold the main thread for the whole inventory.
     */
    /**
     * The rows a sync will write for these keys, made as their list arrives: the compact form a
     * sync holds (the backend's fields as one JSON string) instead of the parsed answer.
     */
    rowsOf(connectionId: string, keys: RemoteKey[], traitsOf?: (key: RemoteKey) => KeyTraits): unknown[][] {
      return keys.map((key) => rowOf(connectionId, key, 0, traitsOf?.(key)));
    },

    async prepareSnapshot(
      connectionId: string,
      keys: RemoteKey[],
      at: number,
      traitsOf?: (key: RemoteKey) => KeyTraits,
      rowsMade?: unknown[][],
    ): Promise<PreparedSnapshot> {
      const generation = generationOf.get() as string;
      const before = new Map<string, SnapshotKey>();
      for (let after = 0; ; ) {
        const chunk = snapshotChunk.all(connectionId, after, PREPARE_CHUNK) as unknown[][];
        for (const r of chunk) addSnapshotKey(before, r.slice(1));
        if (chunk.length < PREPARE_CHUNK) break;
        after = chunk.at(-1)![0] as number;
        await nextTurn();
      }
      let rows = rowsMade;
      if (rows) {
        // first_seen_at (for a new key) and last_seen_at: this sync.
        for (const row of rows) row[16] = row[17] = at;
      } else {
        rows = [];
        for (let i = 0; i < keys.length; i++) {
          rows.push(rowOf(connectionId, keys[i]!, at, traitsOf?.(keys[i]!)));
          if (i % PREPARE_CHUNK === PREPARE_CHUNK - 1) await nextTurn();
        }
      }
      return { connectionId, at, generation, before, rows };
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
      }).immediate();
    },

    /** Keyfleet-only state of a cached key (hold, hint, label). */
    setLocalState(connectionId: string, keyId: string, local: LocalKeyState): void {
      setLocal.run({ connectionId, id: keyId, ...local });
    },

    dropKey(connectionId: string, key: KeyRecord, at: number): void {
      db.transaction(() => {
        deleteKey.run(connectionId, key.id);
        insertChange.run(connectionId, null, 'keyfleet', key.id, key.name, 'removed', '{}', at);
      }).immediate();
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
      prepared?: PreparedSnapshot,
    ): SnapshotCounts {
      if (prepared && (prepared.connectionId !== connectionId || prepared.at !== at || prepared.rows.length !== keys.length)) {
        throw new Error('replaceSnapshot: prepared for another snapshot');
      }
      const before = prepared && prepared.generation === generationOf.get() ? prepared.before : snapshotOfConnection(connectionId);
      const lastSeen = lastSuccessOf.get(connectionId) as number | null | undefined;
      const counts: SnapshotCounts = { added: 0, removed: 0, changed: 0 };
      // A connection's first sync finds its whole inventory: that is one line in the change log
      // ("1,204 keys found", the run's count; a line without a key), not one line per key.
      const first = before.size === 0 && everSynced.get(connectionId) === 0;
      // A scope that cannot be read now was not listed: its cached keys stay as they were.
      const unread = new Set(scopes.filter((scope) => scope.inactive !== undefined).map((scope) => scope.id));
      if (!sameScopes(connectionId, scopes)) {
        deleteScopes.run(connectionId);
        scopes.forEach((scope, position) => {
          insertScope.run(connectionId, scope.id, scope.kind, scope.name, scope.parentId, position, JSON.stringify(scope.raw), scope.inactive ?? null, scope.readOnly ?? null);
        });
      }
      const seen = new Set<string>();
      const held = (k: SnapshotKey | undefined) => k !== undefined && k.holdUntil !== null && k.holdUntil > at;
      // "added" lines of keys new to the cache are written in batches, from the rows just inserted
      // (every rowid above the largest before them is one of them), in the same order as one by
      // one: a batch is flushed before any other line.
      let flushedTo = (maxRowid.get() as number | null) ?? 0;
      let insertedTo = flushedTo;
      const flushAdded = () => {
        if (insertedTo > flushedTo && !first) insertAddedRows.run(runId, at, flushedTo, insertedTo);
        flushedTo = insertedTo;
      };
      for (const [index, key] of keys.entries()) {
        if (seen.has(key.id)) continue;
        seen.add(key.id);
        const previous = before.get(key.id);
        // A key Keyfleet deleted may stay listed for a while; it stays revoked here.
        if (held(previous) && previous!.holdReason === 'revoked') continue;
        if (previous?.holdReason) clearHold.run(connectionId, key.id);
        const row = prepared ? prepared.rows[index]! : rowOf(connectionId, key, at, traitsOf?.(key));
        if (!previous) {
          counts.added++;
          insertedTo = writeRow(row, true);
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
          } else if (unchanged(row, previous)) {
            // Nothing to write: the key reads as seen by this sync (see LAST_SEEN_SQL in key-rows.ts).
            continue;
          }
        }
        writeRow(row);
      }
      flushAdded();
      if (first) insertChange.run(connectionId, runId, 'sync', '', '', 'added', '{}', at);
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
        markGone.run(at, lastSeen, connectionId, id);
        insertChange.run(connectionId, runId, 'sync', id, previous.name, 'removed', '{}', at);
      }
      return counts;
    },
  };
}
