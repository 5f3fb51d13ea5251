// Reading keys: every page of a list, and the per-workspace lists shared between the organization
// listing (which must leave workspace-scoped keys out) and the workspaces' own listings, so one
// sync asks deepset for each workspace's keys once. The roles list pages the same way.
import { mapLimit } from '../../concurrency.ts';
import { ProviderError } from '../../errors.ts';
import { LIMITS } from '../../limits.ts';
import type { HttpClient } from '../../http/client.ts';
import { checkListing } from '../paging.ts';
import { PAGING, PATHS, ROLE_ID_FIELDS } from './api.ts';
import { pageSchema, parseOrThrow, roleSchema, tokenSchema, type TokenJson, type WorkspaceRole } from './parse.ts';

/** Pages of one list fetched at once after the first (the HTTP client also caps requests per host). */
const PAGE_CONCURRENCY = 4;

/** How long a workspace's list, fetched for one consumer, may serve the other. */
const SHARE_MS = 15_000;

type Consumer = 'organization' | 'workspace';

export function createKeyLists(http: HttpClient) {
  const shared = new Map<string, { at: number; list: Promise<TokenJson[]>; takenBy: Set<Consumer> }>();

  async function page<T>(path: string, what: string, number: number, read: (item: unknown) => [string, T], signal?: AbortSignal) {
    if (number - PAGING.firstPage >= PAGING.maxPages) {
      throw new ProviderError('bad-response', `deepset's paging of ${what} does not end; stopped reading.`);
    }
    const res = await http.request({ method: 'GET', path, query: { limit: PAGING.limit, page_number: number }, signal });
    const body = parseOrThrow(pageSchema, res.body, `a page of ${what}`);
    return { number, hasMore: body.has_more, total: body.total ?? null, items: body.data.map(read) };
  }

  /**
   * Every item of a paged list (page_number from 1, until has_more is false), each id once. The
   * first page tells the total, so the pages after it are fetched together (a few at a time) and
   * kept in page order. If the total moved meanwhile (items added or removed shift every page
   * after them, and pages fetched before and after the shift would skip some), the list is read
   * again page by page, as it is without a total. Any page failing fails the whole list.
   */
  async function everyPage<T>(path: string, what: string, read: (item: unknown) => [string, T], signal?: AbortSignal): Promise<T[]> {
    const byId = new Map<string, T>();
    const keep = (items: Array<[string, T]>) => {
      for (const [id, value] of items) byId.set(id, value);
      checkListing(byId.size, 'deepset', what);
    };
    /** Pages after `from`, one after another, until has_more is false. */
    const pageByPage = async (from: { number: number; hasMore: boolean; items: Array<[string, T]> }) => {
      let current = from;
      while (current.hasMore) {
        if (current.items.length === 0) {
          throw new ProviderError('bad-response', `deepset said more ${what} follow but sent an empty page; stopped reading.`);
        }
        current = await page(path, what, current.number + 1, read, signal);
        keep(current.items);
      }
      return [...byId.values()];
    };

    const first = await page(path, what, PAGING.firstPage, read, signal);
    keep(first.items);
    if (!first.hasMore || first.total === null || first.items.length === 0) return pageByPage(first);
    // Pages fetched together stop at what the listing bound can hold (by the first page's size):
    // past it, page by page, the bound stops the reading one page over, as without a total.
    const fit = Math.floor(LIMITS.keysPerConnection / first.items.length);
    const last = PAGING.firstPage + Math.min(Math.ceil(first.total / PAGING.limit), PAGING.maxPages, fit) - 1;
    const numbers = Array.from({ length: Math.max(0, last - PAGING.firstPage) }, (_, i) => PAGING.firstPage + 1 + i);
    // Counted as they arrive, so a list past the bound stops the fetching (not after every page).
    const arrived = new Set(byId.keys());
    const pages = await mapLimit(numbers, PAGE_CONCURRENCY, async (n) => {
      const fetched = await page(path, what, n, read, signal);
      for (const [id] of fetched.items) arrived.add(id);
      checkListing(arrived.size, 'deepset', what);
      return fetched;
    });
    if (pages.some((p) => p.total !== first.total)) {
      byId.clear();
      const again = await page(path, what, PAGING.firstPage, read, signal);
      keep(again.items);
      return pageByPage(again);
    }
    for (const fetched of pages) keep(fetched.items);
    return pageByPage(pages.at(-1) ?? first);
  }

  function allPages(path: string, what: string, signal?: AbortSignal): Promise<TokenJson[]> {
    return everyPage(path, what, (item) => {
      const key = parseOrThrow(tokenSchema, item, 'a key');
      return [key.api_token_id, key];
    }, signal);
  }

  /** The organization's workspace roles, whichever field names their id. */
  function roles(path: string, signal?: AbortSignal): Promise<WorkspaceRole[]> {
    return everyPage(path, 'roles', (item) => {
      const role = parseOrThrow(roleSchema, item, 'a role');
      const id = ROLE_ID_FIELDS.map((f) => role[f]).find((v): v is string => typeof v === 'string' && v.length > 0);
      if (!id) throw new ProviderError('bad-response', 'deepset sent a role Keyfleet could not read (no role_id or id).');
      return [id, { id, name: role.name || id }];
    }, signal);
  }

  /** The shared list of a workspace's keys for `consumer`: the one fetched moments ago for the other, or a fresh one. */
  function sharedList(workspace: string, consumer: Consumer | undefined, signal?: AbortSignal) {
    const entry = shared.get(workspace);
    if (entry && (consumer === undefined || !entry.takenBy.has(consumer)) && Date.now() - entry.at <= SHARE_MS) return entry;
    const fresh = { at: Date.now(), list: allPages(PATHS.workspaceTokens(workspace), `keys of workspace “${workspace}”`, signal), takenBy: new Set<Consumer>() };
    fresh.list.catch(() => {
      if (shared.get(workspace) === fresh) shared.delete(workspace);
    });
    shared.set(workspace, fresh);
    return fresh;
  }

  /** Starts reading a workspace's keys for both consumers to come (a sync, as soon as it knows the workspace). */
  function startWorkspaceKeys(workspace: string, signal?: AbortSignal): void {
    sharedList(workspace, undefined, signal);
  }

  /** A workspace's keys; a list fetched moments ago for the other consumer is reused once. */
  function workspaceKeys(workspace: string, consumer: Consumer, signal?: AbortSignal): Promise<TokenJson[]> {
    const entry = sharedList(workspace, consumer, signal);
    entry.takenBy.add(consumer);
    if (entry.takenBy.size === 2) shared.delete(workspace);
    return entry.list;
  }

  /**
   * The organization's own keys: its list (`started` already, or read now) minus the keys scoped
   * exclusively to a workspace.
   */
  async function organizationKeys(workspaces: string[], signal?: AbortSignal, started?: Promise<TokenJson[]>): Promise<TokenJson[]> {
    const [all, ...perWorkspace] = await Promise.all([
      started ?? allPages(PATHS.tokens, 'keys', signal),
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

  return { allPages, roles, workspaceKeys, startWorkspaceKeys, organizationKeys, firstPage };
}
