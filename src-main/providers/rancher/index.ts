// Rancher 1.x (cattle, API v2-beta) adapter: account and environment API keys.
// Contract: ../shared/providers/rancher-1x.md. Auth is HTTP Basic with access key and secret;
// state changes are actions whose availability the key's own `actions` map decides.
import { AppError, ProviderError } from '../../errors.ts';
import { mapLimit } from '../../concurrency.ts';
import { createHttpClient, type HttpClient, type HttpResponse } from '../../http/client.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import { addPage, mapInTurns } from '../paging.ts';
import type { CreateKeySpec, CreatedKey, Identity, KeyChanges, Provider, ProviderConfig, ProviderModule } from '../types.ts';
import {
  accountSchema,
  actionLink,
  apiKeySchema,
  collectionSchema,
  describeRancherError,
  maskedPublicValue,
  parseOrThrow,
  projectSchema,
  READ_ONLY_NOTE,
  schemaSchema,
  selfLink,
  toRemoteKey,
  type ApiKeyJson,
  type CollectionJson,
  type ProjectJson,
  type RancherKeyType,
} from './parse.ts';
import { normalizeRancherUrl, OWN_DELETE_NOTE, rancherCapabilities } from './capabilities.ts';

export { normalizeRancherUrl, rancherCapabilities } from './capabilities.ts';

const PAGE_SIZE = 1000;
/** Environments whose permissions are read at once during a sync. */
const SCOPE_CHECKS_AT_ONCE = 4;
const MAX_PAGES = 10_000;
const SETTLE_DELAYS_MS = [40, 80, 160, 320, 640, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];

interface RancherIdentity extends Identity {
  keyKind: 'account' | 'environment';
  /** An admin account's keys reach every account and environment of the install. */
  admin: boolean;
  projects: ProjectJson[];
}

/** cattle serves a project account in these states (AccountDao.isActiveAccount); any other answers 403. */
const ACTIVE_PROJECT_STATES = new Set(['active', 'activating', 'upgrading']);

const INACTIVE_NOTE =
  'This environment is deactivated in Rancher: Rancher refuses every call into it, so Keyfleet shows its keys as they were at the last sync. Activate it in Rancher to manage them again.';

export function createRancherProvider(config: ProviderConfig): Provider {
  if (config.credential.type !== 'key-pair') {
    throw new ProviderError('invalid', 'Rancher needs an access key and a secret key.', {
      fields: { accessKey: 'Required for Rancher.' },
    });
  }
  const { accessKey } = config.credential;
  const basic = Buffer.from(`${accessKey}:${config.credential.secretKey}`).toString('base64');
  const http: HttpClient = createHttpClient({
    ...config.http,
    baseUrl: normalizeRancherUrl(config.baseUrl),
    backendName: 'Rancher',
    ca: config.ca,
    // With access control off (a fresh install) cattle serves a credential it cannot match as the
    // admin, unless authentication is enforced: a mistyped secret must fail, not act as the admin.
    headers: { authorization: `Basic ${basic}`, 'x-api-no-challenge': 'true', 'x-enforce-authentication': 'true' },
    describeError: describeRancherError,
  });
  let identity: Promise<RancherIdentity> | undefined;

  /** Every page of a collection: handed to `onPage` one at a time as they arrive, or all returned together. */
  async function getCollection(
    path: string,
    query: Record<string, string | number | undefined>,
    what: string,
    signal?: AbortSignal,
    onPage?: (items: unknown[]) => Promise<void>,
  ) {
    const items: unknown[] = [];
    let next: string | undefined = path;
    let nextQuery: typeof query | undefined = query;
    const visited = new Set<string>();
    let headers: Record<string, string> = {};
    for (let page = 0; next; page++) {
      if (page >= MAX_PAGES || visited.has(next)) {
        throw new ProviderError('bad-response', `Rancher's pagination of ${what} does not end; stopped reading.`);
      }
      visited.add(next);
      const res: HttpResponse = await http.request({ method: 'GET', path: next, query: nextQuery, signal });
      headers = res.headers;
      const collection: CollectionJson = parseOrThrow(collectionSchema, res.body, `a list of ${what}`);
      // Pages handed on are bounded by whoever takes them (the sync counts what it keeps).
      if (onPage) await onPage(collection.data);
      else addPage(items, collection.data, 'Rancher', what);
      next = collection.pagination?.next ?? undefined;
      nextQuery = undefined; // the next link carries the whole query
    }
    return { items, headers };
  }

  async function loadIdentity(): Promise<RancherIdentity> {
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
    const own = projects.find((p) => p.id === userId);
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
    if (p.state && !ACTIVE_PROJECT_STATES.has(p.state)) return { ...scope, inactive: INACTIVE_NOTE };
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

  const whoami = () => {
    identity ??= loadIdentity().catch((error: unknown) => {
      identity = undefined;
      throw error;
    });
    return identity;
  };

  function keysPath(scope: { id: string; kind: string }): string {
    return scope.kind === 'account'
      ? '/v2-beta/apikeys'
      : `/v2-beta/projects/${encodeURIComponent(scope.id)}/apikeys`;
  }

  function keyPath(key: RemoteKey): string {
    return selfLink(key.raw) ?? `${keysPath({ id: key.scopeId, kind: key.type })}/${encodeURIComponent(key.id)}`;
  }

  async function fetchKey(path: string): Promise<ApiKeyJson> {
    const res = await http.request({ method: 'GET', path });
    return parseOrThrow(apiKeySchema, res.body, 'a key');
  }

  /**
   * Rancher answers while a key is still transitioning; poll its self link until it settles.
   * Deactivating the key this connection signs in with ends the connection's access: the 401 that
   * follows is the proof the key is no longer active, not a failure.
   */
  async function settle(json: ApiKeyJson, endsOwnCredential = false): Promise<ApiKeyJson> {
    let current = json;
    const self = selfLink(json);
    if (!self) return current;
    for (const delay of SETTLE_DELAYS_MS) {
      if (current.transitioning !== 'yes') return current;
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        current = await fetchKey(self);
      } catch (error) {
        if (endsOwnCredential && error instanceof ProviderError && error.kind === 'auth') return { ...current, state: 'inactive', transitioning: 'no' };
        throw error;
      }
    }
    return current;
  }

  const isOwn = (json: ApiKeyJson) => json.publicValue === accessKey;

  /**
   * A settled key with no action at all is one the caller's role may only read: Rancher gives a
   * read-only member no actions (read-user.json) and answers its PUT and DELETE with 405.
   */
  function refuseReadOnly(json: ApiKeyJson): void {
    const settled = json.transitioning !== 'yes' && (json.state === 'active' || json.state === 'inactive');
    if (settled && json.actions && Object.keys(json.actions).length === 0) throw new ProviderError('forbidden', READ_ONLY_NOTE);
  }

  /** Only the admin's own account keys carry its power; environment keys never do. */
  async function isPrivileged(scopeId: string, type: RancherKeyType): Promise<boolean> {
    if (type !== 'account') return false;
    const me = await whoami();
    return me.admin && me.accountId === scopeId;
  }

  async function runAction(json: ApiKeyJson, action: 'activate' | 'deactivate'): Promise<ApiKeyJson> {
    refuseReadOnly(json);
    const link = actionLink(json, action);
    if (!link) {
      throw new ProviderError(
        'conflict',
        `Rancher does not allow ${action === 'activate' ? 'activating' : 'deactivating'} this key while it is ${json.state ?? 'in its current state'}.`,
      );
    }
    const res = await http.request({ method: 'POST', path: link });
    return settle(parseOrThrow(apiKeySchema, res.body, 'a key'), action === 'deactivate' && isOwn(json));
  }

  const provider: Provider = {
    kind: 'rancher',
    capabilities: rancherCapabilities,

    async verify() {
      const { accountId, accountName } = await whoami();
      // The account (or, for an environment key, the environment) is what the connection manages.
      return { accountId, accountName, organization: { id: accountId, name: accountName } };
    },

    credentialMatch: () => ({ maskedValue: maskedPublicValue(accessKey) }),

    async listScopes(options) {
      identity = undefined; // a sync sees environments added or left since the last one
      const me = await whoami();
      const environments = await mapLimit(me.projects, SCOPE_CHECKS_AT_ONCE, (p) => environmentScope(p, options?.signal));
      if (me.keyKind === 'environment') return environments;
      const account: RemoteScope = {
        id: me.accountId,
        kind: 'account',
        name: `Account · ${me.accountName}`,
        parentId: null,
        raw: { id: me.accountId, name: me.accountName },
      };
      return [account, ...environments];
    },

    async listKeys(scope, options) {
      const type: RancherKeyType = scope.kind === 'account' ? 'account' : 'environment';
      // An admin's list holds every account's keys; ask for this scope's and check each answer.
      // Asked while the first page is on its way; every key of the scope needs the answer.
      const privileged = isPrivileged(scope.id, type);
      privileged.catch(() => undefined);
      const keysOf = async (items: unknown[]) => {
        const known = await privileged;
        const keys = await mapInTurns(items, (item) => {
          const json = parseOrThrow(apiKeySchema, item, 'a key');
          if (json.type && json.type !== 'apiKey') return null;
          if (json.accountId && json.accountId !== scope.id) return null;
          return toRemoteKey(json, scope.id, type, known);
        });
        return keys.filter((key) => key !== null);
      };
      const onKeys = options?.onKeys;
      const path = keysPath(scope);
      const query = { accountId: scope.id, limit: PAGE_SIZE };
      if (onKeys) {
        await getCollection(path, query, 'keys', options.signal, async (items) => onKeys(await keysOf(items)));
        await privileged;
        return [];
      }
      return keysOf((await getCollection(path, query, 'keys', options?.signal)).items);
    },

    async createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey> {
      const expected = scope.kind === 'account' ? 'account' : 'environment';
      if (spec.type !== expected) {
        throw new ProviderError('invalid', `A ${spec.type} key cannot be created in a Rancher ${scope.kind}.`, {
          fields: { type: `Choose ${expected === 'account' ? 'an account' : 'an environment'} key for this scope.` },
        });
      }
      // Asked before the key exists: once its secret is in hand, nothing should delay handing it over.
      const privileged = await isPrivileged(scope.id, expected);
      const res = await http.request({
        method: 'POST',
        path: keysPath(scope),
        body: { name: spec.name || null, description: spec.description || null },
      });
      const created = parseOrThrow(apiKeySchema, res.body, 'the new key');
      const { publicValue, secretValue } = created;
      if (!publicValue || !secretValue) {
        throw new ProviderError(
          'bad-response',
          `Rancher created key ${created.id} but did not return its secret; delete it in Rancher and create another.`,
        );
      }
      // The secret is in hand; a failure while waiting for the key to settle must not lose it.
      const settled = await settle(created).catch(() => created);
      return {
        key: toRemoteKey(settled, scope.id, expected, privileged),
        secret: {
          title: `${expected === 'account' ? 'Account' : 'Environment'} API key${spec.name ? ` “${spec.name}”` : ''}`,
          fields: [
            { label: 'Access key', value: publicValue, secret: false },
            { label: 'Secret key', value: secretValue, secret: true },
          ],
          note: 'Rancher shows the secret key only this once. Both parts are needed to authenticate: the access key is the user name, the secret key the password.',
        },
      };
    },

    async renameKey(key: RemoteKey, changes: KeyChanges) {
      const res = await http.request({
        method: 'PUT',
        path: keyPath(key),
        body: { name: changes.name || null, description: changes.description },
      });
      const type = key.type as RancherKeyType;
      return toRemoteKey(parseOrThrow(apiKeySchema, res.body, 'the updated key'), key.scopeId, type, await isPrivileged(key.scopeId, type));
    },

    async setKeyActive(key: RemoteKey, active: boolean) {
      let json = await settle(await fetchKey(keyPath(key)));
      const type = key.type as RancherKeyType;
      // Asked before the action: deactivating the connection's own key leaves no credential to ask with.
      const privileged = await isPrivileged(key.scopeId, type);
      const target = active ? 'active' : 'inactive';
      if (json.state !== target) json = await runAction(json, active ? 'activate' : 'deactivate');
      return toRemoteKey(json, key.scopeId, type, privileged);
    },

    async deleteKey(key: RemoteKey) {
      let json: ApiKeyJson;
      try {
        json = await settle(await fetchKey(keyPath(key)));
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'not-found') return; // already gone
        throw error;
      }
      if (json.state && ['removing', 'removed', 'purging', 'purged'].includes(json.state)) return;
      refuseReadOnly(json);
      if (json.state === 'active' && isOwn(json)) throw new AppError('unsupported', OWN_DELETE_NOTE);
      if (json.state === 'active') {
        json = await runAction(json, 'deactivate');
        if (json.state !== 'inactive') {
          throw new ProviderError(
            'conflict',
            `Rancher did not finish deactivating the key (it is ${json.state ?? 'in an unknown state'}); try deleting again in a moment.`,
          );
        }
      }
      await http.request({ method: 'DELETE', path: keyPath(key) });
    },

    close: () => http.close(),
  };
  return provider;
}

export const rancher: ProviderModule = {
  kind: 'rancher',
  lastUse: { keyTypes: [], note: 'Rancher 1.x does not report when a key was last used.' },
  info: {
    kind: 'rancher',
    displayName: 'Rancher 1.x',
    credential: {
      type: 'key-pair',
      labels: { accessKey: 'Access key', secretKey: 'Secret key' },
      hint: 'An account API key from API → Keys in Rancher. An environment key works too, for its one environment.',
    },
    baseUrl: {
      placeholder: 'https://rancher.example.com',
      presets: [],
      hint: 'The Rancher server, or the API endpoint Rancher shows (…/v2-beta/projects/1a5).',
    },
  },
  capabilities: () => rancherCapabilities,
  normalizeBaseUrl: normalizeRancherUrl,
  create: createRancherProvider,
};
