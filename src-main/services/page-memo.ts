// A re-sync where nothing changed should cost the fetching and little else: a background sync
// every 15 minutes of 100,000 unchanged keys must not validate, map and compare each of them again.
// A sync remembers, for each part of a listing an adapter names (a Rancher page, Onyx's one list),
// the digest of its answers, what the adapter needs to go on (its next link), the ids of its keys
// and the connection's own key among them. The next sync asks for each part with that digest;
// a part whose answers are byte for byte the same, read by the same provider with the same
// connection settings, is handed over by its ids alone (Staging.addSame): the cache already holds
// exactly what the backend lists. Trust is the database's to give: a run's sync_runs.pages_trusted
// says its connection's keys are as it left them, cleared by every write to them outside a swap
// (key-write.ts UNTRUST_PAGES_SQL), from any process; a part is used only while the connection's
// last successful run is trusted and is the one that noted it. Memos live in memory only: a
// restarted app compares its first sync in full.
import type { KnownPart, PageMemo } from '../providers/types.ts';
import type { RemoteKey } from '../model.ts';

/** A part as a sync read it: its digest and `after`, the ids it listed, the connection's own key among them. */
interface Part extends KnownPart {
  ids: readonly string[];
  own: string | null;
}

interface Memo {
  run: number;
  provider: object;
  context: string;
  parts: Map<string, Part>;
}

/** What one sync does with the keys of a part: takes them (as onKeys would) and tells their ids and the own key found. */
export type TakePart = (keys: RemoteKey[]) => Promise<{ ids: string[]; own: string | null; exact: boolean }>;
/** Takes a part known to be unchanged: its ids and own key, as the last sync found them. */
export type TakeSame = (ids: readonly string[], own: string | null) => Promise<void>;

export interface SyncPages {
  /** What the adapter is given (ListOptions.pages). */
  memo: PageMemo;
  /** After the swap, where the database trusts `run` (nothing wrote its keys while it ran): its parts serve the next sync. */
  keep(run: number, trusted: boolean): void;
}

export function createPageMemos() {
  const memos = new Map<string, Memo>();
  return {
    /**
     * One sync's parts: those of the connection's last successful sync where the database still
     * trusts them (`trusted`, its run: SyncRunQueries.trustedPages) and the provider and `context`
     * (the connection's settings) are the same; none otherwise.
     */
    begin(connectionId: string, trusted: number | null, provider: object, context: string, take: TakePart, same: TakeSame): SyncPages {
      const last = memos.get(connectionId);
      const known = last && last.run === trusted && last.provider === provider && last.context === context ? last.parts : undefined;
      // Nothing of the last sync is trusted past this point, whatever this one finds.
      memos.delete(connectionId);
      const parts = new Map<string, Part>();
      const memo: PageMemo = {
        known: (part) => known?.get(part),
        async read(part, { digest, after }, keys) {
          const { ids, own, exact } = await take(keys);
          // A part whose keys the swap keeps as cached, not as listed, is not what the cache holds.
          if (exact) parts.set(part, { digest, after, ids, own });
        },
        async same(part) {
          const kept = known?.get(part);
          if (!kept) throw new Error(`The adapter called a part the last sync did not read the same (${part}).`);
          await same(kept.ids, kept.own);
          parts.set(part, kept);
        },
      };
      return {
        memo,
        keep(run, trustedNow) {
          if (trustedNow && parts.size > 0) memos.set(connectionId, { run, provider, context, parts });
        },
      };
    },
    forget(connectionId: string): void {
      memos.delete(connectionId);
    },
  };
}
