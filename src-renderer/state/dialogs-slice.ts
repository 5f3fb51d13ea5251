// The dialog on screen, and the unfinished work dialogs resume: rotations and secrets not yet seen.
import { api } from '../app/bridge.ts';
import { guarded } from './guarded.ts';
import type { DialogsSlice, GetState, SetState } from './types.ts';
import { settleUnlock } from './vault-slice.ts';

export function createDialogsSlice(set: SetState, get: GetState): DialogsSlice {
  return {
    modal: { kind: 'none' },
    pendingReveals: [],
    rotations: [],

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

    async loadRotations() {
      await guarded(get, 'Could not load rotations', async () => set({ rotations: await api.rotation.list() }));
    },

    async loadPendingReveals() {
      // A reviewed copy holds no secret to show, and its core refuses to look: nothing to ask.
      if (get().status?.mode === 'review') return;
      await guarded(get, 'Could not check for unseen secrets', async () => set({ pendingReveals: await api.reveal.pending() }));
    },

    async showPendingReveal(pending) {
      if (!(await get().requireUnlocked())) return;
      await guarded(get, 'Could not show the secret', async () => {
        const { revealSlotId } = await api.reveal.reopen({ operationId: pending.operationId });
        set({ modal: { kind: 'reveal', slotId: revealSlotId, keyLabel: pending.keyName ?? 'the new key' } });
      });
      await get().loadPendingReveals();
    },
  };
}
