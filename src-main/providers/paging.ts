// Listings a backend pages through are bounded like everything else it sends: a listing longer
// than one connection may hold stops there, as a bad response that names the limit, instead of
// reading an endless pagination to the end of memory. Pages are added item by item: a spread
// (`push(...page)`) of a long page would overflow the call's argument list.
import { ProviderError } from '../errors.ts';
import { formatCount, LIMITS } from '../limits.ts';
import { nextTurn } from '../concurrency.ts';
import type { HttpClient, HttpResponse } from '../http/client.ts';
import type { RemoteKey } from '../model.ts';
import type { PageMemo } from './types.ts';

/** Refuses a listing of more than LIMITS.keysPerConnection items. */
export function checkListing(size: number, backend: string, what: string): void {
  if (size > LIMITS.keysPerConnection) {
    throw new ProviderError(
      'bad-response',
      `${backend} listed more than ${formatCount(LIMITS.keysPerConnection)} ${what} for this connection, more than Keyfleet reads from one connection; it stopped reading.`,
    );
  }
}

/** Appends one page to a listing, within the limit. */
export function addPage<T>(listing: T[], page: readonly T[], backend: string, what: string): void {
  checkListing(listing.length + page.length, backend, what);
  for (const item of page) listing.push(item);
}

/** Items read between two turns of the event loop (a backend's 10,000-key answer must not hold the main thread). */
export const ITEMS_PER_TURN = 100;


/** Maps a long list 100 items at a time, letting the event loop turn in between. */
export async function mapInTurns<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % ITEMS_PER_TURN === 0) await nextTurn();
    out[i] = fn(items[i]!);
  }
  return out;
}

/**
 * What a sync's page request asks (HttpRequest.digest): nothing (no `known`, a read outside a
 * sync), the answer's digest (`true`: a page the last sync did not keep), or whether the answer is
 * still the one the last sync kept.
 */
export const digestToAsk = (known: true | { digest: string } | undefined): true | string | undefined =>
  known === undefined || known === true ? known : known.digest;

/**
 * A listing of one answer as one part of a sync's listing (ListOptions.pages), named by its path:
 * an answer byte for byte the last sync's is handed over as the same keys, not read again. Every
 * key is handed over: listKeys returns what this returns, nothing.
 */
export async function readWholeList(http: HttpClient, path: string, pages: PageMemo, keysOf: (res: HttpResponse) => Promise<RemoteKey[]>, signal?: AbortSignal): Promise<RemoteKey[]> {
  const res = await http.request({ method: 'GET', path, digest: digestToAsk(pages.known(path) ?? true), signal });
  if (res.unchanged) await pages.same(path);
  else await pages.read(path, { digest: res.digest!, after: null }, await keysOf(res));
  return [];
}
