import type { SyncResult } from '../../src-preload/contract.ts';
import type { Db } from './db.ts';
import type { SnapshotCounts } from './inventory.ts';

export interface SyncRunRecord {
  id: number;
  connectionId: string;
  startedAt: number;
  finishedAt: number | null;
  result: SyncResult;
  errorKind: string | null;
  errorMessage: string | null;
  scopes: number;
  keys: number;
  added: number;
  removed: number;
  changed: number;
}

interface Row {
  id: number;
  connection_id: string;
  started_at: number;
  finished_at: number | null;
  result: string;
  error_kind: string | null;
  error_message: string | null;
  scopes: number;
  keys: number;
  added: number;
  removed: number;
  changed: number;
}

const toRecord = (row: Row): SyncRunRecord => ({
  id: row.id,
  connectionId: row.connection_id,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  result: row.result as SyncResult,
  errorKind: row.error_kind,
  errorMessage: row.error_message,
  scopes: row.scopes,
  keys: row.keys,
  added: row.added,
  removed: row.removed,
  changed: row.changed,
});

/** `owner`: the id of the core using this store; `isLive`: whether a run's core still runs (store/instances.ts). */
export function syncRunQueries(db: Db, owner: string | null = null, isLive: (owner: string | null) => boolean = () => false) {
  const start = db.prepare(`INSERT INTO sync_runs (connection_id, started_at, result, owner, pages_trusted) VALUES (?, ?, 'running', ?, 1)`);
  const lastOk = db.prepare(`SELECT id, pages_trusted FROM sync_runs WHERE connection_id = ? AND result = 'ok' ORDER BY id DESC LIMIT 1`);
  const trusted = db.prepare('SELECT pages_trusted FROM sync_runs WHERE id = ?').pluck();
  const succeed = db.prepare(`UPDATE sync_runs SET finished_at = @at, result = 'ok', scopes = @scopes, keys = @keys,
    added = @added, removed = @removed, changed = @changed WHERE id = @id`);
  const fail = db.prepare(`UPDATE sync_runs SET finished_at = ?, result = ?, error_kind = ?, error_message = ? WHERE id = ?`);
  const one = db.prepare('SELECT * FROM sync_runs WHERE id = ?');
  const latest = db.prepare(`SELECT * FROM sync_runs WHERE id IN (SELECT max(id) FROM sync_runs GROUP BY connection_id)`);
  const unfinished = db.prepare(`SELECT id, owner FROM sync_runs WHERE result = 'running'`);
  const abandon = db.prepare(`UPDATE sync_runs SET finished_at = ?, result = 'cancelled',
    error_message = 'Keyfleet stopped before this sync finished.' WHERE id = ? AND result = 'running'`);

  return {
    start(connectionId: string, at: number): number {
      return Number(start.run(connectionId, at, owner).lastInsertRowid);
    },
    /**
     * The connection's last successful run, if the cache still holds its keys as it left them: no
     * write outside a swap touched them since it started (services/page-memo.ts).
     */
    trustedPages(connectionId: string): number | null {
      const run = lastOk.get(connectionId) as { id: number; pages_trusted: number } | undefined;
      return run?.pages_trusted === 1 ? run.id : null;
    },
    /** Whether no write outside a swap touched the run's connection's keys since it started. */
    pagesTrusted(id: number): boolean {
      return trusted.get(id) === 1;
    },
    succeed(id: number, at: number, totals: SnapshotCounts & { scopes: number; keys: number }): void {
      succeed.run({ id, at, ...totals });
    },
    fail(id: number, at: number, result: 'failed' | 'cancelled', errorKind: string, errorMessage: string): void {
      fail.run(at, result, errorKind, errorMessage, id);
    },
    get(id: number): SyncRunRecord | undefined {
      const row = one.get(id) as Row | undefined;
      return row && toRecord(row);
    },
    /** The most recent run of every connection, by connection id. */
    latestByConnection(): Map<string, SyncRunRecord> {
      return new Map((latest.all() as Row[]).map((row) => [row.connection_id, toRecord(row)]));
    },
    /** Runs left 'running' by a core that is gone: they changed nothing, say so. */
    abandonUnfinished(at: number): number {
      let count = 0;
      for (const run of unfinished.all() as Array<{ id: number; owner: string | null }>) {
        if (!isLive(run.owner)) count += abandon.run(at, run.id).changes;
      }
      return count;
    },
  };
}
