// Messages at the top of the window: the last five, each dismissable.
import type { BannersSlice, GetState, SetState } from './types.ts';

let bannerId = 0;

export function createBannersSlice(set: SetState, _get: GetState): BannersSlice {
  return {
    banners: [],

    notify(tone, title, message) {
      set((s) => ({ banners: [...s.banners.slice(-4), { id: ++bannerId, tone, title, message }] }));
    },

    dismiss(id) {
      set((s) => ({ banners: s.banners.filter((b) => b.id !== id) }));
    },
  };
}
