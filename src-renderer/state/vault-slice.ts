// My vault: whether it is locked, its entries' metadata (never a secret), and waiting for an unlock.
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
        const [vault, vaultEntries] = await Promise.all([api.vault.status(), api.vault.list()]);
        set({ vault, vaultEntries });
      });
    },

    async lockVault() {
      if (get().status?.mode === 'review') return;
      await guarded(get, 'Could not lock the vault', async () => {
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
  };
}
