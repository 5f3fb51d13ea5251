// The core's process keeps its V8 heap close to what it holds. With V8's defaults on a machine with
// plenty of memory, a 100,000-key sync grew the young generation to 128 MB (two 64 MB
// semi-spaces) and let old-space garbage reach twice the live heap before a full collection: a
// 450 MB process holding about 60 MB of live objects (npm run bench). The two heuristics below are
// read by V8 at every collection, so they take effect when set after the process started (the
// heap's maximum sizes are fixed at start, and the desktop app cannot pass its own main process
// command-line flags):
// - --semi-space-growth-factor=1: the young generation keeps its starting size instead of doubling
//   while a sync allocates fast. More short collections, each cheap (they copy only what survives).
// - --heap-growing-percent: a full collection starts once the old generation has grown this much
//   past what survived the last one (V8 otherwise picks 10–300 % from its speed estimates, which
//   on a fast machine means the top). Marking runs concurrently, on another core.
import { setFlagsFromString } from 'node:v8';

export const HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=50'] as const;

let applied = false;

/** Sets HEAP_FLAGS once per process (the core calls it; V8 flags are the process's). */
export function keepHeapSmall(): void {
  if (applied) return;
  applied = true;
  for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
}
