// What a Rancher sync reads: collections page by page (each next link carries the whole query),
// the environments list that also names the caller's account (X-API-User-Id), the account itself,
// and each environment as a scope.
import { ProviderError } from '../../errors.ts';
import type { HttpClient, HttpResponse } from '../../http/client.ts';
import type { RemoteScope } from '../../model.ts';
import { addPage, digestToAsk } from '../paging.ts';
import type { Identity, KnownPart, PageMemo } from '../types.ts';
import { accountSchema, collectionSchema, parseOrThrow, projectSchema, READ_ONLY_NOTE, schemaSchema, type CollectionJson, type ProjectJson } from './parse.ts';

export const PAGE_SIZE = 1000;
const MAX_PAGES = 10_000;

export interface RancherIdentity extends Identity {
  keyKind: 'account' | 'environment';
  /** An admin account's keys reach every account and environment of the install. */
  admin: boolean;
  projects: ProjectJson[];
}

/** One page of a collection, and the link to the next (which carries the whole query). */
export interface Page {
  items: unknown[];
  next: string | undefined;
  headers: Record<string, string>;
  /** The answer's digest, where it was asked for (a sync's pages; ListOptions.pages). */
  digest?: string;
  /** Byte for byte the page the last sync read: `items` are parsed only if read. */
  unchanged?: boolean;
}

/** What a key page keeps for the next sync (KnownPart.after): its next link, and whether its keys were named privileged. */
export interface KeyPageAfter {
  next: string | null;
  privileged: boolean;
}

/** A sync's name for the `index`th page of a scope's keys (PageMemo). */
export const keyPagePart = (scope: { id: string; kind: string }, index: number) => `${scope.kind}:${scope.id}:${index}`;

/** How to ask for a page: nothing, its digest (true), or the page as the last sync read it. */
type Asking = true | KnownPart | undefined;

export interface Listing {
  accountId: string;
  projects: ProjectJson[];
  /** The environment an environment key belongs to (its id is the caller's account id). */
  own: ProjectJson | undefined;
}

/** cattle serves a project account in these states (AccountDao.isActiveAccount); any other answers 403. */
const ACTIVE_PROJECT_STATES = new Set(['active', 'activating', 'upgrading']);

export const isActive = (p: ProjectJson) => !p.state || ACTIVE_PROJECT_STATES.has(p.state);

const INACTIVE_NOTE =
  'This environment is deactivated in Rancher: Rancher refuses every call into it, so Keyfleet shows its keys as they were at the last sync. Activate it in Rancher to manage them again.';

export const accountScope = (me: RancherIdentity): RemoteScope => ({
  id: me.accountId,
  kind: 'account',
  name: `Account · ${me.accountName}`,
  parentId: null,
  raw: { id: me.accountId, name: me.accountName },
});

export function keysPath(scope: { id: string; kind: string }): string {
  return scope.kind === 'account' ? '/v2-beta/apikeys' : `/v2-beta/projects/${encodeURIComponent(scope.id)}/apikeys`;
}

export function createReads(http: HttpClient) {
  async function readPage(path: string, query: Record<string, string | number | undefined> | undefined, what: string, signal?: AbortSignal, asking?: Asking): Promise<Page> {
    const res: HttpResponse = await http.request({ method: 'GET', path, query, signal, digest: digestToAsk(asking) });
    const collection = (): CollectionJson => parseOrThrow(collectionSchema, res.body, `a list of ${what}`);
    if (res.unchanged && typeof asking === 'object') {
      const { next } = asking.after as KeyPageAfter;
      let items: unknown[] | undefined;
      return { next: next ?? undefined, headers: res.headers, digest: res.digest, unchanged: true, get items() { return (items ??= collection().data); } };
    }
    const { data, pagination } = collection();
    return { items: data, next: pagination?.next ?? undefined, headers: res.headers, digest: res.digest };
  }

  /**
   * Every page of a collection, from its `first` page when that was asked for already: handed to
   * `onPage` one at a time as they arrive, or all returned together.
   */
  async function getCollection(
    path: string,
    query: Record<string, string | number | undefined>,
    what: string,
    signal?: AbortSignal,
    first?: Promise<Page>,
    onPage?: (page: Page, index: number) => Promise<void>,
    asking?: (index: number) => Asking,
  ) {
    const items: unknown[] = [];
    // Pages handed on are bounded by whoever takes them (the sync counts what it keeps).
    const take = (page: Page, index: number) => (onPage ? onPage(page, index) : addPage(items, page.items, 'Rancher', what));
    const visited = new Set<string>([path]);
    let current = await (first ?? readPage(path, query, what, signal, asking?.(0)));
    const { headers } = current;
    await take(current, 0);
    for (let page = 1; current.next; page++) {
      if (page >= MAX_PAGES || visited.has(current.next)) {
        throw new ProviderError('bad-response', `Rancher's pagination of ${what} does not end; stopped reading.`);
      }
      visited.add(current.next);
      current = await readPage(current.next, undefined, what, signal, asking?.(page));
      await take(current, page);
    }
    return { items, headers };
  }

  /** The environments the credential sees, and the account it acts as. */
  async function listing(): Promise<Listing> {
    const { items, headers } = await getCollection('/v2-beta/projects', { limit: PAGE_SIZE }, 'environments');
    // Rancher 1.2 and 1.3 send no X-API-User-Id; on this unscoped call their X-API-Account-Id is the
    // key's own account, as X-API-User-Id is from 1.4 on.
    const userId = headers['x-api-user-id'] || headers['x-api-account-id'];
    if (!userId) {
      throw new ProviderError(
        'bad-response',
        'This address does not answer like a Rancher 1.x server (no X-API-User-Id or X-API-Account-Id header). Check the URL: it should be the Rancher server, e.g. https://rancher.example.com.',
      );
    }
    const projects = items
      .map((item) => parseOrThrow(projectSchema, item, 'an environment'))
      .filter((p) => !p.state || !['removed', 'purged', 'removing', 'purging'].includes(p.state));
    return { accountId: userId, projects, own: projects.find((p) => p.id === userId) };
  }

  /** Who the credential is: an environment key's environment, or an account (looked up for its name and kind). */
  async function identityOf({ accountId: userId, projects, own }: Listing): Promise<RancherIdentity> {
    if (own) {
      return { accountId: userId, accountName: own.name || userId, keyKind: 'environment', admin: false, projects: [own] };
    }
    let accountName = userId;
    let admin = false;
    try {
      const res = await http.request({ method: 'GET', path: `/v2-beta/accounts/${encodeURIComponent(userId)}` });
      const account = parseOrThrow(accountSchema, res.body, 'an account');
      accountName = account.name || userId;
      admin = account.kind === 'admin';
    } catch (error) {
      if (!(error instanceof ProviderError) || !['not-found', 'forbidden'].includes(error.kind)) throw error;
    }
    return { accountId: userId, accountName, keyKind: 'account', admin, projects };
  }

  /**
   * An environment as a scope: inactive ones answer 403 to every call into them; in the others the
   * apiKey schema of the caller's role says whether it may create keys (a read-only member's has
   * no POST, and Rancher answers 405).
   */
  async function environmentScope(p: ProjectJson, signal?: AbortSignal): Promise<RemoteScope> {
    const scope: RemoteScope = {
      id: p.id,
      kind: 'environment',
      name: p.name || p.id,
      parentId: null,
      raw: { id: p.id, name: p.name ?? null, state: p.state ?? null },
    };
    if (!isActive(p)) return { ...scope, inactive: INACTIVE_NOTE };
    try {
      const res = await http.request({ method: 'GET', path: `/v2-beta/projects/${encodeURIComponent(p.id)}/schemas/apiKey`, signal });
      const schema = parseOrThrow(schemaSchema, res.body, 'the API key schema');
      if (schema.collectionMethods && !schema.collectionMethods.includes('POST')) return { ...scope, readOnly: READ_ONLY_NOTE };
    } catch (error) {
      // Deactivated since the list was read: the next sync shows it as such.
      if (error instanceof ProviderError && error.kind === 'forbidden') return { ...scope, inactive: INACTIVE_NOTE };
      throw error;
    }
    return scope;
  }

  // An admin's list holds every account's keys: ask for this scope's (the caller checks each answer).
  const keyQuery = (scope: { id: string }) => ({ accountId: scope.id, limit: PAGE_SIZE });

  /**
   * One scope's keys, every page (from its first page, when that was asked for already), to
   * `onPage` or returned; with `pages`, each page asked for with its digest (ListOptions.pages).
   */
  function keyList(scope: { id: string; kind: string }, signal?: AbortSignal, first?: Promise<Page>, onPage?: (page: Page, index: number) => Promise<void>, pages?: PageMemo) {
    return getCollection(keysPath(scope), keyQuery(scope), 'keys', signal, first, onPage, pages && ((index) => pages.known(keyPagePart(scope, index)) ?? true));
  }

  /** The first page of one scope's keys. */
  function firstKeyPage(scope: { id: string; kind: string }, signal?: AbortSignal, pages?: PageMemo): Promise<Page> {
    return readPage(keysPath(scope), keyQuery(scope), 'keys', signal, pages && (pages.known(keyPagePart(scope, 0)) ?? true));
  }

  return { listing, identityOf, environmentScope, keyList, firstKeyPage };
}
