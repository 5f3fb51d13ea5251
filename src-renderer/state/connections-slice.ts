// Connections, their scope trees, and their syncs (with progress while one runs).
import { api, asCallError, type CallError } from '../app/bridge.ts';
import { isolate } from '../app/names.ts';
import { guarded } from './guarded.ts';
import type { ConnectionsSlice, GetState, SetState } from './types.ts';

export function createConnectionsSlice(set: SetState, get: GetState): ConnectionsSlice {
  return {
    connections: [],
    scopes: {},
    progress: {},
    syncingAll: false,

    async refreshConnections() {
      await guarded(get, 'Could not load connections', async () => {
        const connections = await api.connections.list();
        set({ connections });
        const { selection } = get();
        if (selection.connectionId && !connections.some((c) => c.id === selection.connectionId)) {
          get().select(connections[0]?.id ?? null, null);
        }
      });
    },

    async loadScopes(connectionId) {
      await guarded(get, 'Could not load scopes', async () => {
        const scopes = await api.scopes.list({ connectionId });
        set((s) => ({ scopes: { ...s.scopes, [connectionId]: scopes } }));
      });
    },

    async sync(connectionId) {
      const connection = get().connections.find((c) => c.id === connectionId);
      set((s) => ({ progress: { ...s.progress, [connectionId]: { scopesDone: 0, scopesTotal: 0, keysFetched: 0 } } }));
      let failure: CallError | null = null;
      try {
        await api.sync.run({ connectionId });
      } catch (error) {
        failure = asCallError(error);
      }
      set((s) => {
        const { [connectionId]: _done, ...rest } = s.progress;
        return { progress: rest };
      });
      await Promise.all([get().refreshConnections(), get().loadScopes(connectionId), get().loadKeys()]);
      // A failed run is shown on the connection itself; anything else (it was removed, say) here.
      const recorded = get().connections.find((c) => c.id === connectionId)?.lastSync?.result === 'failed';
      if (failure && !recorded) get().notify('error', `Sync of “${connection ? isolate(connection.name) : 'a connection'}” failed`, failure.message, { view: 'keys' });
    },

    async syncAll(announce = 'always') {
      if (get().status?.mode === 'review' || get().syncingAll) return;
      set({ syncingAll: true });
      let runs: Array<{ connectionId: string; result: string; error: CallError | null }> = [];
      try {
        runs = (await api.sync.all()).runs;
      } catch (error) {
        get().notify('error', 'Sync all could not start', asCallError(error).message, { view: 'keys' });
      } finally {
        set({ syncingAll: false });
      }
      await get().refreshConnections();
      await Promise.all([get().loadKeys(), ...runs.map((run) => get().loadScopes(run.connectionId))]);
      if (runs.length === 0) return;
      const names = new Map(get().connections.map((c) => [c.id, isolate(c.name)]));
      const failed = runs.filter((run) => run.result !== 'ok');
      const all = runs.length === 1 ? 'the connection' : `all ${runs.length} connections`;
      if (failed.length === 0) {
        if (announce === 'always') get().notify('success', `Synced ${all}`, 'Every connection’s inventory is fresh.', { view: 'keys' });
        return;
      }
      get().notify(
        'error',
        `${failed.length} of ${runs.length} ${runs.length === 1 ? 'connection' : 'connections'} could not be synced`,
        `The others synced. ${failed.length === 1 ? 'This one shows its' : 'These show their'} last cached inventory:`,
        {
          view: 'keys',
          items: failed.map((run) => `${names.get(run.connectionId) ?? 'A removed connection'}: ${run.result === 'cancelled' ? 'cancelled' : (run.error?.message ?? 'failed')}`),
        },
      );
    },

    async addConnection(input) {
      try {
        const connection = await api.connections.add(input);
        set((s) => ({ connections: [...s.connections.filter((c) => c.id !== connection.id), connection], modal: { kind: 'none' } }));
        get().select(connection.id, null);
        void get().sync(connection.id);
        return null;
      } catch (error) {
        return asCallError(error);
      }
    },

    async removeConnection(connectionId) {
      await guarded(get, 'Could not remove the connection', async () => {
        await api.connections.remove({ connectionId });
        set((s) => {
          const { [connectionId]: _gone, ...scopes } = s.scopes;
          return { scopes, modal: { kind: 'none' } };
        });
        // Its place in the sidebar's layout goes with it.
        const folded = get().settings?.values.collapsedConnections ?? [];
        if (folded.includes(connectionId)) get().saveLayout({ collapsedConnections: folded.filter((id) => id !== connectionId) });
        await get().refreshConnections();
      });
    },
  };
}
