// What a core does at start about work that cores which are gone left unfinished (a crash, a
// kill, a quit mid-sync). Work a live core (the desktop app beside a command-line run) is doing
// is left alone: it is marked with that core's id (store/instances.ts).
import type { Logger } from './log.ts';
import { AWAITING_REVEAL } from './services/reveal.ts';
import type { Store } from './store/index.ts';

export function recoverFromPreviousRun(store: Store, now: () => number, log: Logger): void {
  const abandoned = store.syncRuns.abandonUnfinished(now());
  if (abandoned > 0) log.warn('sync.abandoned', { count: abandoned });
  for (const op of store.journal.pending()) {
    // A composed rotation, or one of a connection's own credential, is resumed or rolled back by its service.
    if ((op.kind === 'rotate' && op.input.mode === 'composed') || op.kind === 'rotate-credential') continue;
    if (!store.journal.claim(op)) continue;
    if (op.step === AWAITING_REVEAL || op.step === 'created') {
      // The backend made the key and its secret is held in the keychain: done, still to be seen.
      store.journal.complete(op.id, now(), op.keyId, AWAITING_REVEAL);
      continue;
    }
    store.journal.fail(
      op.id,
      now(),
      'unavailable',
      'Keyfleet stopped before this operation finished; sync the connection to see whether it took effect.',
    );
    log.warn('operation.interrupted', { operationId: op.id, kind: op.kind });
  }
}
