// The renderer's state. It mirrors what the core reports (connections, scopes, the pages of keys
// the table has scrolled to)
// plus what is on screen (selection, filter, dialogs, banners). It is never persisted, and it
// never holds a secret: a reveal dialog reads its secret into its own component state.
import { create } from 'zustand';
import type {
  AppStatus,
  BackendInfo,
  HealthKind,
  PendingRevealView,
  ProviderKind,
  RotationView,
  SettingsView,
  VaultEntryView,
  VaultStatus,
  ChannelInput,
  ConnectionView,
  KeyView,
  ScopeView,
  SortColumn,
} from '../../src-preload/contract.ts';
import { api, asCallError, type CallError } from '../app/bridge.ts';
import { runAppCommand } from '../app/commands.ts';

export type Modal =
  | { kind: 'none' }
  | { kind: 'add-connection'; backend?: ProviderKind }
  | { kind: 'create-key'; connectionId: string; scopeId: string | null }
  | { kind: 'edit-key'; key: KeyView }
  | { kind: 'delete-key'; key: KeyView }
  | { kind: 'rotate'; key: KeyView }
  | { kind: 'bulk' }
  | { kind: 'shortcuts' }
  | { kind: 'policy'; connection: ConnectionView }
  | { kind: 'vault-entry'; entry: VaultEntryView | null }
  | { kind: 'vault-delete'; entry: VaultEntryView }
  | { kind: 'vault-import' }
  | { kind: 'vault-unlock' }
  | { kind: 'resume-rotation'; rotation: RotationView }
  | { kind: 'remove-connection'; connection: ConnectionView }
  | { kind: 'reveal'; slotId: string; keyLabel: string };

export interface Banner {
  id: number;
  tone: 'error' | 'info';
  title: string;
  message: string;
}

export interface SyncProgress {
  scopesDone: number;
  scopesTotal: number;
  keysFetched: number;
}


interface State {
  ready: boolean;
  status: AppStatus | null;
  backends: BackendInfo[];
  connections: ConnectionView[];
  scopes: Record<string, ScopeView[]>;
  selection: { connectionId: string | null; scopeId: string | null };
  /** Pages of the current key list, fetched as the table scrolls; never the whole inventory. */
  keyPages: Record<number, KeyView[]>;
  totalKeys: number;
  keysVersion: number;
  keysLoading: boolean;
  selectedKey: { connectionId: string; keyId: string } | null;
  view: 'keys' | 'journal' | 'health' | 'changes' | 'vault' | 'settings';
  /** The user's settings as the core last reported them (null until loaded). */
  settings: SettingsView | null;
  vault: VaultStatus | null;
  vaultEntries: VaultEntryView[];
  /** Bumped when the vault locks: anything showing a secret clears itself. */
  lockEpoch: number;
  /** A health board card the key list is narrowed to. */
  healthFilter: { kind: HealthKind; days?: number; label: string } | null;
  query: string;
  sort: { column: SortColumn; direction: 'asc' | 'desc' };
  banners: Banner[];
  progress: Record<string, SyncProgress>;
  busyKeys: Record<string, string>;
  modal: Modal;
  pendingReveals: PendingRevealView[];
  rotations: RotationView[];
}

interface Actions {
  init: () => Promise<void>;
  refreshConnections: () => Promise<void>;
  loadScopes: (connectionId: string) => Promise<void>;
  loadKeys: () => Promise<void>;
  ensureKeys: (start: number, end: number) => Promise<void>;
  selectKey: (key: { connectionId: string; keyId: string } | null) => void;
  showJournal: () => void;
  showHealth: () => void;
  showChanges: () => void;
  showVault: () => void;
  showSettings: () => void;
  loadSettings: () => Promise<void>;
  /** Saves settings; returns the core's refusal (with field messages), or null once saved. */
  saveSettings: (input: ChannelInput<'settings.set'>) => Promise<CallError | null>;
  loadVault: () => Promise<void>;
  lockVault: () => Promise<void>;
  unlockVault: () => void;
  /** Unlock with the OS or a confirmation; returns an error message, or null once unlocked. */
  confirmUnlock: () => Promise<string | null>;
  /** Resolves true when secrets may be shown: at once, or after the user unlocks (false if they do not). */
  requireUnlocked: () => Promise<boolean>;
  openHealthFilter: (filter: { kind: HealthKind; days?: number; label: string } | null) => void;
  select: (connectionId: string | null, scopeId?: string | null) => void;
  setQuery: (query: string) => void;
  toggleSort: (column: SortColumn) => void;
  sync: (connectionId: string) => Promise<void>;
  addConnection: (input: ChannelInput<'connections.add'>) => Promise<CallError | null>;
  removeConnection: (connectionId: string) => Promise<void>;
  createKey: (input: ChannelInput<'keys.create'>) => Promise<CallError | null>;
  updateKey: (input: ChannelInput<'keys.update'>) => Promise<CallError | null>;
  setKeyActive: (key: KeyView, active: boolean) => Promise<void>;
  loadRotations: () => Promise<void>;
  hideKey: (key: KeyView) => Promise<void>;
  deleteKey: (key: KeyView) => Promise<void>;
  loadPendingReveals: () => Promise<void>;
  showPendingReveal: (pending: PendingRevealView) => Promise<void>;
  open: (modal: Modal) => void;
  close: () => void;
  notify: (tone: Banner['tone'], title: string, message: string) => void;
  dismiss: (id: number) => void;
}

let bannerId = 0;
export const KEY_PAGE = 100;
/** Pages kept on either side of the rows in view; farther ones are dropped (and fetched again if needed). */
const KEEP_PAGES = 4;
/** The rows the key table shows now, and whether a batch of pages is being fetched. */
let wanted: { version: number; start: number; end: number } | null = null;
let fetchingPages = false;

/** The pages near a range of rows: the renderer holds a window of the list, never all of it. */
function nearby(pages: Record<number, KeyView[]>, range: { start: number; end: number }): Record<number, KeyView[]> {
  const first = Math.floor(range.start / KEY_PAGE) - KEEP_PAGES;
  const last = Math.floor(range.end / KEY_PAGE) + KEEP_PAGES;
  const kept: Record<number, KeyView[]> = {};
  for (const [page, rows] of Object.entries(pages)) {
    if (Number(page) >= first && Number(page) <= last) kept[Number(page)] = rows;
  }
  return kept;
}
let subscribed = false;
/** Actions waiting for the vault to be unlocked. */
let unlockWaiters: Array<(unlocked: boolean) => void> = [];
function settleUnlock(unlocked: boolean): void {
  const waiting = unlockWaiters;
  unlockWaiters = [];
  for (const resolve of waiting) resolve(unlocked);
}

export const keyRef = (key: Pick<KeyView, 'connectionId' | 'id'>) => `${key.connectionId}:${key.id}`;

export const useApp = create<State & Actions>()((set, get) => {
  function fetchPage(page: number) {
    const { selection, query, sort, healthFilter } = get();
    return api.keys.list({
      health: healthFilter ? { kind: healthFilter.kind, days: healthFilter.days } : undefined,
      connectionId: selection.connectionId ?? undefined,
      scopeId: selection.scopeId ?? undefined,
      query: query || undefined,
      sort,
      offset: page * KEY_PAGE,
      limit: KEY_PAGE,
    });
  }

  async function guarded(title: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      get().notify('error', title, asCallError(error).message);
    }
  }

  async function keyAction(key: KeyView, label: string, title: string, work: () => Promise<unknown>) {
    const ref = keyRef(key);
    set((s) => ({ busyKeys: { ...s.busyKeys, [ref]: label } }));
    try {
      await work();
    } catch (error) {
      get().notify('error', title, asCallError(error).message);
    } finally {
      set((s) => {
        const { [ref]: _done, ...rest } = s.busyKeys;
        return { busyKeys: rest };
      });
      await get().loadKeys();
    }
  }

  return {
    ready: false,
    status: null,
    backends: [],
    connections: [],
    scopes: {},
    selection: { connectionId: null, scopeId: null },
    keyPages: {},
    totalKeys: 0,
    keysVersion: 0,
    keysLoading: false,
    selectedKey: null,
    view: 'keys',
    settings: null,
    healthFilter: null,
    vault: null,
    vaultEntries: [],
    lockEpoch: 0,
    query: '',
    sort: { column: 'name', direction: 'asc' },
    banners: [],
    progress: {},
    busyKeys: {},
    modal: { kind: 'none' },
    pendingReveals: [],
    rotations: [],

    async init() {
      if (!subscribed) {
        subscribed = true;
        // Back online: try every connection now instead of waiting for the schedule.
        window.addEventListener('online', () => void api.sync.all().then(() => get().refreshConnections()));
        api.on('connections.changed', () => void get().refreshConnections());
        api.on('app.command', ({ command }) => runAppCommand(command));
        api.on('vault.locked', () =>
          set((s) => {
            // Whatever shows a secret closes: reveal dialogs, the rotation wizard, revealed vault rows.
            const showsSecret = ['reveal', 'rotate', 'resume-rotation'].includes(s.modal.kind);
            return { lockEpoch: s.lockEpoch + 1, vault: s.vault ? { ...s.vault, locked: true } : s.vault, modal: showsSecret ? { kind: 'none' } : s.modal };
          }),
        );
        api.on('vault.unlocked', () => set((s) => ({ vault: s.vault ? { ...s.vault, locked: false } : s.vault })));
        // A secret taken off screen by the lock waits, unseen, to be shown again after unlocking.
        api.on('vault.locked', () => {
          void get().loadPendingReveals();
          void get().loadRotations();
        });
        // The user is here: tell the core, for the vault's idle lock (at most every 30 s).
        let lastPing = 0;
        const activity = () => {
          if (Date.now() - lastPing < 30_000) return;
          lastPing = Date.now();
          void api.app.activity().catch(() => undefined);
        };
        for (const type of ['pointerdown', 'keydown', 'wheel', 'pointermove']) window.addEventListener(type, activity, { passive: true });
        api.on('rotation.changed', () => {
          void get().loadRotations();
          void get().loadPendingReveals();
        });
        api.on('inventory.changed', ({ connectionId }) => {
          const { selection } = get();
          if (selection.connectionId === null || selection.connectionId === connectionId) void get().loadKeys();
          void get().loadScopes(connectionId);
        });
        api.on('sync.progress', ({ connectionId, scopesDone, scopesTotal, keysFetched }) =>
          set((s) => ({ progress: { ...s.progress, [connectionId]: { scopesDone, scopesTotal, keysFetched } } })),
        );
        api.on('sync.finished', ({ connectionId }) =>
          set((s) => {
            const { [connectionId]: _done, ...rest } = s.progress;
            return { progress: rest };
          }),
        );
      }
      await guarded('Keyfleet could not start', async () => {
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

    async refreshConnections() {
      await guarded('Could not load connections', async () => {
        const connections = await api.connections.list();
        set({ connections });
        const { selection } = get();
        if (selection.connectionId && !connections.some((c) => c.id === selection.connectionId)) {
          get().select(connections[0]?.id ?? null, null);
        }
      });
    },

    async loadScopes(connectionId) {
      await guarded('Could not load scopes', async () => {
        const scopes = await api.scopes.list({ connectionId });
        set((s) => ({ scopes: { ...s.scopes, [connectionId]: scopes } }));
      });
    },

    async loadKeys() {
      const version = get().keysVersion + 1;
      set({ keysVersion: version, keysLoading: true });
      await guarded('Could not load keys', async () => {
        const page = await fetchPage(0);
        // A slower, older request must not overwrite a newer answer.
        if (get().keysVersion === version) set({ keyPages: { 0: page.rows }, totalKeys: page.total });
      });
      if (get().keysVersion === version) set({ keysLoading: false });
    },

    async ensureKeys(start, end) {
      // Only the latest range counts: while a batch of pages is on its way, a fling's frames
      // just move the wanted range, and the next batch fetches what is in view when this one
      // lands (no queue of requests for rows long scrolled past).
      wanted = { version: get().keysVersion, start, end };
      if (fetchingPages) return;
      fetchingPages = true;
      try {
        while (wanted) {
          const range: { version: number; start: number; end: number } = wanted;
          wanted = null;
          if (range.version !== get().keysVersion) continue;
          const missing: number[] = [];
          for (let page = Math.floor(range.start / KEY_PAGE); page <= Math.floor(range.end / KEY_PAGE); page++) {
            if (!get().keyPages[page]) missing.push(page);
          }
          await Promise.all(
            missing.map(async (page) => {
              try {
                const result = await fetchPage(page);
                if (get().keysVersion !== range.version) return;
                set((s) => ({ keyPages: nearby({ ...s.keyPages, [page]: result.rows }, wanted ?? range), totalKeys: result.total }));
              } catch (error) {
                get().notify('error', 'Could not load keys', asCallError(error).message);
              }
            }),
          );
        }
      } finally {
        fetchingPages = false;
      }
    },

    selectKey(key) {
      set({ selectedKey: key });
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
      await guarded('Could not read the settings', async () => set({ settings: await api.settings.get() }));
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

    async loadVault() {
      await guarded('Could not read the vault', async () => {
        const [vault, vaultEntries] = await Promise.all([api.vault.status(), api.vault.list()]);
        set({ vault, vaultEntries });
      });
    },

    async lockVault() {
      if (get().status?.mode === 'review') return;
      await guarded('Could not lock the vault', async () => {
        set({ vault: await api.vault.lock() });
      });
    },

    unlockVault() {
      void get().requireUnlocked();
    },

    async confirmUnlock() {
      try {
        set({ vault: await api.vault.unlock(), modal: { kind: 'none' } });
        settleUnlock(true);
        return null;
      } catch (error) {
        return asCallError(error).message;
      }
    },

    async requireUnlocked() {
      const vault = get().vault ?? (await api.vault.status());
      if (!vault.locked) return true;
      // What the user asked for goes ahead once unlocked (or not at all if they keep it locked).
      set({ vault, modal: { kind: 'vault-unlock' } });
      return new Promise<boolean>((resolve) => unlockWaiters.push(resolve));
    },

    openHealthFilter(filter) {
      set({ selection: { connectionId: null, scopeId: null }, view: 'keys', selectedKey: null, healthFilter: filter });
      void get().loadKeys();
    },

    select(connectionId, scopeId = null) {
      set({ selection: { connectionId, scopeId }, view: 'keys', selectedKey: null, healthFilter: null });
      void get().loadKeys();
    },

    setQuery(query) {
      set({ query });
      void get().loadKeys();
    },

    toggleSort(column) {
      const { sort } = get();
      set({
        sort: { column, direction: sort.column === column && sort.direction === 'asc' ? 'desc' : 'asc' },
      });
      void get().loadKeys();
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
      await guarded('Could not remove the connection', async () => {
        await api.connections.remove({ connectionId });
        set((s) => {
          const { [connectionId]: _gone, ...scopes } = s.scopes;
          return { scopes, modal: { kind: 'none' } };
        });
        await get().refreshConnections();
      });
    },

    async createKey(input) {
      try {
        const { key, revealSlotId } = await api.keys.create(input);
        set({ modal: { kind: 'reveal', slotId: revealSlotId, keyLabel: key.localLabel ?? (key.name || key.id) } });
        await Promise.all([get().loadKeys(), get().loadScopes(input.connectionId)]);
        return null;
      } catch (error) {
        return asCallError(error);
      }
    },

    async updateKey(input) {
      try {
        await api.keys.update(input);
        set({ modal: { kind: 'none' } });
        await get().loadKeys();
        return null;
      } catch (error) {
        return asCallError(error);
      }
    },

    async setKeyActive(key, active) {
      await keyAction(key, active ? 'Activating…' : 'Deactivating…', `Could not ${active ? 'activate' : 'deactivate'} “${key.name || key.id}”`, () =>
        api.keys.setActive({ connectionId: key.connectionId, keyId: key.id, active }),
      );
    },

    async hideKey(key) {
      await guarded('Could not hide the row', async () => {
        await api.keys.hide({ connectionId: key.connectionId, keyId: key.id });
      });
      await get().loadKeys();
    },

    async loadRotations() {
      await guarded('Could not load rotations', async () => set({ rotations: await api.rotation.list() }));
    },

    async deleteKey(key) {
      set({ modal: { kind: 'none' } });
      await keyAction(key, 'Deleting…', `Could not delete “${key.name || key.id}”`, async () => {
        await api.keys.delete({ connectionId: key.connectionId, keyId: key.id });
        await get().loadScopes(key.connectionId);
      });
    },

    async loadPendingReveals() {
      await guarded('Could not check for unseen secrets', async () => set({ pendingReveals: await api.reveal.pending() }));
    },

    async showPendingReveal(pending) {
      if (!(await get().requireUnlocked())) return;
      await guarded('Could not show the secret', async () => {
        const { revealSlotId } = await api.reveal.reopen({ operationId: pending.operationId });
        set({ modal: { kind: 'reveal', slotId: revealSlotId, keyLabel: pending.keyId ?? 'new key' } });
      });
      await get().loadPendingReveals();
    },

    open(modal) {
      set({ modal });
    },

    close() {
      const was = get().modal.kind;
      set({ modal: { kind: 'none' } });
      if (was === 'vault-unlock') settleUnlock(false);
      if (was === 'reveal' || was === 'rotate' || was === 'resume-rotation') {
        void get().loadPendingReveals();
        void get().loadRotations();
      }
    },

    notify(tone, title, message) {
      set((s) => ({ banners: [...s.banners.slice(-4), { id: ++bannerId, tone, title, message }] }));
    },

    dismiss(id) {
      set((s) => ({ banners: s.banners.filter((b) => b.id !== id) }));
    },
  };
});
