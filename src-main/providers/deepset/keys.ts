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

  /**
   * Every key of a paged list, each id once. The first page tells the total, so the pages after it
   * are fetched together (a few at a time); without a total, or when more keys follow the last
   * page counted, pages are read one after another until has_more is false. Any page failing
   * fails the whole list: nothing partial reaches the cache.
   */
  async function allPages(path: string, what: string, signal?: AbortSignal): Promise<TokenJson[]> {
    const byId = new Map<string, TokenJson>();
    const keep = (keys: TokenJson[]) => {
      for (const key of keys) byId.set(key.api_token_id, key);
    };
    let current = await page(path, what, PAGING.firstPage, signal);
    keep(current.keys);
    let number = PAGING.firstPage;
    if (current.hasMore && current.total !== null && current.keys.length > 0) {
      const last = PAGING.firstPage + Math.min(Math.ceil(current.total / PAGING.limit), PAGING.maxPages) - 1;
      const numbers = Array.from({ length: Math.max(0, last - PAGING.firstPage) }, (_, i) => PAGING.firstPage + 1 + i);
      const pages = await mapLimit(numbers, PAGE_CONCURRENCY, (n) => page(path, what, n, signal));
      // In page order, whatever order they arrived in.
      for (const fetched of pages) keep(fetched.keys);
      if (pages.length > 0) current = pages.at(-1)!;
      number = last;
    }
    while (current.hasMore) {
      if (current.keys.length === 0) {
        throw new ProviderError('bad-response', `deepset said more ${what} follow but sent an empty page; stopped reading.`);
      }
      current = await page(path, what, ++number, signal);
      keep(current.keys);
    }
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
