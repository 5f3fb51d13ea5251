// Bounded concurrency for calls that are worth overlapping but not worth flooding a backend with.

/**
 * Runs `fn` over `items`, at most `limit` at a time, and keeps the results in the items' order.
 * After a failure no further item starts; the first failure is thrown once the calls in flight
 * have settled (none is left running behind the caller's back).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return results;
}

/** A counting semaphore: `run` waits for one of `limit` slots. */
export function createLimiter(limit: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await work();
      } finally {
        // The slot passes straight to the next waiter, if any.
        const wake = waiting.shift();
        if (wake) wake();
        else active--;
      }
    },
  };
}

/** Resolves on the next turn of the event loop: long work in pieces lets I/O and other work in between. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
