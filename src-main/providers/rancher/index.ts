// Rancher 1.x (cattle, API v2-beta) adapter: account and environment API keys.
// Contract: ../shared/providers/rancher-1x.md. Auth is HTTP Basic with access key and secret;
// state changes are actions whose availability the key's own `actions` map decides.
import { AppError, ProviderError } from '../../errors.ts';
import { mapLimit } from '../../concurrency.ts';
import { createHttpClient, type HttpClient } from '../../http/client.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import { mapInTurns } from '../paging.ts';
import { createPrefetch } from '../prefetch.ts';
import type { CreateKeySpec, CreatedKey, KeyChanges, Provider, ProviderConfig, ProviderModule } from '../types.ts';
import {
  actionLink,
  apiKeySchema,
  describeRancherError,
  maskedPublicValue,
  parseOrThrow,
  READ_ONLY_NOTE,
  selfLink,
  toRemoteKey,
  type ApiKeyJson,
  type RancherKeyType,
} from './parse.ts';
import { normalizeRancherUrl, OWN_DELETE_NOTE, rancherCapabilities } from './capabilities.ts';
import { accountScope, createReads, isActive, keyPagePart, keysPath, type KeyPageAfter, type Listing, type Page, type RancherIdentity } from './reads.ts';

export { normalizeRancherUrl, rancherCapabilities } from './capabilities.ts';

/** Environments whose permissions are read at once during a sync. */
const SCOPE_CHECKS_AT_ONCE = 4;
/** Scopes whose key lists a sync starts while it still reads the scopes: the first few it reads. */
const PREFETCHED_SCOPES = 4;
const SETTLE_DELAYS_MS = [40, 80, 160, 320, 640, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];

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
  const reads = createReads(http);
  let listing: Promise<Listing> | undefined;
  let identity: Promise<RancherIdentity> | undefined;
  const prefetched = createPrefetch<Page>();

  const environments = () => {
    listing ??= reads.listing().catch((error: unknown) => {
      listing = undefined;
      throw error;
    });
    return listing;
  };

  const whoami = () => {
    identity ??= environments()
      .then(reads.identityOf)
      .catch((error: unknown) => {
        identity = undefined;
        throw error;
      });
    return identity;
  };

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
      const signal = options?.signal;
      http.warm(); // a sync's burst of requests starts here
      // A sync sees environments added or left since the last one.
      listing = undefined;
      identity = undefined;
      try {
        const { accountId, projects, own } = await environments();
        // Every key list needs only the account id this answer carried: the first pages of the
        // first scopes' lists go out now (a list may run to many pages, each behind the one
        // before), ahead of the account lookup and the environments' permission checks, instead
        // of one round trip after them. Only first pages: a sync holds no whole list it did not ask for.
        const readable = own ? [own] : [{ id: accountId, state: undefined }, ...projects];
        for (const p of readable.filter(isActive).slice(0, PREFETCHED_SCOPES)) {
          const scope = { id: p.id, kind: p.id === accountId && !own ? 'account' : 'environment' };
          prefetched.start(signal, `${scope.kind}:${scope.id}`, (listSignal) => reads.firstKeyPage(scope, listSignal, options?.pages));
        }
        const checks = mapLimit(own ? [own] : projects, SCOPE_CHECKS_AT_ONCE, (p) => reads.environmentScope(p, signal));
        const [me, scopes] = await Promise.all([whoami(), checks]);
        return me.keyKind === 'environment' ? scopes : [accountScope(me), ...scopes];
      } catch (error) {
        prefetched.drop();
        throw error;
      }
    },

    async listKeys(scope, options) {
      const type: RancherKeyType = scope.kind === 'account' ? 'account' : 'environment';
      const signal = options?.signal;
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
      // The first page, when this sync asked for it while it read the scopes.
      const first = prefetched.take(signal, `${type}:${scope.id}`);
      const onKeys = options?.onKeys;
      const pages = onKeys && options?.pages;
      if (onKeys) {
        await reads.keyList(
          scope,
          signal,
          first,
          async (page, index) => {
            if (!pages || page.digest === undefined) return onKeys(await keysOf(page.items));
            // A page is the same as the last sync's when its bytes are, and its keys are named as privileged as they were then.
            const part = keyPagePart(scope, index);
            const after: KeyPageAfter = { next: page.next ?? null, privileged: await privileged };
            if (page.unchanged && (pages.known(part)?.after as KeyPageAfter | undefined)?.privileged === after.privileged) return pages.same(part);
            return pages.read(part, { digest: page.digest, after }, await keysOf(page.items));
          },
          pages,
        );
        await privileged;
        return [];
      }
      return keysOf((await reads.keyList(scope, signal, first)).items);
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
