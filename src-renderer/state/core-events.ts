// What the core reports without being asked — syncs, inventory changes, the vault's lock,
// rotations — folded into the store, plus the activity pings the vault's idle lock needs.
import { api } from '../app/bridge.ts';
import type { GetState, SetState } from './types.ts';

let subscribed = false;

/** Subscribes once per window, however often it is called. */
export function followCoreEvents(set: SetState, get: GetState): void {
  if (subscribed) return;
  subscribed = true;
  // Back online: try every connection now instead of waiting for the schedule.
  window.addEventListener('online', () => void get().syncAll('failures'));
  api.on('connections.changed', () => void get().refreshConnections());
  api.on('vault.locked', () =>
    set((s) => {
      // Whatever shows a secret closes: reveal dialogs, the rotation wizard, revealed vault rows.
      const showsSecret = ['reveal', 'rotate', 'resume-rotation'].includes(s.modal.kind);
      // Locked means locked: the entries' names, services, tags and links go too.
      return {
        lockEpoch: s.lockEpoch + 1,
        vault: s.vault ? { ...s.vault, locked: true } : s.vault,
        vaultEntries: [],
        modal: showsSecret || (s.modal.kind.startsWith('vault-') && s.modal.kind !== 'vault-unlock') ? { kind: 'none' } : s.modal,
      };
    }),
  );
  api.on('vault.unlocked', () => void get().loadVault());
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
