// Key lists a sync starts while it reads the scopes: handed once to the same sync's listKeys (by
// its signal), never to anyone else, and stopped when the scopes could not be read or the sync
// was cancelled, unless already taken.
import { describe, expect, it } from 'vitest';
import { createPrefetch } from '../../src-main/providers/prefetch.ts';

/** A read that stays open until stopped, reporting whether it was. */
function openRead() {
  const seen: { signal?: AbortSignal } = {};
  const read = (signal: AbortSignal) => {
    seen.signal = signal;
    return new Promise<string>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('stopped')));
      setTimeout(() => resolve('list'), 5);
    });
  };
  return { read, stopped: () => seen.signal?.aborted === true };
}

describe('prefetched key lists', () => {
  it('hands a list to the run that started it, once', async () => {
    const prefetch = createPrefetch<string>();
    const run = new AbortController().signal;
    const { read } = openRead();
    prefetch.start(run, 'account:1a3', read);
    expect(prefetch.take(new AbortController().signal, 'account:1a3')).toBeUndefined();
    expect(prefetch.take(undefined, 'account:1a3')).toBeUndefined();
    await expect(prefetch.take(run, 'account:1a3')).resolves.toBe('list');
    expect(prefetch.take(run, 'account:1a3')).toBeUndefined();
  });

  it('starts nothing without a signal', () => {
    const prefetch = createPrefetch<string>();
    let reads = 0;
    prefetch.start(undefined, 'a', () => Promise.resolve(`${++reads}`));
    expect(reads).toBe(0);
    expect(prefetch.take(undefined, 'a')).toBeUndefined();
  });

  it('stops the lists not taken when dropped, and leaves a taken one running', async () => {
    const prefetch = createPrefetch<string>();
    const run = new AbortController().signal;
    const taken = openRead();
    const left = openRead();
    prefetch.start(run, 'taken', taken.read);
    prefetch.start(run, 'left', left.read);
    const list = prefetch.take(run, 'taken')!;
    prefetch.drop();
    expect(left.stopped()).toBe(true);
    expect(taken.stopped()).toBe(false);
    await expect(list).resolves.toBe('list');
    expect(prefetch.take(run, 'left')).toBeUndefined();
  });

  it('stops the lists not taken when the sync is cancelled, or a new one starts', () => {
    const prefetch = createPrefetch<string>();
    const cancelled = new AbortController();
    const first = openRead();
    prefetch.start(cancelled.signal, 'a', first.read);
    cancelled.abort();
    expect(first.stopped()).toBe(true);
    const next = openRead();
    prefetch.start(new AbortController().signal, 'a', next.read);
    prefetch.start(new AbortController().signal, 'a', openRead().read);
    expect(next.stopped()).toBe(true);
  });
});
