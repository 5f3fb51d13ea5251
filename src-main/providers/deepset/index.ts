// deepset AI Platform adapter: organization and workspace API keys.
// Contract: ../shared/providers/envzero-and-deepset.md Part 2. Files: api.ts (paths and every
// unverified guess), parse.ts (answers), errors.ts (FastAPI errors), credential.ts (user access
// token vs API key), capabilities.ts (actions, create form), keys.ts (lists), create.ts (create),
// twin.ts (a rotation's twin, and what a key's details show).
import { ProviderError } from '../../errors.ts';
import { createHttpClient } from '../../http/client.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import type { CreateKeySpec, CreatedKey, Identity, ListOptions, Provider, ProviderConfig, ProviderModule, TwinPlan } from '../types.ts';
import { PATHS, routeMissing, unsupported } from './api.ts';
import { deepsetCapabilities, typesWithRoles } from './capabilities.ts';
import { createBody, identifyCreated, issuedSecret, secretOf, UNLISTED_PREFIX } from './create.ts';
import { jwtExpiry, looksLikeApiKey, READ_ONLY_NOTE, readOnlyFor } from './credential.ts';
import { CANNOT_MANAGE, describeDeepsetError, SESSION_EXPIRED } from './errors.ts';
import { createKeyLists, knownPages, ORGANIZATION_PART, workspacePart, type Listed, type PartAfter } from './keys.ts';
import { createPrefetch } from '../prefetch.ts';
import { meSchema, organizationSchema, parseOrThrow, personName, toRemoteKey, workspaceListSchema, type MeJson, type TokenJson, type WorkspaceJson, type WorkspaceRole } from './parse.ts';
import { describeDeepsetKey, twinPlanOf } from './twin.ts';

export const REGIONS = { eu: 'https://api.cloud.deepset.ai', us: 'https://api.us.deepset.ai' };

/** Users paste the API base a client shows (…/api or …/api/v1); keep only the server part. */
export function normalizeDeepsetUrl(input: string): string {
  const url = new URL(input);
  const match = /\/api(\/v\d+)?(\/|$)/i.exec(url.pathname);
  const path = match ? url.pathname.slice(0, match.index) : url.pathname;
  url.pathname = path.replace(/\/+$/, '') || '/';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}

interface DeepsetIdentity extends Identity {
  organization: { id: string; name: string; role: string | null };
}

export function createDeepsetProvider(config: ProviderConfig): Provider {
  if (config.credential.type !== 'token') {
    throw new ProviderError('invalid', 'deepset needs a token: a user access token, or an API key for a read-only connection.', {
      fields: { token: 'Required for deepset.' },
    });
  }
  const token = config.credential.token;
  // A stored connection keeps what was decided when it was added; a new one decides now.
  const readOnly = config.settings && 'readOnly' in config.settings ? config.settings.readOnly === true : readOnlyFor(token, config.credentialKind);
  const http = createHttpClient({
    ...config.http,
    baseUrl: normalizeDeepsetUrl(config.baseUrl),
    backendName: 'deepset',
    ca: config.ca,
    headers: { authorization: `Bearer ${token}` },
    describeError: describeDeepsetError({ readOnly: () => readOnly, credential: token }),
  });
  const lists = createKeyLists(http);
  const prefetched = createPrefetch<Listed<TokenJson>>();
  let identity: Promise<DeepsetIdentity> | undefined;
  let workspaceNames: string[] | undefined;
  /** Workspace role id → name, from the last read of the roles list (empty where it cannot be read). */
  let roleNames = new Map<string, string>();
  /** The workspace roles keys were seen to hold. */
  const seenRoles = new Set<string>();
  const remote = (json: TokenJson, scopeId: string) => {
    if (json.role_id) seenRoles.add(json.role_id);
    return toRemoteKey(json, scopeId, roleNames);
  };

  async function readMe(): Promise<MeJson | undefined> {
    for (const path of PATHS.me) {
      try {
        const res = await http.request({ method: 'GET', path });
        return parseOrThrow(meSchema, res.body, 'the signed-in user');
      } catch (error) {
        if (routeMissing(error)) continue;
        // A service API key has no user behind it; its organization is still readable.
        if (error instanceof ProviderError && error.status === 403) return undefined;
        throw error;
      }
    }
    return undefined;
  }

  async function loadIdentity(): Promise<DeepsetIdentity> {
    const me = await readMe();
    const account = me ? { accountId: me.user_id, accountName: personName(me) || me.user_id } : { accountId: 'api-key', accountName: 'API key' };
    if (me?.organization) {
      const { organization_id: id, name, role } = me.organization;
      return { ...account, organization: { id, name, role: role ?? null } };
    }
    try {
      const res = await http.request({ method: 'GET', path: PATHS.organization });
      const org = parseOrThrow(organizationSchema, res.body, 'the organization');
      return { ...account, organization: { id: org.organization_id || org.name, name: org.name, role: null } };
    } catch (error) {
      if (routeMissing(error)) {
        throw unsupported('reading the signed-in user or organization', `GET ${[...PATHS.me, PATHS.organization].join(', GET ')}`);
      }
      throw error;
    }
  }

  const whoami = () => {
    identity ??= loadIdentity().catch((error: unknown) => {
      identity = undefined;
      throw error;
    });
    return identity;
  };

  async function listWorkspaces(signal?: AbortSignal): Promise<WorkspaceJson[]> {
    const res = await http.request({ method: 'GET', path: PATHS.workspaces, signal });
    const workspaces = parseOrThrow(workspaceListSchema, res.body, 'the list of workspaces');
    workspaceNames = workspaces.map((w) => w.name);
    return workspaces;
  }

  function refuseWhenReadOnly(): void {
    if (readOnly) throw new ProviderError('forbidden', READ_ONLY_NOTE);
  }

  /** Whether the credential still reads: tells an expired session from a key that may only read. */
  async function stillReads(): Promise<boolean> {
    const expiry = jwtExpiry(token);
    if (expiry !== undefined && expiry <= Date.now()) return false;
    try {
      await http.request({ method: 'GET', path: PATHS.workspaces });
      return true;
    } catch {
      return false;
    }
  }

  /** A refused create or delete says why: a credential that may only read, or an expired session. */
  async function managing<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ProviderError) || (error.status !== 401 && error.status !== 403)) throw error;
      const apiKey = readOnly || looksLikeApiKey(token);
      const cannot = () =>
        new ProviderError(
          'forbidden',
          `deepset refused to ${action} (HTTP ${error.status}): ${CANNOT_MANAGE}. ${
            apiKey ? 'deepset API keys cannot create, modify or delete keys; reconnect with a user access token.' : 'Managing API keys needs the user access token of an organization Admin.'
          }`,
          { status: error.status },
        );
      if (error.status === 403 || apiKey) throw cannot();
      if (!(await stillReads())) throw new ProviderError('auth', `deepset refused to ${action} (HTTP 401): ${SESSION_EXPIRED}.`, { status: 401 });
      throw cannot();
    }
  }

  /** The organization's workspace roles; none where this server or credential cannot list them. */
  async function workspaceRoles(signal?: AbortSignal): Promise<WorkspaceRole[]> {
    const { organization } = await whoami();
    try {
      const roles = await lists.roles(PATHS.roles(organization.id), signal);
      roleNames = new Map(roles.map((r) => [r.id, r.name]));
      return roles;
    } catch (error) {
      // No such route, not allowed to read roles, or no organization id to ask with (422): the
      // names already known stay.
      if (routeMissing(error) || (error instanceof ProviderError && (error.status === 403 || error.status === 422))) return [...roleNames].map(([id, name]) => ({ id, name }));
      throw error;
    }
  }

  const provider: Provider = {
    kind: 'deepset',
    capabilities: deepsetCapabilities({ readOnly }),

    async verify() {
      const me = await whoami();
      // Every connection lists keys; a credential that cannot is refused now, not at the first sync.
      await lists.firstPage();
      return {
        accountId: me.accountId,
        accountName: me.accountName,
        settings: {
          readOnly,
          credentialKind: readOnly ? 'api-key' : 'user-token',
          target: me.organization.id,
          targetName: me.organization.name,
        },
        organization: { id: me.organization.id, name: me.organization.name },
      };
    },

    // A user access token is the web session's, not a listed key; an API key is listed masked
    // (its first and last four characters), which is how it can be told apart.
    credentialMatch: () => (looksLikeApiKey(token) ? { maskedPrefix: token.slice(0, 4), maskedSuffix: token.slice(-4) } : undefined),

    async listScopes(options?: ListOptions) {
      const signal = options?.signal;
      http.warm(); // a sync's burst of requests starts here
      // The organization's key list needs nothing the scopes tell, and a workspace's only its
      // name: a sync's lists go out with the scopes' reads, not a round trip after them. Whole
      // lists: the organization's own keys are its list minus the workspaces' lists, known only
      // once every page of both is in, so nothing of them is handed over earlier anyway.
      const pages = options?.onKeys && options.pages;
      prefetched.start(signal, 'organization', (listSignal) => lists.listing(PATHS.tokens, 'keys', listSignal, pages ? knownPages(pages, ORGANIZATION_PART) : undefined));
      let workspaces: WorkspaceJson[];
      let organization: DeepsetIdentity['organization'];
      try {
        ({ organization } = await whoami());
        // Fresh every sync: workspaces come and go, and roles are renamed. The roles are read
        // before any key is named, so every key of a sync is named from the same list.
        const named = listWorkspaces(signal).then((found) => {
          if (signal) for (const w of found) lists.startWorkspaceKeys(w.name, signal, pages ? knownPages(pages, workspacePart(w.name)) : undefined);
          return found;
        });
        [workspaces] = await Promise.all([named, workspaceRoles(signal)]);
      } catch (error) {
        prefetched.drop();
        throw error;
      }
      const org: RemoteScope = {
        id: organization.id,
        kind: 'organization',
        name: organization.name,
        parentId: null,
        raw: { organization_id: organization.id, name: organization.name, role: organization.role },
      };
      return [
        org,
        ...workspaces.map((w) => ({
          id: w.name,
          kind: 'workspace',
          name: w.name,
          parentId: organization.id,
          raw: { name: w.name, workspace_id: w.workspace_id ?? null },
        })),
      ];
    },

    async listKeys(scope, options?: ListOptions) {
      const signal = options?.signal;
      const pages = options?.onKeys && options.pages;
      const known = (part: string) => (pages ? knownPages(pages, part) : undefined);
      let part: string;
      let listed: Listed<TokenJson>;
      let workspaces: string[] = [];
      if (scope.kind === 'workspace') {
        part = workspacePart(scope.id);
        listed = await lists.workspaceKeys(scope.id, 'workspace', signal, known(part));
      } else if (scope.kind === 'organization') {
        part = ORGANIZATION_PART;
        workspaces = workspaceNames ?? (await listWorkspaces(signal)).map((w) => w.name);
        const each = workspaces.map((name) => ({ name, known: known(workspacePart(name)) }));
        listed = await lists.organizationKeys(each, signal, prefetched.take(signal, 'organization'), known(part));
      } else return [];
      if (!pages) return listed.values().map((k) => remote(k, scope.id));
      // Keys are named from the roles list: a list the same as the last sync's, named from the same roles, is the same keys.
      const after: PartAfter = { pages: listed.pages, workspaces, roles: JSON.stringify([...roleNames]) };
      const before = pages.known(part)?.after as PartAfter | undefined;
      if (listed.unchanged && before?.roles === after.roles && before.workspaces.join('\n') === workspaces.join('\n')) await pages.same(part);
      else await pages.read(part, { digest: listed.pages.map((p) => p.digest).join(' '), after }, listed.values().map((k) => remote(k, scope.id)));
      return [];
    },

    async twinPlan(key: RemoteKey, scopes: RemoteScope[]): Promise<TwinPlan> {
      const organization = scopes.find((s) => s.kind === 'organization') ?? { id: (await whoami()).organization.id };
      if (typeof key.raw.role_id === 'string') {
        seenRoles.add(key.raw.role_id);
        if (!roleNames.has(key.raw.role_id)) await workspaceRoles();
      }
      return twinPlanOf(key, scopes, organization.id, roleNames);
    },

    async createForm() {
      const roles = await workspaceRoles();
      // Where the roles list cannot be read, the roles keys already hold are offered by their ids.
      const seen = [...seenRoles].filter((id) => !roleNames.has(id)).map((id) => ({ id, label: `Role ${id}` }));
      return { types: typesWithRoles([...roles.map((r) => ({ id: r.id, label: r.name })), ...seen]) };
    },

    async createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey> {
      refuseWhenReadOnly();
      const body = createBody(spec, scope);
      // Every key is made in the organization: a workspace's parent.
      const organizationId = scope.kind === 'organization' ? scope.id : (scope.parentId ?? scope.id);
      const answer = (await managing('create keys', () => http.request({ method: 'POST', path: PATHS.tokens, body }))).body;
      const secret = secretOf(answer);
      const limited = Array.isArray(body.workspaces) ? (body.workspaces as string[]) : [];
      const key = await identifyCreated(http, () => lists.allPages(PATHS.tokens, 'keys'), answer, secret, spec, organizationId, limited);
      return { key, secret: issuedSecret(spec, secret) };
    },

    async deleteKey(key: RemoteKey) {
      refuseWhenReadOnly();
      if (key.id.startsWith(UNLISTED_PREFIX)) {
        throw new ProviderError('not-found', 'deepset has not listed this new key yet, so its id is unknown; sync, then delete it.');
      }
      try {
        await managing('delete keys', () => http.request({ method: 'DELETE', path: PATHS.token(key.id) }));
      } catch (error) {
        if (!(error instanceof ProviderError) || error.status !== 404) throw error;
        // Gone — unless a workspace key is still listed: then this server deletes those elsewhere.
        const { organization } = await whoami();
        if (key.scopeId === organization.id) return;
        const listed = await lists.allPages(PATHS.workspaceTokens(key.scopeId), 'keys');
        if (!listed.some((k) => k.api_token_id === key.id)) return;
        throw unsupported('deleting keys scoped to a workspace', `DELETE ${PATHS.token(key.id)}`, 'Delete the key in deepset’s web app, then sync.');
      }
    },

    close: () => http.close(),
  };
  return provider;
}

export const deepset: ProviderModule = {
  kind: 'deepset',
  lastUse: { keyTypes: [], note: 'deepset does not report when a key was last used.' },
  info: {
    kind: 'deepset',
    displayName: 'deepset AI Platform',
    credential: {
      type: 'token',
      labels: { token: 'Token' },
      hint: 'deepset API keys cannot create, modify or delete keys: managing keys needs a user access token (the bearer token of your signed-in deepset session). An API key gives a read-only connection.',
      kinds: [
        {
          id: 'user-token',
          label: 'User access token',
          hint: 'Needed to create and delete keys; use an organization Admin’s. It expires with the web session: reconnect with a fresh one when it does.',
        },
        {
          id: 'api-key',
          label: 'API key (read-only)',
          hint: 'API keys can list keys but not create, modify or delete them. Keyfleet syncs and shows the inventory only.',
        },
      ],
    },
    baseUrl: {
      placeholder: REGIONS.eu,
      presets: [
        { id: REGIONS.eu, label: 'EU', hint: 'api.cloud.deepset.ai' },
        { id: REGIONS.us, label: 'US', hint: 'api.us.deepset.ai' },
      ],
      hint: 'Your region’s API address, or your own deployment’s (…/api/v1 is fine too).',
    },
    targetLabel: 'organization',
  },
  capabilities: deepsetCapabilities,
  normalizeBaseUrl: normalizeDeepsetUrl,
  describeKey: describeDeepsetKey,
  create: createDeepsetProvider,
};
