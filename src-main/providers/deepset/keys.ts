// Reading keys: every page of a list, and the per-workspace lists shared between the organization
// listing (which must leave workspace-scoped keys out) and the workspaces' own listings, so one
// sync asks deepset for each workspace's keys once. The roles list pages the same way.
import { ProviderError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { checkListing } from '../paging.ts';
import { PAGING, PATHS, ROLE_ID_FIELDS } from './api.ts';
import { pageSchema, parseOrThrow, roleSchema, tokenSchema, type TokenJson, type WorkspaceRole } from './parse.ts';

/** How long a workspace's list, fetched for one consumer, may serve the other. */
const SHARE_MS = 15_000;

type Consumer = 'organization' | 'workspace';

export function createKeyLists(http: HttpClient) {
  const shared = new Map<string, { at: number; list: Promise<TokenJson[]>; takenBy: Set<Consumer> }>();

  /** Every item of a paged list (page_number from 1, until has_more is false), each id once. */
  async function everyPage<T>(path: string, what: string, read: (item: unknown) => [string, T], signal?: AbortSignal): Promise<T[]> {
    const byId = new Map<string, T>();
    for (let page = PAGING.firstPage; ; page++) {
      if (page - PAGING.firstPage >= PAGING.maxPages) {
        throw new ProviderError('bad-response', `deepset's paging of ${what} does not end; stopped reading.`);
      }
      const res = await http.request({ method: 'GET', path, query: { limit: PAGING.limit, page_number: page }, signal });
      const body = parseOrThrow(pageSchema, res.body, `a page of ${what}`);
      for (const item of body.data) {
        const [id, value] = read(item);
        byId.set(id, value);
      }
      checkListing(byId.size, 'deepset', what);
      if (!body.has_more) return [...byId.values()];
      if (body.data.length === 0) {
        throw new ProviderError('bad-response', `deepset said more ${what} follow but sent an empty page; stopped reading.`);
      }
    }
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

  return { allPages, roles, workspaceKeys, organizationKeys, firstPage };
}
