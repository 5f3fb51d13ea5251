// A sync's snapshot, staged as it is fetched: each key compared with its cached row the moment
// its list arrives, so an unchanged key is remembered by its id alone, and only new and changed
// keys are kept, as rows in a temporary table of the connection that will write them (on disk,
// not in memory). A re-sync where nothing changed leaves nothing to write. The swap applies what
// was staged in one transaction, with the change log in the order the backend listed the keys,
// exactly as if the whole listing had been compared at once.
import type { HoldReason, RemoteKey, RemoteScope } from '../model.ts';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';
import { changedFields, KEY_COLUMN_LIST, STORED, UPSERT_KEY_SQL, type SnapshotCounts, type TrackedFields } from './key-write.ts';
import { nextTurn } from '../concurrency.ts';

/** Where a sync's rows to write go: a promise back when the taker wants the sync to wait before more (swap.ts). */
export type Hold = (rows: unknown[][]) => Promise<void> | undefined;

/** Keys compared and staged between two turns of the event loop. */
export const STAGE_CHUNK = 100;


/** What the swap applies besides the staged rows (plain data: it may cross to the writer thread). */
export interface StagedSnapshot {
  connectionId: string;
  run: number;
  /** Every key id listed; `unchanged` those found exactly as cached (nothing to write for them). */
  listedIds: Set<string>;
  unchanged: Set<string>;
  /** Keys listed, duplicates included. */
  listed: number;
}

/** One sync's staging: filled with `add` as lists arrive, then taken for the swap, or dropped. */
export interface Staging {
  /** Compares each row (as rowOf made it) with the cache and stages the new and changed ones. */
  add(rows: unknown[][]): Promise<void>;
  /** The same, at once (a caller already inside a transaction). */
  addNow(rows: unknown[][]): void;
  /**
   * Keys the last sync listed exactly as they are cached now (a page whose answer did not change,
   * services/page-memo.ts): remembered as unchanged without a comparison.
   */
  addSame(ids: readonly string[]): void;
  /** Keys listed so far, duplicates included. */
  readonly listed: number;
  /** Listed keys whose cached row a swap keeps as it is, not as listed: Keyfleet deleted them (a revoked hold). */
  readonly keptAsCached: number;
  /** What was staged; later lists are dropped. */
  take(): StagedSnapshot;
  /** Forgets what was staged (a failed or cancelled sync). */
  discard(): void;
}

/** A cached key as a sync compares it: its local state (three columns), then every stored column in STORED's order. */
const CACHED_COLUMNS = ['hold_reason', 'gone_since', 'hold_until', ...STORED.map((column) => KEY_COLUMN_LIST[column])];
const CACHED_ROW_SQL = `SELECT ${CACHED_COLUMNS.join(', ')} FROM keys WHERE connection_id = ? AND id = ?`;

/** 1 when the connection has any key in the cache, else 0. */
const ANY_CACHED_SQL = 'SELECT EXISTS (SELECT 1 FROM keys WHERE connection_id = ?)';

/** Whether a row (rowOf) holds exactly what a cachedRow stores, and the key has no local state the swap must see. */
const sameAsCached = (row: unknown[], cached: unknown[]) =>
  cached[0] === null && cached[1] === null && STORED.every((column, i) => (row[column] ?? null) === cached[i + 3]);

/**
 * The rows syncs will write, a temporary table per run on one connection, appended in listing
 * order (a rowid table and nothing else: each row lands at the end of its one B-tree, and the
 * table goes whole with its run). Temporary tables are the connection's own and never touch the
 * database file.
 */
export function stageTable(db: Db) {
  const columns = KEY_COLUMN_LIST.join(', ');
  // `run` is a sync run's integer id: the name is Keyfleet's own.
  const nameOf = (run: number) => `temp.sync_stage_${Math.trunc(run)}`;
  const tables = new Map<number, { name: string; put: Statement<unknown[]> }>();
  const open = (run: number) => {
    let table = tables.get(run);
    if (!table) {
      const name = nameOf(run);
      db.exec(`CREATE TABLE IF NOT EXISTS ${name} (seq INTEGER PRIMARY KEY, ${columns})`);
      table = { name, put: db.prepare(`INSERT INTO ${name} (${columns}) VALUES (${KEY_COLUMN_LIST.map(() => '?').join(', ')})`) };
      tables.set(run, table);
    }
    return table;
  };
  const putAll = db.transaction((put: Statement<unknown[]>, rows: unknown[][]) => {
    for (const row of rows) put.run(...row);
  });
  return {
    put: (run: number, rows: unknown[][]) => putAll(open(run).put, rows),
    /** The run's table (made empty if it has no rows yet). */
    name: (run: number) => open(run).name,
    /** Forgets the run's table here; it stays for whoever applies it (on this same connection). */
    forget: (run: number) => void tables.delete(run),
    drop: (run: number) => {
      tables.delete(run);
      if (db.open) db.exec(`DROP TABLE IF EXISTS ${nameOf(run)}`);
    },
  };
}

/** Staging on the connection that reads the cache while lists arrive. */
export function snapshotStage(db: Db) {
  const cachedRow = db.prepare(CACHED_ROW_SQL).raw();
  const anyCached = db.prepare(ANY_CACHED_SQL).pluck();
  let local: ReturnType<typeof stageTable> | undefined;

  /** `hold`: where the rows to write go (the writer thread's table); this connection's own table without one. */
  function begin(connectionId: string, run: number, hold?: Hold): Staging {
    const table = hold ? undefined : (local ??= stageTable(db));
    const keep: Hold =
      hold ??
      ((rows) => {
        table!.put(run, rows);
        return undefined;
      });
    const snapshot: StagedSnapshot = { connectionId, run, listedIds: new Set(), unchanged: new Set(), listed: 0 };
    const { listedIds, unchanged } = snapshot;
    // Once taken or discarded, a list still arriving (a cancelled sync's call) is dropped.
    let closed = false;
    let keptAsCached = 0;
    // A first sync has nothing to compare with: every key is staged (the swap checks each staged
    // key against the cache again, so a key cached meanwhile is still applied as it should be).
    const nothingCached = anyCached.get(connectionId) === 0;
    // One read transaction per chunk: every comparison sees one state of the cache.
    const compare = db.transaction((rows: unknown[][]) => {
      const toWrite: unknown[][] = [];
      for (const row of rows) {
        snapshot.listed++;
        const id = row[1] as string;
        // The first listing of a key counts; a backend repeating it on a later page changes nothing.
        if (listedIds.has(id)) continue;
        listedIds.add(id);
        const cached = nothingCached ? undefined : (cachedRow.get(connectionId, id) as unknown[] | undefined);
        if (cached && sameAsCached(row, cached)) unchanged.add(id);
        else toWrite.push(row);
        if (cached?.[0] === 'revoked') keptAsCached++;
      }
      return toWrite;
    });
    /** Compares and stages one chunk; a promise when the writer's inbox is full (wait before the next). */
    const stageChunk = (rows: unknown[][]): Promise<void> | undefined => {
      if (closed) return undefined;
      const toWrite = compare(rows);
      return toWrite.length > 0 ? keep(toWrite) : undefined;
    };
    return {
      get listed() {
        return snapshot.listed;
      },
      get keptAsCached() {
        return keptAsCached;
      },
      addSame(ids) {
        if (closed) return;
        for (const id of ids) {
          snapshot.listed++;
          if (listedIds.has(id)) continue;
          listedIds.add(id);
          unchanged.add(id);
        }
      },
      async add(rows) {
        for (let from = 0; from < rows.length; from += STAGE_CHUNK) {
          if (from > 0) await nextTurn();
          await stageChunk(rows.slice(from, from + STAGE_CHUNK));
        }
      },
      addNow(rows) {
        void stageChunk(rows);
      },
      take() {
        closed = true;
        table?.forget(run);
        return snapshot;
      },
      discard() {
        closed = true;
        table?.drop(run);
      },
    };
  }

  return { begin };
}

/** Applying a staged snapshot on the connection whose temporary table holds its rows (see swap.ts). */
export function snapshotApplier(db: Db) {
  const stage = stageTable(db);
  const columns = KEY_COLUMN_LIST.join(', ');
  // Staged keys already cached, each with its cached row (read before new ones are inserted), in
  // listing order; and the ones new to the cache between two positions, copied by SQLite itself.
  const statementsOf = (run: number) => {
    const table = stage.name(run);
    return {
      stagedCached: db
        .prepare(
          `SELECT ${KEY_COLUMN_LIST.map((c) => `s.${c}`).join(', ')}, s.seq, ${CACHED_COLUMNS.map((c) => `k.${c}`).join(', ')}
          FROM ${table} s JOIN keys k ON k.connection_id = s.connection_id AND k.id = s.id ORDER BY s.seq`,
        )
        .raw(),
      insertNew: db.prepare(`INSERT INTO keys (${columns})
        SELECT ${KEY_COLUMN_LIST.map((c) => (c === 'first_seen_at' || c === 'last_seen_at' ? '@at' : `s.${c}`)).join(', ')} FROM ${table} s
        WHERE s.seq > @after AND s.seq < @before
          AND NOT EXISTS (SELECT 1 FROM keys k WHERE k.connection_id = s.connection_id AND k.id = s.id) ORDER BY s.seq`),
    };
  };
  const cachedState = db.prepare('SELECT id, hold_until, hold_reason, gone_since, scope_id, name FROM keys WHERE connection_id = ?').raw();
  const lastSuccessOf = db.prepare('SELECT last_success_at FROM connections WHERE id = ?').pluck();
  const everSynced = db.prepare('SELECT last_success_at IS NOT NULL FROM connections WHERE id = ?').pluck();
  const anyCached = db.prepare(ANY_CACHED_SQL).pluck();
  const maxRowid = db.prepare('SELECT max(rowid) FROM keys').pluck();
  const insertAddedRows = db.prepare(`INSERT INTO changes (connection_id, sync_run_id, source, key_id, key_name, change, fields_json, at)
    SELECT connection_id, ?, 'sync', id, name, 'added', '{}', ? FROM keys WHERE rowid > ? AND rowid <= ? ORDER BY rowid`);
  const upsertKey = db.prepare(UPSERT_KEY_SQL);
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

  function writeScopes(connectionId: string, scopes: RemoteScope[]): void {
    if (sameScopes(connectionId, scopes)) return;
    deleteScopes.run(connectionId);
    scopes.forEach((scope, position) => {
      insertScope.run(connectionId, scope.id, scope.kind, scope.name, scope.parentId, position, JSON.stringify(scope.raw), scope.inactive ?? null, scope.readOnly ?? null);
    });
  }

  /**
   * Replaces the connection's scopes and keys with the snapshot and logs what changed; the keys of
   * an inactive scope (not listed) stay as cached. Runs inside the caller's write transaction.
   */
  function apply(snapshot: StagedSnapshot, scopes: RemoteScope[], at: number): SnapshotCounts {
    const { connectionId, run, listedIds, unchanged } = snapshot;
    const { stagedCached, insertNew } = statementsOf(run);
    const lastSeen = lastSuccessOf.get(connectionId) as number | null | undefined;
    const counts: SnapshotCounts = { added: 0, removed: 0, changed: 0 };
    // A connection's first sync finds its whole inventory: one line in the change log ("1,204
    // keys found", the run's count; a line without a key), not one line per key.
    const hadKeys = anyCached.get(connectionId) === 1;
    const first = !hadKeys && everSynced.get(connectionId) === 0;
    // A scope that cannot be read now was not listed: its cached keys stay as they were.
    const unread = new Set(scopes.filter((scope) => scope.inactive !== undefined).map((scope) => scope.id));
    writeScopes(connectionId, scopes);
    const held = (k: { holdUntil: number | null }) => k.holdUntil !== null && k.holdUntil > at;

    // Staged keys in listing order: the new ones a run at a time, their "added" lines from the
    // rows just inserted (every rowid above the largest before them is one of them); between
    // them, the cached ones: changed, back after they had gone, or ending a hold.
    let insertedUpTo = -1;
    const insertNewBefore = (position: number) => {
      if (position <= insertedUpTo + 1) return;
      const before = (maxRowid.get() as number | null) ?? 0;
      counts.added += insertNew.run({ at, after: insertedUpTo, before: position }).changes;
      const after = (maxRowid.get() as number | null) ?? 0;
      if (after > before && !first) insertAddedRows.run(run, at, before, after);
      insertedUpTo = position - 1;
    };
    const width = KEY_COLUMN_LIST.length;
    for (const staged of (hadKeys ? stagedCached.all() : []) as unknown[][]) {
      const row = staged.slice(0, width);
      const position = staged[width] as number;
      const previous = staged.slice(width + 1);
      insertNewBefore(position);
      const id = row[1] as string;
      const [holdReason, goneSince, holdUntil] = previous as [HoldReason | null, number | null, number | null];
      // A key Keyfleet deleted may stay listed for a while; it stays revoked here.
      if (held({ holdUntil }) && holdReason === 'revoked') continue;
      if (holdReason) clearHold.run(connectionId, id);
      row[16] = row[17] = at;
      if (goneSince !== null) {
        // Back on the backend after it had gone.
        counts.added++;
        insertChange.run(connectionId, run, 'sync', id, row[3], 'added', '{}', at);
      } else {
        const fields = changedFields(trackedOf(previous, 1), trackedOf(row));
        if (Object.keys(fields).length > 0) {
          counts.changed++;
          insertChange.run(connectionId, run, 'sync', id, row[3], 'changed', JSON.stringify(fields), at);
        } else if (STORED.every((column, i) => (row[column] ?? null) === previous[i + 3])) {
          // Only the hold changed: the row stays as it is.
          continue;
        }
      }
      upsertKey.run(...row);
    }
    insertNewBefore(Number.MAX_SAFE_INTEGER);
    stage.drop(run);

    // Cached keys not listed: gone from the backend; and the holds of listed unchanged keys.
    for (const [id, holdUntil, holdReason, goneSince, scopeId, name] of (hadKeys ? cachedState.all(connectionId) : []) as Array<
      [string, number | null, HoldReason | null, number | null, string, string]
    >) {
      if (listedIds.has(id)) {
        // Listed and unchanged, but given a hold since it was compared (staged keys were applied above).
        if (unchanged.has(id) && holdReason !== null && !(held({ holdUntil }) && holdReason === 'revoked')) clearHold.run(connectionId, id);
        continue;
      }
      // A key just created may be missing from a lagging list: keep it until its hold ends.
      if (held({ holdUntil }) || unread.has(scopeId)) continue;
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
    return counts;
  }

  return { apply, stage };
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
