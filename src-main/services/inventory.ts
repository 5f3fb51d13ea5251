// The cached inventory and the sync that fills it (ARCHITECTURE.md rule 8): fetch everything
// first, then swap the connection's snapshot in one transaction with the run's record. A failed
// sync records why and leaves the previous snapshot exactly as it was.
import type { ChannelInput, KeyDetail, KeyPage, KeyView, ScopeView, SyncRunView } from '../../src-preload/contract.ts';
import { AppError, toErrorShape } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { KeyRecord, RemoteKey } from '../model.ts';
import type { Store } from '../store/index.ts';
import type { SyncRunRecord } from '../store/sync-runs.ts';
import type { ConnectionService } from './connections.ts';

/** Scopes fetched at once per connection: enough to hide latency, few enough to be polite. */
const SCOPE_CONCURRENCY = 4;

export function keyView(record: KeyRecord): KeyView {
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
  };
}

export function syncRunView(run: SyncRunRecord): SyncRunView {
  return {
    id: run.id,
    connectionId: run.connectionId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    result: run.result,
    error: run.errorKind ? { kind: run.errorKind as NonNullable<SyncRunView['error']>['kind'], message: run.errorMessage ?? '' } : null,
    scopes: run.scopes,
    keys: run.keys,
    added: run.added,
    removed: run.removed,
    changed: run.changed,
  };
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
  const running = new Map<string, Promise<SyncRunView>>();

  async function fetchAll(connectionId: string, runId: number) {
    const provider = await deps.connections().provider(connectionId);
    const scopes = await provider.listScopes();
    const keys: RemoteKey[] = [];
    let scopesDone = 0;
    const progress = () =>
      events.emit('sync.progress', { connectionId, runId, scopesDone, scopesTotal: scopes.length, keysFetched: keys.length });
    progress();
    let next = 0;
    const worker = async () => {
      while (next < scopes.length) {
        const scope = scopes[next++]!;
        keys.push(...(await provider.listKeys(scope)));
        scopesDone++;
        progress();
      }
    };
    await Promise.all(Array.from({ length: Math.min(SCOPE_CONCURRENCY, scopes.length) }, worker));
    return { scopes, keys };
  }

  async function runSync(connectionId: string): Promise<SyncRunView> {
    deps.connections().get(connectionId);
    const runId = store.syncRuns.start(connectionId, now());
    events.emit('connections.changed', { connectionId });
    try {
      const { scopes, keys } = await fetchAll(connectionId, runId);
      const at = now();
      store.transaction(() => {
        const counts = store.inventory.replaceSnapshot(connectionId, scopes, keys, runId, at);
        store.syncRuns.succeed(runId, at, { ...counts, scopes: scopes.length, keys: keys.length });
        store.connections.markSynced(connectionId, at);
      });
      const run = syncRunView(store.syncRuns.get(runId)!);
      log.info('sync.ok', { connectionId, runId, keys: run.keys, added: run.added, removed: run.removed, changed: run.changed });
      events.emit('inventory.changed', { connectionId });
      events.emit('sync.finished', { connectionId, run });
      return run;
    } catch (error) {
      const shape = toErrorShape(error);
      if (store.db.open && store.connections.get(connectionId)) {
        store.syncRuns.fail(runId, now(), 'failed', shape.kind, shape.message);
        const run = syncRunView(store.syncRuns.get(runId)!);
        events.emit('sync.finished', { connectionId, run });
      }
      log.error('sync.failed', error, { connectionId, runId });
      throw error;
    }
  }

  return {
    isSyncing: (connectionId: string) => running.has(connectionId),

    /** One sync per connection at a time; a second request joins the running one. */
    sync(connectionId: string): Promise<SyncRunView> {
      let run = running.get(connectionId);
      if (!run) {
        run = runSync(connectionId).finally(() => {
          running.delete(connectionId);
          events.emit('connections.changed', { connectionId });
        });
        running.set(connectionId, run);
      }
      return run;
    },

    async whenIdle(): Promise<void> {
      await Promise.allSettled([...running.values()]);
    },

    scopes(connectionId: string): ScopeView[] {
      deps.connections().get(connectionId);
      return store.inventory.listScopes(connectionId).map(({ raw: _raw, ...scope }) => scope);
    },

    keys(input: Required<Pick<ChannelInput<'keys.list'>, 'offset' | 'limit'>> & ChannelInput<'keys.list'>): KeyPage {
      const { rows, total } = store.inventory.keys(input);
      return { rows: rows.map(keyView), total, offset: input.offset };
    },

    key(connectionId: string, keyId: string): KeyDetail {
      const record = store.inventory.getKey(connectionId, keyId);
      if (!record) throw new AppError('not-found', 'This key is not in the cached inventory; sync to refresh.');
      return { ...keyView(record), raw: record.raw, lastSeenAt: record.lastSeenAt };
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
