// The command line writes to the database the desktop app has open. SQLite counts commits made by
// other connections (PRAGMA data_version); when that count moves, the core tells its listeners
// what may have changed, as it does for its own writes, so the window shows a rotation, a sync or
// a new key made from a script without being reloaded.
import type { CoreEvents } from './events.ts';
import { AWAITING_REVEAL } from './services/reveal.ts';
import type { Store } from './store/index.ts';

export const OTHER_WRITERS_CHECK_MS = 2000;

export function watchOtherWriters(store: Store, events: CoreEvents, intervalMs = OTHER_WRITERS_CHECK_MS): () => void {
  const version = () => store.db.pragma('data_version', { simple: true }) as number;
  const unfinished = () => new Set([...store.journal.pendingOfKind('rotate'), ...store.journal.withStep(AWAITING_REVEAL)].map((op) => op.id));
  let seen = version();
  let pending = unfinished();
  const timer = setInterval(() => {
    if (!store.db.open) return;
    const now = version();
    if (now === seen) return;
    seen = now;
    events.emit('connections.changed', { connectionId: null });
    for (const connection of store.connections.list()) events.emit('inventory.changed', { connectionId: connection.id });
    // Rotations and unseen secrets that started, moved on, or ended elsewhere.
    const current = unfinished();
    for (const operationId of new Set([...pending, ...current])) events.emit('rotation.changed', { operationId });
    pending = current;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
