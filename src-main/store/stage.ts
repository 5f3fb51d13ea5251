// A sync's snapshot, staged as it is fetched: each key compared with its cached row the moment
// its list arrives, so an unchanged key is remembered by its id alone and only new and changed
// keys wait for the swap as rows; a re-sync where nothing changed leaves nothing to write. The
// swap applies what was staged in one transaction, with the change log, exactly as if the whole
// listing had been compared at once.
import type { HoldReason, RemoteKey, RemoteScope } from '../model.ts';
import type { Db } from './db.ts';
import { changedFields, KEY_COLUMN_LIST, STORED, type SnapshotCounts, type TrackedFields } from './key-write.ts';

/** Keys compared and staged between two turns of the event loop. */
export const STAGE_CHUNK = 1000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the swap needs of a cached key to apply a listed or missing one. */
interface Cached {
  holdUntil: number | null;
  holdReason: HoldReason | null;
  goneSince: number | null;
}

/** One sync's staging: filled with `add` as lists arrive, applied with `swap`, or dropped. */
export interface Staging {
  /** Compares each row (as rowOf made it) with the cache and stages the new and changed ones. */
  add(rows: unknown[][]): Promise<void>;
  /** The same, at once (a caller already inside a transaction). */
  addNow(rows: unknown[][]): void;
  /** Keys listed so far, duplicates included. */
  readonly listed: number;
  /** Applies the snapshot; runs inside the caller's write transaction. */
  swap(scopes: RemoteScope[], at: number): SnapshotCounts;
  /** Forgets what was staged (a failed or cancelled sync). */
  discard(): void;
}

export function snapshotStage(db: Db) {
  const params = KEY_COLUMN_LIST.map(() => '?').join(', ');
  const insertKey = db.prepare(`INSERT INTO keys (${KEY_COLUMN_LIST.join(', ')}) VALUES (${params})`);
  /** A cached key as the comparison needs it: its local state (three columns), then every stored column in STORED's order. */
  const cachedRow = db
    .prepare(
      `SELECT hold_reason, gone_since, hold_until, scope_id, name, description, type, category, role, status, status_detail, masked_value,
      created_at, created_by, expires_at, last_used_at, raw_json, tracks_last_use, expiry_supported, privileged
      FROM keys WHERE connection_id = ? AND id = ?`,
    )
    .raw();
  // Whether a listed key is cached exactly as it would be written, compared by SQLite (no cached
  // text is copied out): 1 if so, 0 if it differs or has local state the swap must see, none if not cached.
  const sameAsCached = db
    .prepare(
      `SELECT hold_reason IS NULL AND gone_since IS NULL AND ${STORED.map((column) => `${KEY_COLUMN_LIST[column]} IS ?`).join(' AND ')}
      FROM keys WHERE connection_id = ? AND id = ?`,
    )
    .pluck();
  const cachedState = db.prepare('SELECT id, hold_until, hold_reason, gone_since, scope_id, name FROM keys WHERE connection_id = ?').raw();
  const lastSuccessOf = db.prepare('SELECT last_success_at FROM connections WHERE id = ?').pluck();
  const everSynced = db.prepare('SELECT last_success_at IS NOT NULL FROM connections WHERE id = ?').pluck();
  const anyCached = db.prepare('SELECT EXISTS (SELECT 1 FROM keys WHERE connection_id = ?)').pluck();
  const maxRowid = db.prepare('SELECT max(rowid) FROM keys').pluck();
  const insertAddedRows = db.prepare(`INSERT INTO changes (connection_id, sync_run_id, source, key_id, key_name, change, fields_json, at)
    SELECT connection_id, ?, 'sync', id, name, 'added', '{}', ? FROM keys WHERE rowid > ? AND rowid <= ? ORDER BY rowid`);
  const upsertKey = db.prepare(`INSERT INTO keys (${KEY_COLUMN_LIST.join(', ')}) VALUES (${params})
    ON CONFLICT (connection_id, id) DO UPDATE SET scope_id = excluded.scope_id, name = excluded.name,
      description = excluded.description, type = excluded.type, category = excluded.category, role = excluded.role,
      status = excluded.status, status_detail = excluded.status_detail, masked_value = excluded.masked_value,
      created_at = excluded.created_at, created_by = excluded.created_by, expires_at = excluded.expires_at,
      last_used_at = excluded.last_used_at, raw_json = excluded.raw_json, last_seen_at = excluded.last_seen_at,
      tracks_last_use = excluded.tracks_last_use, expiry_supported = excluded.expiry_supported, privileged = excluded.privileged,
      gone_since = NULL, hidden = 0`);
  const deleteKey = db.prepare('DELETE FROM keys WHERE connection_id = ? AND id = ?');
  const deleteScopes = db.prepare('DELETE FROM scopes WHERE connection_id = ?');
  const scopesOf = db.prepare('SELECT id, kind, name, parent_id, raw_json, inactive, read_only FROM scopes WHERE connection_id = ? ORDER BY position').raw();
  const insertScope = db.prepare(`INSERT INTO scopes (connection_id, id, kind, name, parent_id, position, raw_json, inactive, read_only)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertChange = db.prepare(`INSERT INTO changes (connection_id, sync_run_id, source, key_id, key_name, change, fields_json, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  // A key that went was last seen by the connection's previous successful sync (unchanged rows are not rewritten).
  const markGone = db.prepare('UPDATE keys SET gone_since = ?, last_seen_at = max(last_seen_at, coalesce(?, 0)) WHERE connection_id = ? AND id = ?');
  const clearHold = db.prepare('UPDATE keys SET hold_until = NULL, hold_reason = NULL WHERE connection_id = ? AND id = ?');

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

  /** Distinct from every other staging of this connection to the database (runs are unique). */
  function begin(connectionId: string, run: number): Staging {
    /** Every key id listed; `unchanged` those found exactly as cached (nothing to write for them). */
    const listedIds = new Set<string>();
    const unchanged = new Set<string>();
    /** New and changed keys' rows, in listing order. */
    let staged: unknown[][] = [];
    let listed = 0;
    // Once swapped or discarded, a list still arriving (a cancelled sync's call) is dropped.
    let closed = false;
    // One read transaction per chunk: every comparison sees one state of the cache.
    const stageChunk = db.transaction((rows: unknown[][]) => {
      if (closed) return;
      for (const row of rows) {
        listed++;
        const id = row[1] as string;
        // The first listing of a key counts; a backend repeating it on a later page changes nothing.
        if (listedIds.has(id)) continue;
        listedIds.add(id);
        if (sameAsCached.get(...STORED.map((column) => row[column] ?? null), connectionId, id) === 1) {
          unchanged.add(id);
          continue;
        }
        staged.push(row);
      }
    });

    function swap(scopes: RemoteScope[], at: number): SnapshotCounts {
      const lastSeen = lastSuccessOf.get(connectionId) as number | null | undefined;
      const counts: SnapshotCounts = { added: 0, removed: 0, changed: 0 };
      // A connection's first sync finds its whole inventory: one line in the change log ("1,204
      // keys found", the run's count; a line without a key), not one line per key.
      const hadKeys = anyCached.get(connectionId) === 1;
      const first = !hadKeys && everSynced.get(connectionId) === 0;
      // A scope that cannot be read now was not listed: its cached keys stay as they were.
      const unread = new Set(scopes.filter((scope) => scope.inactive !== undefined).map((scope) => scope.id));
      if (!sameScopes(connectionId, scopes)) {
        deleteScopes.run(connectionId);
        scopes.forEach((scope, position) => {
          insertScope.run(connectionId, scope.id, scope.kind, scope.name, scope.parentId, position, JSON.stringify(scope.raw), scope.inactive ?? null, scope.readOnly ?? null);
        });
      }
      const held = (k: Cached) => k.holdUntil !== null && k.holdUntil > at;
      // Staged keys, in the order they were listed: new ones inserted ("added" lines written in
      // batches, from the rows just inserted: every rowid above the largest before them is one of
      // them); cached ones changed, back after they had gone, or ending a hold.
      let flushedTo = (maxRowid.get() as number | null) ?? 0;
      let insertedTo = flushedTo;
      const flushAdded = () => {
        if (insertedTo > flushedTo && !first) insertAddedRows.run(run, at, flushedTo, insertedTo);
        flushedTo = insertedTo;
      };
      for (const row of staged) {
        const id = row[1] as string;
        row[16] = row[17] = at;
        const previousRow = cachedRow.get(connectionId, id) as unknown[] | undefined;
        if (!previousRow) {
          counts.added++;
          insertedTo = Number(insertKey.run(...row).lastInsertRowid);
          continue;
        }
        const [holdReason, goneSince, holdUntil] = previousRow as [HoldReason | null, number | null, number | null];
        // A key Keyfleet deleted may stay listed for a while; it stays revoked here.
        if (held({ holdUntil, holdReason, goneSince }) && holdReason === 'revoked') continue;
        if (holdReason) clearHold.run(connectionId, id);
        flushAdded();
        if (goneSince !== null) {
          // Back on the backend after it had gone.
          counts.added++;
          insertChange.run(connectionId, run, 'sync', id, row[3], 'added', '{}', at);
        } else {
          const fields = changedFields(trackedOf(previousRow, 1), trackedOf(row));
          if (Object.keys(fields).length > 0) {
            counts.changed++;
            insertChange.run(connectionId, run, 'sync', id, row[3], 'changed', JSON.stringify(fields), at);
          } else if (STORED.every((column, i) => (row[column] ?? null) === previousRow[i + 3])) {
            // Only the hold changed: the row stays as it is.
            continue;
          }
        }
        upsertKey.run(...row);
      }
      flushAdded();
      staged = [];
      // Cached keys not listed: gone from the backend (new keys are listed); and holds the listing ends.
      const cachedBefore = hadKeys ? (cachedState.all(connectionId)) : [];
      for (const [id, holdUntil, holdReason, goneSince, scopeId, name] of cachedBefore as Array<
        [string, number | null, HoldReason | null, number | null, string, string]
      >) {
        const cached = { holdUntil, holdReason, goneSince };
        if (listedIds.has(id)) {
          // Listed and unchanged, but given a hold since it was compared (staged keys were applied above).
          if (unchanged.has(id) && holdReason !== null && !(held(cached) && holdReason === 'revoked')) clearHold.run(connectionId, id);
          continue;
        }
        // A key just created may be missing from a lagging list: keep it until its hold ends.
        if (held(cached) || unread.has(scopeId)) continue;
        if (holdReason === 'revoked') {
          // Keyfleet deleted it (and logged that); once the backend's grace is over it just goes.
          deleteKey.run(connectionId, id);
          continue;
        }
        // Gone from the backend: a ghost row, visible with "gone since" until the user hides it.
        if (goneSince !== null) continue;
        counts.removed++;
        markGone.run(at, lastSeen, connectionId, id);
        insertChange.run(connectionId, run, 'sync', id, name, 'removed', '{}', at);
      }
      if (first) insertChange.run(connectionId, run, 'sync', '', '', 'added', '{}', at);
      closed = true;
      return counts;
    }

    return {
      get listed() {
        return listed;
      },
      async add(rows) {
        for (let from = 0; from < rows.length; from += STAGE_CHUNK) {
          if (from > 0) await nextTurn();
          stageChunk(rows.slice(from, from + STAGE_CHUNK));
        }
      },
      addNow(rows) {
        stageChunk(rows);
      },
      swap,
      discard() {
        closed = true;
        staged = [];
      },
    };
  }

  return { begin };
}

/**
 * The fields changedFields compares, from a key's row (rowOf) or, one column further on, a
 * cachedRow (three local columns, then STORED's: the row's columns 2 to 15 at 3 to 16).
 */
function trackedOf(r: unknown[], shift: 0 | 1 = 0): TrackedFields {
  return {
    scopeId: r[2 + shift] as string,
    name: r[3 + shift] as string,
    description: r[4 + shift] as string | null,
    type: r[5 + shift] as string,
    role: r[7 + shift] as string | null,
    status: r[8 + shift] as RemoteKey['status'],
    expiresAt: r[13 + shift] as number | null,
  };
}
