// My vault: its status and, only while it is open, its entries' metadata (never a secret); waiting
// for an unlock. A locked vault leaves nothing of its entries here: the core gives out none.
import { api, asCallError } from '../app/bridge.ts';
import { guarded } from './guarded.ts';
import type { GetState, SetState, VaultSlice } from './types.ts';

/** Actions waiting for the vault to be unlocked. */
let unlockWaiters: Array<(unlocked: boolean) => void> = [];

/** Lets the actions that waited for an unlock go ahead (or not, if the user kept it locked). */
export function settleUnlock(unlocked: boolean): void {
  const waiting = unlockWaiters;
  unlockWaiters = [];
  for (const resolve of waiting) resolve(unlocked);
}

export function createVaultSlice(set: SetState, get: GetState): VaultSlice {
  return {
    vault: null,
    vaultEntries: [],
    lockEpoch: 0,

    async loadVault() {
      await guarded(get, 'Could not read the vault', async () => {
        const vault = await api.vault.status();
        const open = vault.passphrase === 'set' && !vault.locked;
        try {
          set({ vault, vaultEntries: open ? await api.vault.list() : [] });
        } catch (error) {
          // It locked between the two calls (idle, the screen, another window): a state, not a failure.
          if (asCallError(error).kind !== 'locked') throw error;
          set({ vault: await api.vault.status(), vaultEntries: [] });
        }
      });
    },

    async lockVault() {
      if (get().status?.mode === 'review') return;
      await guarded(get, 'Could not lock the vault', async () => {
        set({ vault: await api.vault.lock(), vaultEntries: [] });
      });
    },

    unlockVault() {
      void get().requireUnlocked();
    },

    async unlockWith(input) {
      try {
        const vault = await api.vault.unlock(input);
        set((s) => ({ vault, modal: s.modal.kind === 'vault-unlock' ? { kind: 'none' } : s.modal }));
        settleUnlock(true);
        await get().loadVault();
        return null;
      } catch (error) {
        return asCallError(error);
      }
    },

    async requireUnlocked() {
      const vault = get().vault ?? (await api.vault.status());
      if (!vault.locked) return true;
      // What the user asked for goes ahead once unlocked (or not at all if they keep it locked).
      set({ vault, modal: { kind: 'vault-unlock' } });
      return new Promise<boolean>((resolve) => unlockWaiters.push(resolve));
    },
  };
}
