// The metadata store: better-sqlite3, prepared statements only, metadata only (never a secret).
import { connectionQueries } from './connections.ts';
import { checkpointDeferral, openDatabase, type Db } from './db.ts';
import { instanceQueries, thisProcess } from './instances.ts';
import { inventoryQueries } from './inventory.ts';
import { journalQueries } from './journal.ts';
import { policyQueries } from './policies.ts';
import { settingsQueries } from './settings.ts';
import { vaultQueries } from './vault.ts';
import { vaultKeyQueries } from './vault-key.ts';
import { syncRunQueries } from './sync-runs.ts';
import { createSwapper } from './swap.ts';

export type Store = ReturnType<typeof createStore>;

/**
 * `instanceId`: this core's id among the processes sharing the data dir (none for a read-only
 * review, which writes nothing).
 */
export function createStore(file: string, readonly = false, instanceId: string | null = null) {
  const db: Db = openDatabase(file, undefined, readonly);
  const owner = readonly ? null : instanceId;
  const instances = instanceQueries(db, owner === null ? null : thisProcess(owner));
  const isLive = (id: string | null) => instances.isLive(id);
  const checkpoints = checkpointDeferral(db);
  const swapper = createSwapper(file, db);
  return {
    db,
    instances,
    connections: connectionQueries(db),
    inventory: inventoryQueries(db),
    syncRuns: syncRunQueries(db, owner, isLive),
    journal: journalQueries(db, owner, isLive),
    policies: policyQueries(db),
    vault: vaultQueries(db),
    vaultKey: vaultKeyQueries(db),
    settings: settingsQueries(db),
    /** Swaps a sync's staged snapshot into the cache, off the main thread where it can (swap.ts). */
    swapper,
    /** Holds automatic checkpoints until the returned release is called (see checkpointDeferral). */
    deferCheckpoints: checkpoints.defer,
    /** Resolves once the checkpoints the released deferrals asked for are done. */
    checkpointsSettled: checkpoints.settled,
    /**
     * A write transaction, begun IMMEDIATE: it takes the write lock (waiting up to busy_timeout)
     * before its first read, so a commit by another process (the app and the command line share
     * the file) can never turn it into SQLITE_BUSY halfway through.
     */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },
    close(): void {
      if (!db.open) return;
      instances.release();
      swapper.stop();
      db.close();
    },
  };
}
