// The key list in view — pages of it around the rows on screen, never the whole inventory — its
// selection, filter and sort, and the actions on single keys.
import type { KeyView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { isolate } from '../app/names.ts';
import { guarded } from './guarded.ts';
import type { GetState, KeysSlice, SetState } from './types.ts';

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

export const keyRef = (key: Pick<KeyView, 'connectionId' | 'id'>) => `${key.connectionId}:${key.id}`;

export function createKeysSlice(set: SetState, get: GetState): KeysSlice {
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
    selection: { connectionId: null, scopeId: null },
    keyPages: {},
    totalKeys: 0,
    keysVersion: 0,
    keysLoading: false,
    selectedKey: null,
    healthFilter: null,
    query: '',
    sort: { column: 'name', direction: 'asc' },
    busyKeys: {},

    async loadKeys() {
      const version = get().keysVersion + 1;
      set({ keysVersion: version, keysLoading: true });
      await guarded(get, 'Could not load keys', async () => {
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
      await keyAction(key, active ? 'Activating…' : 'Deactivating…', `Could not ${active ? 'activate' : 'deactivate'} “${isolate(key.name || key.id)}”`, () =>
        api.keys.setActive({ connectionId: key.connectionId, keyId: key.id, active }),
      );
    },

    async hideKey(key) {
      await guarded(get, 'Could not hide the row', async () => {
        await api.keys.hide({ connectionId: key.connectionId, keyId: key.id });
      });
      await get().loadKeys();
    },

    async deleteKey(key) {
      set({ modal: { kind: 'none' } });
      await keyAction(key, 'Deleting…', `Could not delete “${isolate(key.name || key.id)}”`, async () => {
        await api.keys.delete({ connectionId: key.connectionId, keyId: key.id });
        await get().loadScopes(key.connectionId);
      });
    },
  };
}
