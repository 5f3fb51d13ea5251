// The metadata store: better-sqlite3, prepared statements only, metadata only (never a secret).
import { connectionQueries } from './connections.ts';
import { checkpointDeferral, openDatabase, type Db } from './db.ts';
import { inventoryQueries } from './inventory.ts';
import { journalQueries } from './journal.ts';
import { policyQueries } from './policies.ts';
import { settingsQueries } from './settings.ts';
import { vaultQueries } from './vault.ts';
import { syncRunQueries } from './sync-runs.ts';

export type Store = ReturnType<typeof createStore>;

export function createStore(file: string, readonly = false) {
  const db: Db = openDatabase(file, undefined, readonly);
  return {
    db,
    connections: connectionQueries(db),
    inventory: inventoryQueries(db),
    syncRuns: syncRunQueries(db),
    journal: journalQueries(db),
    policies: policyQueries(db),
    vault: vaultQueries(db),
    settings: settingsQueries(db),
    /** Holds automatic checkpoints until the returned release is called (see checkpointDeferral). */
    deferCheckpoints: checkpointDeferral(db),
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    close(): void {
      if (db.open) db.close();
    },
  };
}
