// The renderer's state: one zustand store made of slices by concern (types.ts has their shapes).
// It mirrors what the core reports (connections, scopes, the pages of keys the table has scrolled
// to) plus what is on screen (selection, filter, dialogs, banners). It is never persisted, and it
// never holds a secret: a reveal dialog reads its secret into its own component state.
import { create } from 'zustand';
import { createAppSlice } from './app-slice.ts';
import { createBannersSlice } from './banners-slice.ts';
import { createConnectionsSlice } from './connections-slice.ts';
import { createDialogsSlice } from './dialogs-slice.ts';
import { createKeysSlice } from './keys-slice.ts';
import type { AppStore } from './types.ts';
import { createVaultSlice } from './vault-slice.ts';

export type { AppStore, Banner, Modal, SyncProgress } from './types.ts';
export { KEY_PAGE, keyRef } from './keys-slice.ts';

export const useApp = create<AppStore>()((set, get) => ({
  ...createAppSlice(set, get),
  ...createConnectionsSlice(set, get),
  ...createKeysSlice(set, get),
  ...createDialogsSlice(set, get),
  ...createVaultSlice(set, get),
  ...createBannersSlice(set, get),
}));

// Banners belong to the view they are about: leaving a view takes its banners away.
useApp.subscribe((state, previous) => {
  if (state.view !== previous.view && state.banners.some((b) => b.view === previous.view)) {
    useApp.setState({ banners: state.banners.filter((b) => b.view !== previous.view) });
  }
});
