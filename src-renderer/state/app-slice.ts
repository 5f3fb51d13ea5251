// The app itself: start-up, what the core reports about itself, the view on screen, settings.
import { api, asCallError } from '../app/bridge.ts';
import { followCoreEvents } from './core-events.ts';
import { guarded } from './guarded.ts';
import type { AppSlice, GetState, SetState } from './types.ts';

export function createAppSlice(set: SetState, get: GetState): AppSlice {
  return {
    ready: false,
    status: null,
    backends: [],
    view: 'keys',
    settings: null,

    async init() {
      followCoreEvents(set, get);
      await guarded(get, 'Keyfleet could not start', async () => {
        const [status, backends, connections, settings] = await Promise.all([
          api.app.status(),
          api.app.backends(),
          api.connections.list(),
          api.settings.get(),
        ]);
        set({ status, backends, connections, settings });
        // The first page of keys is asked for first: rows show from the cache at once, and scope
        // names fill in when the scopes (with their key counts) arrive.
        const first = connections[0];
        // A person who already went elsewhere (the vault, settings) while this loaded stays there.
        if (get().view === 'keys') get().select(first?.id ?? null, null);
        else set({ selection: { connectionId: first?.id ?? null, scopeId: null } });
        await Promise.all(connections.map((c) => get().loadScopes(c.id)));
        await Promise.all([get().loadPendingReveals(), get().loadRotations(), get().status?.mode === 'review' ? undefined : get().loadVault()]);
      });
      set({ ready: true });
    },

    showJournal() {
      set({ view: 'journal', selectedKey: null });
    },

    showHealth() {
      set({ view: 'health', selectedKey: null });
    },

    showChanges() {
      set({ view: 'changes', selectedKey: null });
    },

    showVault() {
      set({ view: 'vault', selectedKey: null });
      void get().loadVault();
    },

    showSettings() {
      set({ view: 'settings', selectedKey: null });
      void get().loadSettings();
    },

    async loadSettings() {
      await guarded(get, 'Could not read the settings', async () => set({ settings: await api.settings.get() }));
    },

    saveLayout(patch) {
      const settings = get().settings;
      if (!settings) return;
      set({ settings: { ...settings, values: { ...settings.values, ...patch } } });
      // A reviewed copy is read-only: the layout holds for this window only.
      if (get().status?.mode === 'review') return;
      api.settings.set(patch).catch((error: unknown) => get().notify('error', 'Could not keep the sidebar’s layout', asCallError(error).message, { view: null }));
    },

    async saveSettings(input) {
      try {
        set({ settings: await api.settings.set(input) });
        // The vault shows its auto-lock minutes.
        if (input.autoLockMinutes !== undefined && get().status?.mode !== 'review') void get().loadVault();
        return null;
      } catch (error) {
        return asCallError(error);
      }
    },
  };
}
