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

/**
 * Turns of the event loop handed out by priority (lowest first; equal ones in the order asked):
 * pieces of work from several jobs interleave with I/O one piece per turn, but the earliest job's
 * pieces go first, so jobs finish one after another instead of all together at the end.
 */
export function createTurns() {
  const waiting: Array<{ priority: number; seq: number; resolve: () => void }> = [];
  let seq = 0;
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    let best = 0;
    for (let i = 1; i < waiting.length; i++) {
      const w = waiting[i]!;
      const b = waiting[best]!;
      if (w.priority < b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
    }
    const [next] = waiting.splice(best, 1);
    next?.resolve();
    if (waiting.length > 0) schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  };
  return {
    /** Resolves on a later turn, once no piece of a lower `priority` waits. */
    turn(priority: number): Promise<void> {
      return new Promise<void>((resolve) => {
        waiting.push({ priority, seq: seq++, resolve });
        schedule();
      });
    },
  };
}
