// The cached inventory and the sync that fills it (ARCHITECTURE.md rule 8): fetch everything
// first, then swap the connection's snapshot in one transaction with the run's record. A failed
// sync records why and leaves the previous snapshot exactly as it was.
import type { ChannelInput, KeyDetail, KeyLink, KeyPage, KeyView, ScopeView, SyncRunView } from '../../src-preload/contract.ts';
import { createLimiter, createTurns, mapLimit } from '../concurrency.ts';
import { AppError, toErrorShape } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { RemoteKey } from '../model.ts';
import { providerModule } from '../providers/index.ts';
import type { Store } from '../store/index.ts';
import type { ListedKey } from '../store/inventory.ts';
import type { SyncRunRecord } from '../store/sync-runs.ts';
import { rowOf } from '../store/key-write.ts';
import { STAGE_CHUNK, type Staging } from '../store/stage.ts';
import { UNREACHABLE_KINDS, type ConnectionService } from './connections.ts';
import { traitsOf } from './health.ts';
import { findOwnKey } from './own-credential.ts';
import { createPageMemos } from './page-memo.ts';
import { boundKey, cut } from './key-bounds.ts';
import { LIMITS } from '../limits.ts';
import { cleanText } from '../redact.ts';
import { checkListing } from '../providers/paging.ts';

/** Scopes fetched at once per connection: enough to hide latency, few enough to be polite. */
const SCOPE_CONCURRENCY = 4;
/**
 * Syncs of connections to one backend host at once, however they were started (the button, "sync
 * all", the schedule, the command line); requests per host are capped in the HTTP client too.
 */
export const SYNCS_PER_HOST = 2;


/** Each key's rotation partner: the key that replaced it, and the one it replaced. */
export interface RotationLinks {
  replacedBy: Map<string, KeyLink>;
  replaces: Map<string, KeyLink>;
}

const NO_LINKS: RotationLinks = { replacedBy: new Map(), replaces: new Map() };

/** The rotations' old and new keys, each named as the user knows it (looked up once per call). */
export function rotationLinks(store: Store): RotationLinks {
  const pairs = store.journal.rotationPairs();
  if (pairs.length === 0) return NO_LINKS;
  const links: RotationLinks = { replacedBy: new Map(), replaces: new Map() };
  const link = (connectionId: string, keyId: string, fallbackName: string, at: number, done: boolean): KeyLink => {
    const key = store.inventory.getKey(connectionId, keyId);
    return {
      keyId,
      name: key ? (key.localLabel ?? (key.name || key.id)) : fallbackName,
      maskedValue: key ? (key.maskedValue ?? key.localHint) : null,
      at,
      done,
      present: key !== undefined && key.goneSince === null,
    };
  };
  for (const pair of pairs) {
    const newKey = link(pair.connectionId, pair.newKeyId, pair.oldKeyName, pair.at, pair.done);
    const oldKey = link(pair.connectionId, pair.oldKeyId, pair.oldKeyName, pair.at, pair.done);
    links.replacedBy.set(`${pair.connectionId}:${pair.oldKeyId}`, newKey);
    links.replaces.set(`${pair.connectionId}:${pair.newKeyId}`, oldKey);
  }
  return links;
}

export function keyView(record: ListedKey, links: RotationLinks = NO_LINKS): KeyView {
  const ref = `${record.connectionId}:${record.id}`;
  return {
    connectionId: record.connectionId,
    id: record.id,
    scopeId: record.scopeId,
    name: record.name,
    description: record.description,
    type: record.type,
    category: record.category,
    role: record.role,
    status: record.status,
    statusDetail: record.statusDetail,
    maskedValue: record.maskedValue ?? record.localHint,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    expiresAt: record.expiresAt,
    lastUsedAt: record.lastUsedAt,
    localLabel: record.localLabel,
    holdUntil: record.holdUntil,
    holdReason: record.holdReason,
    goneSince: record.goneSince,
    lastSeenAt: record.lastSeenAt,
    replacedBy: links.replacedBy.get(ref) ?? null,
    replaces: links.replaces.get(ref) ?? null,
  };
}

export function syncRunView(run: SyncRunRecord): SyncRunView {
  return {
    id: run.id,
    connectionId: run.connectionId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    result: run.result,
    error: run.errorKind ? { kind: run.errorKind as NonNullable<SyncRunView['error']>['kind'], message: cleanText(run.errorMessage ?? '') } : null,
    scopes: run.scopes,
    keys: run.keys,
    added: run.added,
    removed: run.removed,
    changed: run.changed,
  };
}

function orCancelled<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = () => reject(new AppError('cancelled', 'Cancelled.'));
    if (signal.aborted) cancel();
    signal.addEventListener('abort', cancel, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', cancel));
  });
}

export interface InventoryServiceDeps {
  store: Store;
  events: CoreEvents;
  log: Logger;
  now: () => number;
  connections: () => ConnectionService;
}

export function createInventoryService(deps: InventoryServiceDeps) {
  const { store, events, log, now } = deps;
  const running = new Map<string, { promise: Promise<SyncRunView>; abort: AbortController }>();
  const hostSlots = new Map<string, ReturnType<typeof createLimiter>>();
  const memos = createPageMemos();
  const turns = createTurns();
  let stopped = false;

  /** Runs a connection's sync once its backend host has a free slot. */
  function inHostSlot(connectionId: string, work: () => Promise<SyncRunView>): Promise<SyncRunView> {
    const host = hostOf(store.connections.get(connectionId)?.baseUrl ?? connectionId);
    let slots = hostSlots.get(host);
    if (!slots) {
      slots = createLimiter(SYNCS_PER_HOST);
      hostSlots.set(host, slots);
    }
    return slots.run(work);
  }

  /** Each connection's sync, all started at once (held back per host); one failing does not stop the others. */
  async function syncMany(ids: string[], sync: (connectionId: string) => Promise<SyncRunView>) {
    return Promise.all(
      ids.map(async (connectionId) => {
        try {
          return { connectionId, result: (await sync(connectionId)).result, error: null };
        } catch (error) {
          const shape = toErrorShape(error);
          return { connectionId, result: shape.kind === 'cancelled' ? ('cancelled' as const) : ('failed' as const), error: shape };
        }
      }),
    );
  }

  /**
   * Fetches every scope's keys, comparing and staging each list as it arrives (store/stage.ts):
   * what the sync holds is ids, not keys. Nothing reaches the inventory until the swap.
   */
  async function fetchAll(connectionId: string, runId: number, trusted: number | null, stagingReady: Promise<Staging>, signal: AbortSignal) {
    const provider = await deps.connections().provider(connectionId);
    const connection = deps.connections().get(connectionId);
    const backend = providerModule(connection.kind).info.displayName;
    // Keys handed over as they are listed (onKeys), and the parts of the listing the last sync read, to be read again only if they changed.
    const pages = memos.begin(connectionId, trusted, provider, JSON.stringify([connection.kind, connection.baseUrl, connection.settings]), take, takeSame);
    const options = { signal, onKeys: async (keys: RemoteKey[]) => void (await take(keys)), pages: pages.memo };
    const listedScopes = await provider.listScopes(options);
    checkListing(listedScopes.length, backend, 'scopes');
    const scopes = listedScopes.map((s) => (s.name.length > LIMITS.nameChars ? { ...s, name: cut(s.name, LIMITS.nameChars) } : s));
    const traits = traitsOf(deps.connections().get(connectionId));
    const match = provider.credentialMatch?.();
    // The connection's own key: the first listed key that is its credential.
    let ownKey: string | null = null;
    let scopesDone = 0;
    let keysFetched = 0;
    const progress = () => events.emit('sync.progress', { connectionId, runId, scopesDone, scopesTotal: scopes.length, keysFetched });
    progress();
    /** The staging, once `count` more listed keys are counted (within the listing bound) and the sync still runs. */
    async function stagingFor(count: number) {
      checkListing(keysFetched + count, backend, 'keys');
      keysFetched += count;
      const staging = await stagingReady;
      if (signal.aborted) throw new AppError('cancelled', 'Cancelled.');
      return staging;
    }
    /** Keys the last sync listed, as cached: remembered as unchanged, its own key with them. */
    async function takeSame(ids: readonly string[], own: string | null) {
      (await stagingFor(ids.length)).addSame(ids);
      if (own !== null) ownKey ??= own;
    }
    /** Keys listed: compared and staged; their ids, and the connection's own key among them, told back. */
    async function take(listed: RemoteKey[]) {
      const staging = await stagingFor(listed.length);
      const keptBefore = staging.keptAsCached;
      const ids: string[] = [];
      let own: string | null = null;
      // A chunk at a time, the event loop turning in between; the earliest sync's chunks first (its
      // swap then overlaps the others' work instead of all swaps queueing at the end).
      for (let from = 0; from < listed.length; from += STAGE_CHUNK) {
        await turns.turn(runId);
        const bounded = listed.slice(from, from + STAGE_CHUNK).map(boundKey);
        if (match && !('localHint' in match) && own === null) {
          own = findOwnKey(match, bounded.filter((k) => k.status !== 'revoked').map((k) => ({ id: k.id, maskedValue: k.maskedValue, localHint: null })));
        }
        for (const key of bounded) ids.push(key.id);
        await staging.add(bounded.map((key) => rowOf(connectionId, key, 0, traits(key))));
      }
      ownKey ??= own;
      return { ids, own, exact: staging.keptAsCached === keptBefore };
    }
    await mapLimit(scopes, SCOPE_CONCURRENCY, async (scope) => {
      if (signal.aborted) throw new AppError('cancelled', 'Cancelled.');
      // An inactive scope refuses to be read; the snapshot swap keeps its cached keys.
      if (scope.inactive === undefined) {
        // Handed over page by page where the adapter can (a scope may list 100,000 keys), else at the end.
        await take(await provider.listKeys(scope, options));
      }
      scopesDone++;
      progress();
    });
    return { scopes, match, ownKey, pages };
  }

  async function runSync(connectionId: string, signal: AbortSignal): Promise<SyncRunView> {
    deps.connections().get(connectionId);
    const runId = store.syncRuns.start(connectionId, now());
    events.emit('connections.changed', { connectionId });
    // The writer thread gets ready while the scopes are read: the first keys wait for it, not the first request.
    const opening = store.swapper.open(runId);
    const stagingReady = opening.then((turn) => store.inventory.beginStaging(connectionId, runId, turn.hold));
    const trusted = store.syncRuns.trustedPages(connectionId);
    try {
      // A cancel ends the sync at once, even while an adapter's call does not listen for it; what
      // that call brings back later is dropped.
      const { scopes, match, ownKey, pages } = await orCancelled(fetchAll(connectionId, runId, trusted, stagingReady, signal), signal);
      // Nothing is written until everything was fetched; a cancel up to here changes nothing.
      if (signal.aborted) throw new AppError('cancelled', 'Cancelled.');
      // The snapshot swapped in with the run's record, in one transaction, off the main thread.
      const [turn, staging] = [await opening, await stagingReady];
      await turn.swap({ snapshot: staging.take(), scopes, at: now(), match: match ?? null, ownKey });
      pages.keep(runId, store.syncRuns.pagesTrusted(runId));
      const run = syncRunView(store.syncRuns.get(runId)!);
      log.info('sync.ok', { connectionId, runId, keys: run.keys, added: run.added, removed: run.removed, changed: run.changed });
      events.emit('inventory.changed', { connectionId });
      events.emit('sync.finished', { connectionId, run });
      return run;
    } catch (error) {
      // Whatever was staged is dropped (the writer thread forgets its rows too).
      void stagingReady.then((staging) => staging.discard());
      void opening.then((turn) => turn.drop());
      const cancelled = signal.aborted || (error instanceof AppError && error.kind === 'cancelled');
      const shape = cancelled
        ? { kind: 'cancelled' as const, message: 'Sync cancelled; the cached inventory is unchanged.' }
        : toErrorShape(error);
      if (store.db.open && store.connections.get(connectionId)) {
        store.syncRuns.fail(runId, now(), cancelled ? 'cancelled' : 'failed', shape.kind, shape.message);
        const run = syncRunView(store.syncRuns.get(runId)!);
        events.emit('sync.finished', { connectionId, run });
      }
      log.error(cancelled ? 'sync.cancelled' : 'sync.failed', error, { connectionId, runId });
      throw cancelled ? new AppError('cancelled', shape.message) : error;
    }
  }

  return {
    isSyncing: (connectionId: string) => running.has(connectionId),

    /** One sync per connection at a time; a second request joins the running one. */
    sync(connectionId: string): Promise<SyncRunView> {
      if (stopped) return Promise.reject(new AppError('cancelled', 'Keyfleet is closing; the sync did not start.'));
      let run = running.get(connectionId);
      if (!run) {
        const abort = new AbortController();
        // Syncs running together share one checkpoint, after the last of them.
        const release = store.deferCheckpoints();
        const promise = inHostSlot(connectionId, () => runSync(connectionId, abort.signal)).finally(() => {
          release();
          running.delete(connectionId);
          events.emit('connections.changed', { connectionId });
        });
        run = { promise, abort };
        running.set(connectionId, run);
      }
      return run.promise;
    },

    cancel(connectionId: string): boolean {
      const run = running.get(connectionId);
      run?.abort.abort();
      return run !== undefined;
    },

    /** Cancels this connection's running sync, if any, and waits for it to let go (its cache as it was). */
    async cancelAndSettle(connectionId: string): Promise<void> {
      const run = running.get(connectionId);
      if (!run) return;
      run.abort.abort();
      await run.promise.catch(() => undefined);
    },

    /** Every connection at once, held back per host; one failing does not stop the others. */
    async syncAll() {
      return { runs: await syncMany(store.connections.list().map((c) => c.id), (id) => this.sync(id)) };
    },

    /**
     * Background sync: every connection every `intervalMs`, and one that was unreachable every
     * `reconnectMs`, so it comes back by itself. Never two syncs of one connection at once.
     */
    startSchedule(options: { intervalMs: number; reconnectMs: number }): () => void {
      if (options.intervalMs <= 0) return () => undefined;
      const tick = () => {
        const latest = store.syncRuns.latestByConnection();
        const due = store.connections.list().filter((c) => {
          if (running.has(c.id)) return false;
          const last = latest.get(c.id);
          if (!last) return true;
          const offline = last.result === 'failed' && last.errorKind !== null && UNREACHABLE_KINDS.has(last.errorKind);
          return now() - last.startedAt >= (offline ? options.reconnectMs : options.intervalMs);
        });
        void syncMany(
          due.map((c) => c.id),
          (id) => this.sync(id),
        );
      };
      const timer = setInterval(tick, Math.min(options.intervalMs, options.reconnectMs, 60_000));
      timer.unref();
      return () => clearInterval(timer);
    },

    async whenIdle(): Promise<void> {
      await Promise.allSettled([...running.values()].map((r) => r.promise));
    },

    /** Quitting: cancels every running sync (each leaves its snapshot as it was) and starts no more. */
    async stop(): Promise<void> {
      stopped = true;
      for (const run of running.values()) run.abort.abort();
      await this.whenIdle();
    },

    scopes(connectionId: string): ScopeView[] {
      deps.connections().get(connectionId);
      return store.inventory.listScopes(connectionId).map(({ raw: _raw, inactive, readOnly, ...scope }) => ({
        ...scope,
        inactive: inactive ?? null,
        readOnly: readOnly ?? null,
      }));
    },

    keys(input: Required<Pick<ChannelInput<'keys.list'>, 'offset' | 'limit'>> & ChannelInput<'keys.list'>): KeyPage {
      const { rows, total } = store.inventory.listKeys({ ...input, now: now() });
      const links = rotationLinks(store);
      return { rows: rows.map((row) => keyView(row, links)), total, offset: input.offset };
    },

    key(connectionId: string, keyId: string): KeyDetail {
      const connection = deps.connections().get(connectionId);
      const record = store.inventory.getKey(connectionId, keyId);
      if (!record) throw new AppError('not-found', 'This key is not in the cached inventory; sync to refresh.');
      const vaultEntries = store.vault
        .list()
        .filter((entry) => entry.link?.connectionId === connectionId && entry.link.keyId === keyId)
        .map((entry) => ({ id: entry.id, name: entry.name }));
      return {
        ...keyView(record, rotationLinks(store)),
        raw: record.raw,
        firstSeenAt: record.firstSeenAt,
        // As the sync stored it: the same trait the health board judges the key by.
        lastUseReported: record.tracksLastUse === true,
        vaultEntries,
        // What the backend adds (teams, owner, permission mode…), read from what the sync recorded.
        facts: providerModule(connection.kind).describeKey?.(record) ?? [],
      };
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
