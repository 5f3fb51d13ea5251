// Reading keys: every page of a list, and the per-workspace lists shared between the organization
// listing (which must leave workspace-scoped keys out) and the workspaces' own listings, so one
// sync asks deepset for each workspace's keys once.
import { ProviderError } from '../../errors.ts';
import { mapLimit } from '../../concurrency.ts';
import type { HttpClient } from '../../http/client.ts';
import { PAGING, PATHS } from './api.ts';
import { pageSchema, parseOrThrow, tokenSchema, type TokenJson } from './parse.ts';

/** Pages of one list fetched at once after the first (the HTTP client also caps requests per host). */
const PAGE_CONCURRENCY = 4;

/** How long a workspace's list, fetched for one consumer, may serve the other. */
const SHARE_MS = 15_000;

type Consumer = 'organization' | 'workspace';

export function createKeyLists(http: HttpClient) {
  const shared = new Map<string, { at: number; list: Promise<TokenJson[]>; takenBy: Set<Consumer> }>();

  async function page(path: string, what: string, number: number, signal?: AbortSignal) {
    if (number - PAGING.firstPage >= PAGING.maxPages) {
      throw new ProviderError('bad-response', `deepset's paging of ${what} does not end; stopped reading.`);
    }
    const res = await http.request({ method: 'GET', path, query: { limit: PAGING.limit, page_number: number }, signal });
    const body = parseOrThrow(pageSchema, res.body, `a page of ${what}`);
    return { hasMore: body.has_more, total: body.total ?? null, keys: body.data.map((item) => parseOrThrow(tokenSchema, item, 'a key')) };
  }

  /** Pages from `number` on, one after another, until has_more is false. */
  async function pageByPage(path: string, what: string, from: { number: number; hasMore: boolean; empty: boolean }, keep: (keys: TokenJson[]) => void, signal?: AbortSignal) {
    let { number, hasMore, empty } = from;
    while (hasMore) {
      if (empty) throw new ProviderError('bad-response', `deepset said more ${what} follow but sent an empty page; stopped reading.`);
      const next = await page(path, what, ++number, signal);
      keep(next.keys);
      ({ hasMore } = next);
      empty = next.keys.length === 0;
    }
  }

  /**
   * Every key of a paged list, each id once. The first page tells the total, so the pages after it
   * are fetched together (a few at a time), kept in page order. If the total moved meanwhile (keys
   * added or removed shift every page after them, and pages fetched before and after the shift
   * would skip some), the list is read again page by page, as it is without a total. Any page
   * failing fails the whole list: nothing partial reaches the cache.
   */
  async function allPages(path: string, what: string, signal?: AbortSignal): Promise<TokenJson[]> {
    const byId = new Map<string, TokenJson>();
    const keep = (keys: TokenJson[]) => {
      for (const key of keys) byId.set(key.api_token_id, key);
    };
    const first = await page(path, what, PAGING.firstPage, signal);
    keep(first.keys);
    const start = { number: PAGING.firstPage, hasMore: first.hasMore, empty: first.keys.length === 0 };
    if (!first.hasMore || first.total === null || first.keys.length === 0) {
      await pageByPage(path, what, start, keep, signal);
      return [...byId.values()];
    }
    const last = PAGING.firstPage + Math.min(Math.ceil(first.total / PAGING.limit), PAGING.maxPages) - 1;
    const numbers = Array.from({ length: Math.max(0, last - PAGING.firstPage) }, (_, i) => PAGING.firstPage + 1 + i);
    const pages = await mapLimit(numbers, PAGE_CONCURRENCY, (n) => page(path, what, n, signal));
    if (pages.some((p) => p.total !== first.total)) {
      byId.clear();
      const again = await page(path, what, PAGING.firstPage, signal);
      keep(again.keys);
      await pageByPage(path, what, { number: PAGING.firstPage, hasMore: again.hasMore, empty: again.keys.length === 0 }, keep, signal);
      return [...byId.values()];
    }
    for (const fetched of pages) keep(fetched.keys);
    const end = pages.at(-1) ?? first;
    await pageByPage(path, what, { number: last, hasMore: end.hasMore, empty: end.keys.length === 0 }, keep, signal);
    return [...byId.values()];
  }

  /** A workspace's keys; a list fetched moments ago for the other consumer is reused once. */
  function workspaceKeys(workspace: string, consumer: Consumer, signal?: AbortSignal): Promise<TokenJson[]> {
    let entry = shared.get(workspace);
    if (!entry || entry.takenBy.has(consumer) || Date.now() - entry.at > SHARE_MS) {
      const fresh = { at: Date.now(), list: allPages(PATHS.workspaceTokens(workspace), `keys of workspace “${workspace}”`, signal), takenBy: new Set<Consumer>() };
      fresh.list.catch(() => {
        if (shared.get(workspace) === fresh) shared.delete(workspace);
      });
      shared.set(workspace, fresh);
      entry = fresh;
    }
    entry.takenBy.add(consumer);
    if (entry.takenBy.size === 2) shared.delete(workspace);
    return entry.list;
  }

  /** The organization's own keys: its list minus the keys scoped exclusively to a workspace. */
  async function organizationKeys(workspaces: string[], signal?: AbortSignal): Promise<TokenJson[]> {
    const [all, ...perWorkspace] = await Promise.all([
      allPages(PATHS.tokens, 'keys', signal),
      ...workspaces.map((name) => workspaceKeys(name, 'organization', signal)),
    ]);
    const inWorkspace = new Set(perWorkspace.flat().map((key) => key.api_token_id));
    return all.filter((key) => !inWorkspace.has(key.api_token_id));
  }

  /** One key of the organization's list: proves the credential may list keys, cheaply. */
  async function firstPage(): Promise<void> {
    const res = await http.request({ method: 'GET', path: PATHS.tokens, query: { limit: 1, page_number: PAGING.firstPage } });
    parseOrThrow(pageSchema, res.body, 'the list of keys');
  }

  return { allPages, workspaceKeys, organizationKeys, firstPage };
}
