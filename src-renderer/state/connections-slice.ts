// Connections, their scope trees, and their syncs (with progress while one runs).
import { api, asCallError, type CallError } from '../app/bridge.ts';
import { guarded } from './guarded.ts';
import type { ConnectionsSlice, GetState, SetState } from './types.ts';

export function createConnectionsSlice(set: SetState, get: GetState): ConnectionsSlice {
  return {
    connections: [],
    scopes: {},
    progress: {},

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
      if (failure && !recorded) get().notify('error', `Sync of “${connection?.name ?? 'connection'}” failed`, failure.message);
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
        await get().refreshConnections();
      });
    },
  };
}
