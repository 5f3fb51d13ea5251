// Messages at the top of the window: the last five, each dismissable, each shown in the view it is about.
import type { BannersSlice, GetState, SetState } from './types.ts';

let bannerId = 0;

export function createBannersSlice(set: SetState, get: GetState): BannersSlice {
  return {
    banners: [],

    notify(tone, title, message, options = {}) {
      const view = options.view === undefined ? get().view : options.view;
      set((s) => ({ banners: [...s.banners.slice(-4), { id: ++bannerId, tone, title, message, items: options.items, view }] }));
    },

    dismiss(id) {
      set((s) => ({ banners: s.banners.filter((b) => b.id !== id) }));
    },
  };
}
