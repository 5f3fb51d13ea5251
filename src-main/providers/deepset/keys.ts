// Reading keys: every page of a list, and the per-workspace lists shared between the organization
// listing (which must leave workspace-scoped keys out) and the workspaces' own listings, so one
// sync asks deepset for each workspace's keys once. The roles list pages the same way.
import { mapLimit } from '../../concurrency.ts';
import { ProviderError } from '../../errors.ts';
import { LIMITS } from '../../limits.ts';
import type { HttpClient } from '../../http/client.ts';
import { checkListing, digestToAsk } from '../paging.ts';
import type { PageMemo } from '../types.ts';
import { PAGING, PATHS, ROLE_ID_FIELDS } from './api.ts';
import { pageSchema, parseOrThrow, roleSchema, tokenSchema, type TokenJson, type WorkspaceRole } from './parse.ts';

/** Pages of one list fetched at once after the first (the HTTP client also caps requests per host). */
const PAGE_CONCURRENCY = 4;

/** How long a workspace's list, fetched for one consumer, may serve the other. */
const SHARE_MS = 15_000;

type Consumer = 'organization' | 'workspace';

/** What a sync keeps of each page of a list (ListOptions.pages): its digest, and what it told of the list. */
export interface PageMeta {
  digest: string;
  hasMore: boolean;
  total: number | null;
  count: number;
}

/** A list read in full: its pages as a sync keeps them, whether each was the one kept, and its items (read only when asked for). */
export interface Listed<T> {
  pages: PageMeta[];
  unchanged: boolean;
  values(): T[];
}

/** A sync's names for the parts of a deepset listing (ListOptions.pages): the organization's keys, each workspace's. */
export const ORGANIZATION_PART = 'organization';
export const workspacePart = (name: string) => `workspace:${name}`;

/** What a part keeps (KnownPart.after): its list's pages, the workspaces left out of the organization's, the roles its keys were named from. */
export interface PartAfter {
  pages: PageMeta[];
  workspaces: string[];
  roles: string;
}

/** A part's pages as the last sync kept them; none: every page is asked for with its digest all the same. */
export const knownPages = (pages: PageMemo, part: string): readonly PageMeta[] => (pages.known(part)?.after as PartAfter | undefined)?.pages ?? [];

interface Page<T> extends PageMeta {
  number: number;
  /** Byte for byte the page kept: its items are parsed only if asked for. */
  unchanged: boolean;
  items(): Array<[string, T]>;
}

export function createKeyLists(http: HttpClient) {
  const shared = new Map<string, { at: number; list: Promise<Listed<TokenJson>>; takenBy: Set<Consumer> }>();

  async function page<T>(path: string, what: string, number: number, read: (item: unknown) => [string, T], signal?: AbortSignal, asking?: PageMeta | true): Promise<Page<T>> {
    if (number - PAGING.firstPage >= PAGING.maxPages) {
      throw new ProviderError('bad-response', `deepset's paging of ${what} does not end; stopped reading.`);
    }
    const res = await http.request({ method: 'GET', path, query: { limit: PAGING.limit, page_number: number }, signal, digest: digestToAsk(asking) });
    const parse = () => parseOrThrow(pageSchema, res.body, `a page of ${what}`);
    if (res.unchanged && typeof asking === 'object') {
      // The page the last sync read: what it told is known, its items are read only if needed.
      let items: Array<[string, T]> | undefined;
      return { ...asking, number, unchanged: true, items: () => (items ??= parse().data.map(read)) };
    }
    const body = parse();
    const items = body.data.map(read);
    return { number, digest: res.digest ?? '', hasMore: body.has_more, total: body.total ?? null, count: items.length, unchanged: false, items: () => items };
  }

  /**
   * Every item of a paged list (page_number from 1, until has_more is false), each id once. The
   * first page tells the total, so the pages after it are fetched together (a few at a time) and
   * kept in page order. If the total moved meanwhile (items added or removed shift every page
   * after them, and pages fetched before and after the shift would skip some), the list is read
   * again page by page, as it is without a total. Any page failing fails the whole list. With
   * `known` (a sync's; ListOptions.pages), each page is asked for with its digest and one byte
   * for byte the same is not read unless its items are asked for.
   */
  async function everyPage<T>(path: string, what: string, read: (item: unknown) => [string, T], signal?: AbortSignal, known?: readonly PageMeta[]): Promise<Listed<T>> {
    const fetch = (n: number) => page(path, what, n, read, signal, known ? (known[n - PAGING.firstPage] ?? true) : undefined);
    let pages: Array<Page<T>> = [];
    // Counted as pages arrive (ids where read, a page's count where not), so a list past the
    // bound stops the fetching, not after every page.
    const seen = new Set<string>();
    let unread = 0;
    const count = (p: Page<T>) => {
      if (p.unchanged) unread += p.count;
      else for (const [id] of p.items()) seen.add(id);
      checkListing(seen.size + unread, 'deepset', what);
      return p;
    };
    /** Pages after `from`, one after another, until has_more is false. */
    const pageByPage = async (from: Page<T>) => {
      let current = from;
      while (current.hasMore) {
        if (current.count === 0) {
          throw new ProviderError('bad-response', `deepset said more ${what} follow but sent an empty page; stopped reading.`);
        }
        current = count(await fetch(current.number + 1));
        pages.push(current);
      }
    };

    const first = count(await fetch(PAGING.firstPage));
    pages.push(first);
    if (!first.hasMore || first.total === null || first.count === 0) await pageByPage(first);
    else {
      // Pages fetched together stop at what the listing bound can hold (by the first page's size):
      // past it, page by page, the bound stops the reading one page over, as without a total.
      const fit = Math.floor(LIMITS.keysPerConnection / first.count);
      const last = PAGING.firstPage + Math.min(Math.ceil(first.total / PAGING.limit), PAGING.maxPages, fit) - 1;
      const numbers = Array.from({ length: Math.max(0, last - PAGING.firstPage) }, (_, i) => PAGING.firstPage + 1 + i);
      const fetched = await mapLimit(numbers, PAGE_CONCURRENCY, async (n) => count(await fetch(n)));
      if (fetched.some((p) => p.total !== first.total)) {
        seen.clear();
        unread = 0;
        pages = [count(await fetch(PAGING.firstPage))];
      } else for (const p of fetched) pages.push(p);
      await pageByPage(pages.at(-1)!);
    }
    let values: T[] | undefined;
    return {
      pages: pages.map(({ digest, hasMore, total, count: n }) => ({ digest, hasMore, total, count: n })),
      unchanged: known !== undefined && pages.length === known.length && pages.every((p) => p.unchanged),
      values() {
        if (values) return values;
        const byId = new Map<string, T>();
        for (const p of pages) for (const [id, value] of p.items()) byId.set(id, value);
        return (values = [...byId.values()]);
      },
    };
  }

  /** Every key of a list, each page asked for with its digest where `known` (ListOptions.pages). */
  function listing(path: string, what: string, signal?: AbortSignal, known?: readonly PageMeta[]): Promise<Listed<TokenJson>> {
    return everyPage(path, what, (item) => {
      const key = parseOrThrow(tokenSchema, item, 'a key');
      return [key.api_token_id, key];
    }, signal, known);
  }

  async function allPages(path: string, what: string, signal?: AbortSignal): Promise<TokenJson[]> {
    return (await listing(path, what, signal)).values();
  }

  /** The organization's workspace roles, whichever field names their id. */
  async function roles(path: string, signal?: AbortSignal): Promise<WorkspaceRole[]> {
    const listed = await everyPage(path, 'roles', (item) => {
      const role = parseOrThrow(roleSchema, item, 'a role');
      const id = ROLE_ID_FIELDS.map((f) => role[f]).find((v): v is string => typeof v === 'string' && v.length > 0);
      if (!id) throw new ProviderError('bad-response', 'deepset sent a role Keyfleet could not read (no role_id or id).');
      return [id, { id, name: role.name || id }];
    }, signal);
    return listed.values();
  }

  /** The shared list of a workspace's keys for `consumer`: the one fetched moments ago for the other, or a fresh one. */
  function sharedList(workspace: string, consumer: Consumer | undefined, signal?: AbortSignal, known?: readonly PageMeta[]) {
    const entry = shared.get(workspace);
    if (entry && (consumer === undefined || !entry.takenBy.has(consumer)) && Date.now() - entry.at <= SHARE_MS) return entry;
    const fresh = { at: Date.now(), list: listing(PATHS.workspaceTokens(workspace), `keys of workspace “${workspace}”`, signal, known), takenBy: new Set<Consumer>() };
    fresh.list.catch(() => {
      if (shared.get(workspace) === fresh) shared.delete(workspace);
    });
    shared.set(workspace, fresh);
    return fresh;
  }

  /** Starts reading a workspace's keys for both consumers to come (a sync, as soon as it knows the workspace). */
  function startWorkspaceKeys(workspace: string, signal?: AbortSignal, known?: readonly PageMeta[]): void {
    sharedList(workspace, undefined, signal, known);
  }

  /** A workspace's keys; a list fetched moments ago for the other consumer is reused once. */
  function workspaceKeys(workspace: string, consumer: Consumer, signal?: AbortSignal, known?: readonly PageMeta[]): Promise<Listed<TokenJson>> {
    const entry = sharedList(workspace, consumer, signal, known);
    entry.takenBy.add(consumer);
    if (entry.takenBy.size === 2) shared.delete(workspace);
    return entry.list;
  }

  /**
   * The organization's own keys: its list (`started` already, or read now) minus the keys scoped
   * exclusively to a workspace. Unchanged when its list and every workspace's are.
   */
  async function organizationKeys(
    workspaces: Array<{ name: string; known?: readonly PageMeta[] }>,
    signal?: AbortSignal,
    started?: Promise<Listed<TokenJson>>,
    known?: readonly PageMeta[],
  ): Promise<Listed<TokenJson>> {
    const [all, ...perWorkspace] = await Promise.all([
      started ?? listing(PATHS.tokens, 'keys', signal, known),
      ...workspaces.map((w) => workspaceKeys(w.name, 'organization', signal, w.known)),
    ]);
    return {
      pages: all.pages,
      unchanged: all.unchanged && perWorkspace.every((list) => list.unchanged),
      values() {
        const inWorkspace = new Set(perWorkspace.flatMap((list) => list.values().map((key) => key.api_token_id)));
        return all.values().filter((key) => !inWorkspace.has(key.api_token_id));
      },
    };
  }

  /** One key of the organization's list: proves the credential may list keys, cheaply. */
  async function firstPage(): Promise<void> {
    const res = await http.request({ method: 'GET', path: PATHS.tokens, query: { limit: 1, page_number: PAGING.firstPage } });
    parseOrThrow(pageSchema, res.body, 'the list of keys');
  }

  return { allPages, listing, roles, workspaceKeys, startWorkspaceKeys, organizationKeys, firstPage };
}
