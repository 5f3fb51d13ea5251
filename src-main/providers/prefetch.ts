// A sync asks for the scopes, then for each scope's keys: over a network, waiting for every scope
// check before asking for the first key list costs round trips the backend does not need. An
// adapter that can start reading a scope's keys (their first page) while it still reads the scopes
// starts it here, tied to the sync's signal (ListOptions), and the same sync's listKeys takes it,
// once. A listKeys without that signal (a rotation, a connection check) never gets a list read
// before its own call.

export interface Prefetch<T> {
  /** Starts reading `key` for the run with `signal`; nothing without a signal. */
  start(signal: AbortSignal | undefined, key: string, read: (signal: AbortSignal) => Promise<T>): void;
  /** The list started for `key` by the run with `signal`, handed out once. */
  take(signal: AbortSignal | undefined, key: string): Promise<T> | undefined;
  /** Stops and forgets every list not taken yet (the scopes could not be read). */
  drop(): void;
}

export function createPrefetch<T>(): Prefetch<T> {
  let run: { signal: AbortSignal; lists: Map<string, { list: Promise<T>; stop: AbortController }> } | undefined;
  /** Lists already taken are the taker's: only the others are stopped. */
  const drop = () => {
    for (const { stop } of run?.lists.values() ?? []) stop.abort();
    run = undefined;
  };
  return {
    start(signal, key, read) {
      if (!signal || signal.aborted) return;
      if (run?.signal !== signal) {
        drop();
        const current = { signal, lists: new Map<string, { list: Promise<T>; stop: AbortController }>() };
        run = current;
        signal.addEventListener('abort', () => run === current && drop(), { once: true });
      }
      const stop = new AbortController();
      const list = read(AbortSignal.any([signal, stop.signal]));
      // Taken by listKeys, or never (a scope found inactive): either way no unhandled rejection.
      list.catch(() => undefined);
      run.lists.set(key, { list, stop });
    },
    take(signal, key) {
      if (!signal || run?.signal !== signal) return undefined;
      const entry = run.lists.get(key);
      run.lists.delete(key);
      return entry?.list;
    },
    drop,
  };
}
