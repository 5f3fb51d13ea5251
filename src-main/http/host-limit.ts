// Politeness per backend host, shared by every connection to it in this process: at most
// REQUESTS_PER_HOST requests in flight to one origin, however many connections, scopes and pages
// ask at once. Waiting happens before a request is sent, never while holding a socket; a request
// gives its slot back only once its socket is free for the next one.
import { createLimiter, nextTurn } from '../concurrency.ts';

export const REQUESTS_PER_HOST = 4;

const limiters = new Map<string, ReturnType<typeof createLimiter>>();

/** Runs `work` once one of its origin's request slots is free. */
export function withHostSlot<T>(origin: string, work: () => Promise<T>): Promise<T> {
  let limiter = limiters.get(origin);
  if (!limiter) {
    limiter = createLimiter(REQUESTS_PER_HOST);
    limiters.set(origin, limiter);
  }
  return limiter.run(async () => {
    try {
      return await work();
    } finally {
      // undici hands the socket back a turn after the answer's last byte was read: a request sent
      // before that (the next page, the next request waiting for this slot) would open a new
      // socket, which over TLS costs two or three round trips.
      await nextTurn();
    }
  });
}
