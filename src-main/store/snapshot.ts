// Writing the cache: a sync's snapshot swap (staged in stage.ts) and single keys after a remote
// operation. Reading is in inventory.ts.
import type { KeyRecord, RemoteKey, RemoteScope } from '../model.ts';
import type { Db } from './db.ts';
import { rowOf, UNTRUST_PAGES_SQL, UPSERT_KEY_SQL, type ChangeKind, type FieldChanges, type KeyTraits, type LocalKeyState, type SnapshotCounts } from './key-write.ts';
import { snapshotApplier, snapshotStage, type Hold, type Staging } from './stage.ts';

export { changedFields, defaultTraits, rowOf } from './key-write.ts';
export type { ChangeKind, FieldChanges, KeyTraits, LocalKeyState, SnapshotCounts } from './key-write.ts';

export function snapshotWriter(db: Db) {
  const upsertKey = db.prepare(UPSERT_KEY_SQL);
  const deleteKey = db.prepare('DELETE FROM keys WHERE connection_id = ? AND id = ?');
  const insertChange = db.prepare(`INSERT INTO changes (connection_id, sync_run_id, source, key_id, key_name, change, fields_json, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const setLocal = db.prepare(`UPDATE keys SET hold_until = @holdUntil, hold_reason = @holdReason,
      local_hint = @localHint, local_label = @localLabel WHERE connection_id = @connectionId AND id = @id`);
  const untrustPages = db.prepare(UNTRUST_PAGES_SQL);
  // Made on first use: a reviewed copy (read-only) never stages anything.
  let stage: ReturnType<typeof snapshotStage> | undefined;
  let applier: ReturnType<typeof snapshotApplier> | undefined;

  return {
    /** A sync's staging on this connection to the database; `hold` takes its rows to write (see stage.ts). */
    beginStaging(connectionId: string, run: number, hold?: Hold): Staging {
      return (stage ??= snapshotStage(db)).begin(connectionId, run, hold);
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
        upsertKey.run(...rowOf(connectionId, key, at, traits));
        untrustPages.run(connectionId);
        if (local) setLocal.run({ connectionId, id: key.id, ...local });
        if (change) {
          insertChange.run(connectionId, null, 'keyfleet', key.id, key.name, change.kind, JSON.stringify(change.fields), at);
        }
      }).immediate();
    },

    /** Keyfleet-only state of a cached key (hold, hint, label). */
    setLocalState(connectionId: string, keyId: string, local: LocalKeyState): void {
      db.transaction(() => {
        setLocal.run({ connectionId, id: keyId, ...local });
        untrustPages.run(connectionId);
      })();
    },

    dropKey(connectionId: string, key: KeyRecord, at: number): void {
      db.transaction(() => {
        deleteKey.run(connectionId, key.id);
        untrustPages.run(connectionId);
        insertChange.run(connectionId, null, 'keyfleet', key.id, key.name, 'removed', '{}', at);
      }).immediate();
    },

    /**
     * Replace a connection's scopes and keys with these, and log what changed; the keys of an
     * inactive scope (not listed) stay as cached. Runs inside the caller's transaction so the swap
     * and the sync run's record land together. (A sync stages its keys as they arrive instead.)
     */
    replaceSnapshot(
      connectionId: string,
      scopes: RemoteScope[],
      keys: RemoteKey[],
      runId: number,
      at: number,
      traitsOf?: (key: RemoteKey) => KeyTraits,
    ): SnapshotCounts {
      const staging = (stage ??= snapshotStage(db)).begin(connectionId, runId);
      try {
        staging.addNow(keys.map((key) => rowOf(connectionId, key, 0, traitsOf?.(key))));
        untrustPages.run(connectionId);
        return (applier ??= snapshotApplier(db)).apply(staging.take(), scopes, at);
      } catch (error) {
        staging.discard();
        throw error;
      }
    },
  };
}
