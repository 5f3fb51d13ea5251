// deepset AI Platform adapter: organization and workspace API keys.
// Contract: ../shared/providers/envzero-and-deepset.md Part 2. Files: api.ts (paths and every
// unverified guess), parse.ts (answers), errors.ts (FastAPI errors), credential.ts (user access
// token vs API key), capabilities.ts (actions, create form), keys.ts (lists), create.ts (create).
import { ProviderError, type AppError } from '../../errors.ts';
import { createHttpClient } from '../../http/client.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import type { CreateKeySpec, CreatedKey, Identity, ListOptions, Provider, ProviderConfig, ProviderModule } from '../types.ts';
import { PATHS, routeMissing, unsupported } from './api.ts';
import { deepsetCapabilities } from './capabilities.ts';
import { createRequest, identifyCreated, issuedSecret, secretOf, UNLISTED_PREFIX } from './create.ts';
import { jwtExpiry, looksLikeApiKey, READ_ONLY_NOTE, readOnlyFor } from './credential.ts';
import { CANNOT_MANAGE, describeDeepsetError, SESSION_EXPIRED } from './errors.ts';
import { createKeyLists } from './keys.ts';
import { limitedTo, meSchema, organizationSchema, parseOrThrow, personName, toRemoteKey, workspaceListSchema, type MeJson, type WorkspaceJson } from './parse.ts';

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
  let identity: Promise<DeepsetIdentity> | undefined;
  let workspaceNames: string[] | undefined;

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

  async function workspaceCreateMissing(scope: RemoteScope, error: ProviderError): Promise<AppError> {
    if (error.status === 404) {
      try {
        await http.request({ method: 'GET', path: PATHS.workspace(scope.id) });
      } catch (probe) {
        if (probe instanceof ProviderError && probe.status === 404) {
          return new ProviderError('not-found', `The workspace “${scope.name}” no longer exists in deepset; sync to refresh.`, { status: 404 });
        }
        return error;
      }
    }
    return unsupported(
      'creating keys scoped to one workspace',
      `POST ${PATHS.createWorkspaceToken(scope.id)}`,
      'Create the key in the organization and limit it to this workspace instead.',
    );
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
      };
    },

    async listScopes(options?: ListOptions) {
      const { organization } = await whoami();
      // Fresh every sync: workspaces come and go.
      const workspaces = await listWorkspaces(options?.signal);
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
      if (scope.kind === 'workspace') return (await lists.workspaceKeys(scope.id, 'workspace', signal)).map((k) => toRemoteKey(k, scope.id));
      if (scope.kind !== 'organization') return [];
      const names = workspaceNames ?? (await listWorkspaces(signal)).map((w) => w.name);
      return (await lists.organizationKeys(names, signal)).map((k) => toRemoteKey(k, scope.id));
    },

    twinSpec(key: RemoteKey, scopes: RemoteScope[]): Partial<CreateKeySpec> {
      if (scopes.find((s) => s.id === key.scopeId)?.kind !== 'organization') return {};
      const workspaces = scopes.filter((s) => s.kind === 'workspace');
      const names = limitedTo(key.raw, (id) => workspaces.find((w) => w.raw.workspace_id === id)?.name);
      if (!names) return {};
      const chosen = workspaces.filter((w) => names.includes(w.name));
      // Never widen access: a twin of a key limited to workspaces that are gone would reach all of them.
      if (chosen.length === 0) {
        throw new ProviderError('conflict', 'This key is limited to workspaces that no longer exist; create its replacement by hand.');
      }
      return { scopes: chosen };
    },

    async createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey> {
      refuseWhenReadOnly();
      const { path, body } = createRequest(spec, scope);
      let answer: unknown;
      try {
        answer = (await managing('create keys', () => http.request({ method: 'POST', path, body }))).body;
      } catch (error) {
        if (scope.kind === 'workspace' && routeMissing(error)) throw await workspaceCreateMissing(scope, error);
        throw error;
      }
      const secret = secretOf(answer);
      const listed = () => lists.allPages(scope.kind === 'workspace' ? PATHS.workspaceTokens(scope.id) : PATHS.tokens, 'keys');
      const key = await identifyCreated(http, listed, answer, secret, spec, scope);
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
  create: createDeepsetProvider,
};
