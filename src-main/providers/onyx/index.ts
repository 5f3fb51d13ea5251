// Onyx adapter: service-account API keys (/api/admin/api-key) in both body dialects — {name, role}
// on ≤ v4.6, {name, group_ids} on main, told apart by the server's own answers — and the
// connecting user's personal access tokens (/api/user/pats). Contract: ../shared/providers/
// langwatch-and-onyx.md Part 2. Onyx's PATCH replaces the whole key, so every change sends the
// key's current name and role or groups, read fresh, with only the changed field replaced.
import type { Capabilities, Choice, CreateFormSpec } from '../../../src-preload/contract.ts';
import { AppError, ProviderError } from '../../errors.ts';
import { createHttpClient, type HttpClient } from '../../http/client.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import type { CreatedKey, CreateKeySpec, Identity, KeyChanges, Provider, ProviderConfig, ProviderModule } from '../types.ts';
import { formTypes, onyxCapabilities, readSettings, type OnyxSettings } from './forms.ts';
import {
  apiKeySchema,
  apiKeyToRemote,
  backendId,
  describeOnyxError,
  displayOf,
  listSchema,
  meSchema,
  parseOrThrow,
  patSchema,
  patToRemote,
  TENANT_SCOPE_ID,
  USER_SCOPE_ID,
  userGroupSchema,
  variantOf,
  variantOfMe,
  type ApiKeyJson,
  type Variant,
} from './parse.ts';

const DAY = 24 * 60 * 60 * 1000;

/** A change of a key's access: a role on ≤ v4.6 servers, groups on newer ones. */
export type AccessChange = { role: string } | { groupIds: string[] };

/** What one PATCH changes; everything else is sent as Onyx has it now. */
interface KeyPatch {
  name?: string | null;
  role?: string;
  groupIds?: string[];
}

/** The Onyx adapter, with the one operation the shared interface has no slot for yet. */
export interface OnyxProvider extends Provider {
  /** Changes a service-account key's role (≤ v4.6) or groups (main), keeping its name. */
  changeAccess(key: RemoteKey, change: AccessChange): Promise<RemoteKey>;
}

/** Users paste the site, the API root or an admin page; keep the site, the API is under /api. */
export function normalizeOnyxUrl(input: string): string {
  const url = new URL(input);
  const match = /\/(api|admin|app|chat|auth|settings)(\/|$)/i.exec(url.pathname);
  const path = match ? url.pathname.slice(0, match.index) : url.pathname;
  url.pathname = path.replace(/\/+$/, '') || '/';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}

/** Onyx counts a PAT's life in whole days ending 23:59:59 UTC; pick the day nearest the chosen time. */
export function expirationDays(expiresAt: number, now = Date.now()): number {
  const today = new Date(now);
  const endOfToday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 23, 59, 59, 999);
  return Math.max(1, Math.round((expiresAt - endOfToday) / DAY));
}

/** "API_KEY__name@<uuid>onyxapikey.ai" is how Onyx names a service account's user. */
function accountName(email: string): string {
  const match = /^API_KEY__(.*)@[0-9a-f-]+onyxapikey\.ai$/i.exec(email);
  return match ? `Service account “${match[1]}”` : email;
}

export function createOnyxProvider(config: ProviderConfig): OnyxProvider {
  if (config.credential.type !== 'token') {
    throw new ProviderError('invalid', 'Onyx needs one token: an admin API key or a personal access token.', { fields: { token: 'Required for Onyx.' } });
  }
  const token = config.credential.token;
  const credentialKind: OnyxSettings['credential'] = token.startsWith('onyx_pat_') ? 'pat' : 'api-key';
  const ownDisplay = displayOf(token);
  const http: HttpClient = createHttpClient({
    ...config.http,
    baseUrl: `${normalizeOnyxUrl(config.baseUrl)}/api`,
    backendName: 'Onyx',
    ca: config.ca,
    headers: { authorization: `Bearer ${token}` },
    describeError: (status, body) => describeOnyxError(status, body),
  });

  const stored = readSettings(config.settings);
  // What Keyfleet knows of this connection; the variant follows what the server last showed.
  const known: Partial<OnyxSettings> = { ...stored, credential: credentialKind };
  let settled: Promise<OnyxSettings> | undefined =
    stored.variant && stored.serviceAccounts !== undefined
      ? Promise.resolve({ variant: stored.variant, credential: credentialKind, serviceAccounts: stored.serviceAccounts })
      : undefined;
  let identity: Promise<Identity> | undefined;
  /** Groups seen on keys, for servers without the (Enterprise) group list. */
  const seenGroups = new Map<number, string>();

  async function listApiKeys(): Promise<ApiKeyJson[]> {
    const res = await http.request({ method: 'GET', path: 'admin/api-key' });
    const items = parseOrThrow(listSchema, res.body, 'a list of API keys').map((item) => parseOrThrow(apiKeySchema, item, 'an API key'));
    for (const item of items) {
      known.variant = variantOf(item) ?? known.variant;
      for (const g of item.groups ?? []) seenGroups.set(g.id, g.name);
    }
    return items;
  }

  async function loadIdentity(): Promise<Identity> {
    const me = parseOrThrow(meSchema, (await http.request({ method: 'GET', path: 'me' })).body, 'the signed-in user');
    let serviceAccounts = true;
    let variant: Variant | undefined;
    try {
      const keys = await listApiKeys();
      variant = keys.map(variantOf).find((v) => v !== undefined);
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'forbidden') throw error;
      if (credentialKind === 'api-key') {
        throw new ProviderError(
          'forbidden',
          'This Onyx API key is not an admin key, so it cannot manage service-account keys. Connect with an admin API key, or with your own personal access token.',
          { status: error.status },
        );
      }
      // A non-admin's token still manages its owner's own tokens; a scoped one may not even list them.
      serviceAccounts = false;
      try {
        await http.request({ method: 'GET', path: 'user/pats' });
      } catch (inner) {
        if (!(inner instanceof ProviderError) || inner.kind !== 'forbidden') throw inner;
        throw new ProviderError(
          'forbidden',
          'This personal access token may neither manage service-account keys nor list tokens (it is scoped, or its user is limited). Connect with an unscoped token or an admin API key.',
          { status: inner.status },
        );
      }
    }
    const settings: OnyxSettings = { variant: variant ?? variantOfMe(me), credential: credentialKind, serviceAccounts };
    Object.assign(known, settings);
    settled = Promise.resolve(settings);
    return { accountId: me.id, accountName: accountName(me.email), settings: { ...settings } };
  }

  const verify = () => {
    identity ??= loadIdentity().catch((error: unknown) => {
      identity = undefined;
      throw error;
    });
    return identity;
  };

  const settings = async (): Promise<OnyxSettings> => {
    settled ??= verify().then(() => known as OnyxSettings);
    return settled;
  };

  /** The key as Onyx has it now: a PATCH built from a stale copy could undo someone's change. */
  async function freshKey(key: RemoteKey): Promise<ApiKeyJson> {
    const id = backendId(key);
    const found = (await listApiKeys()).find((k) => k.api_key_id === id);
    if (!found) {
      throw new ProviderError('not-found', `Onyx no longer has the key “${key.name || key.id}”; it may have been deleted elsewhere. Sync to refresh.`);
    }
    return found;
  }

  /** A full APIKeyArgs: Onyx resets whatever a PATCH leaves out (role to basic, groups to none). */
  function fullBody(current: ApiKeyJson, change: KeyPatch): Record<string, unknown> {
    const name = change.name !== undefined ? change.name : (current.api_key_name ?? null);
    if (current.api_key_role !== undefined) {
      if (change.groupIds !== undefined) throw new ProviderError('invalid', 'This Onyx server gives keys a role, not groups.', { fields: { groupIds: 'Choose a role instead.' } });
      return { name, role: change.role ?? current.api_key_role };
    }
    if (current.groups !== undefined) {
      if (change.role !== undefined) throw new ProviderError('invalid', 'This Onyx server gives keys groups, not a role.', { fields: { role: 'Choose groups instead.' } });
      const groupIds = change.groupIds !== undefined ? change.groupIds.map(groupNumber) : current.groups.map((g) => g.id);
      return { name, group_ids: groupIds };
    }
    throw new ProviderError(
      'bad-response',
      'Onyx listed this key without its role or groups. Keyfleet does not change it, because Onyx would reset what a change leaves out.',
    );
  }

  function refuseOwn(key: RemoteKey, doing: string): void {
    if (key.maskedValue !== null && key.maskedValue === ownDisplay) {
      throw new AppError(
        'conflict',
        `“${key.name || key.id}” is the ${credentialKind === 'pat' ? 'token' : 'key'} this connection signs in with; ${doing} it would lock Keyfleet out of Onyx. Connect with another admin credential first, or do it in Onyx and reconnect.`,
      );
    }
  }

  async function patch(key: RemoteKey, change: KeyPatch): Promise<RemoteKey> {
    const current = await freshKey(key);
    const res = await http.request({ method: 'PATCH', path: `admin/api-key/${current.api_key_id}`, body: fullBody(current, change), idempotent: true });
    return apiKeyToRemote(parseOrThrow(apiKeySchema, res.body, 'the updated key'));
  }

  async function groupChoices(): Promise<Choice[]> {
    try {
      const res = await http.request({ method: 'GET', path: 'manage/admin/user-group', query: { include_default: true } });
      const groups = parseOrThrow(listSchema, res.body, 'a list of groups').map((g) => parseOrThrow(userGroupSchema, g, 'a group'));
      return groups.map((g) => ({ id: String(g.id), label: g.name, hint: g.is_default ? 'Default group' : undefined }));
    } catch (error) {
      // Community servers have no group list: offer the groups their keys already use.
      if (!(error instanceof ProviderError) || !['not-found', 'forbidden'].includes(error.kind)) throw error;
      return [...seenGroups].sort(([a], [b]) => a - b).map(([id, name]) => ({ id: String(id), label: name }));
    }
  }

  const provider: OnyxProvider = {
    kind: 'onyx',
    get capabilities(): Capabilities {
      return onyxCapabilities(known);
    },

    async verify() {
      return verify();
    },

    async listScopes() {
      const s = await settings();
      const scopes: RemoteScope[] = [];
      if (s.serviceAccounts) scopes.push({ id: TENANT_SCOPE_ID, kind: 'tenant', name: 'Service accounts', parentId: null, raw: {} });
      // With an API key the "user" is the key's own service account: it has no tokens worth showing.
      if (s.credential === 'pat') scopes.push({ id: USER_SCOPE_ID, kind: 'user', name: 'My personal access tokens', parentId: null, raw: {} });
      return scopes;
    },

    async listKeys(scope) {
      if (scope.kind === 'tenant') return (await listApiKeys()).map(apiKeyToRemote);
      const res = await http.request({ method: 'GET', path: 'user/pats' });
      return parseOrThrow(listSchema, res.body, 'a list of personal access tokens').map((item) => patToRemote(parseOrThrow(patSchema, item, 'a personal access token')));
    },

    async createForm(): Promise<CreateFormSpec> {
      const s = await settings();
      // Ask the server which dialect it speaks now: a form for the wrong one would create the wrong key.
      if (s.serviceAccounts) await listApiKeys();
      const groups = s.serviceAccounts && known.variant === 'groups' ? await groupChoices() : [];
      return { types: formTypes(known, groups) };
    },

    async createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey> {
      const expected = scope.kind === 'user' ? 'pat' : 'api-key';
      if (spec.type !== expected) {
        throw new ProviderError('invalid', `A ${spec.type === 'pat' ? 'personal access token' : 'service-account key'} cannot be created in “${scope.name}”.`, {
          fields: { type: `Choose a ${expected === 'pat' ? 'personal access token' : 'service account API key'} here.` },
        });
      }
      if (expected === 'pat') {
        const body = { name: spec.name, expiration_days: spec.expiresAt === undefined ? null : expirationDays(spec.expiresAt), scopes: null };
        const res = await http.request({ method: 'POST', path: 'user/pats', body });
        const created = parseOrThrow(patSchema, res.body, 'the new personal access token');
        if (!created.token) throw new ProviderError('bad-response', `Onyx created the token “${spec.name}” but did not return it; revoke it in Onyx and create another.`);
        return {
          key: patToRemote(created),
          secret: {
            title: `Personal access token “${spec.name}”`,
            fields: [{ label: 'Personal access token', value: created.token, secret: true }],
            note: 'Onyx shows a personal access token only this once. It acts as you; send it as “Authorization: Bearer <token>”.',
          },
        };
      }
      const s = await settings();
      const variant = known.variant ?? s.variant;
      const name = spec.name || null;
      let body: Record<string, unknown>;
      if (variant === 'roles') {
        if (spec.groupIds?.length) throw new ProviderError('invalid', 'This Onyx server gives keys a role, not groups; open the form again.', { fields: { groupIds: 'Choose a role instead.' } });
        body = { name, role: spec.role ?? 'basic' };
      } else {
        if (spec.role) throw new ProviderError('invalid', 'This Onyx server gives keys groups, not a role; open the form again.', { fields: { role: 'Choose groups instead.' } });
        body = { name, group_ids: (spec.groupIds ?? []).map(groupNumber) };
      }
      const res = await http.request({ method: 'POST', path: 'admin/api-key', body });
      const created = parseOrThrow(apiKeySchema, res.body, 'the new key');
      if (!created.api_key) {
        throw new ProviderError('bad-response', `Onyx created key ${created.api_key_id} but did not return its secret; delete it in Onyx and create another.`);
      }
      return {
        key: apiKeyToRemote(created),
        secret: {
          title: `Service account API key${spec.name ? ` “${spec.name}”` : ''}`,
          fields: [{ label: 'API key', value: created.api_key, secret: true }],
          note: 'Onyx shows an API key only this once. Send it as “Authorization: Bearer <key>”.',
        },
      };
    },

    async renameKey(key: RemoteKey, changes: KeyChanges) {
      if (key.type === 'pat') {
        throw new AppError('unsupported', 'Onyx cannot rename a personal access token. Create a new token with the name you want and revoke this one.');
      }
      return patch(key, { name: changes.name || null });
    },

    async changeAccess(key: RemoteKey, change: AccessChange) {
      if (key.type === 'pat') throw new AppError('unsupported', 'A personal access token has its owner’s permissions; Onyx cannot change them.');
      return patch(key, change);
    },

    async rotateKey(key: RemoteKey): Promise<CreatedKey> {
      if (key.type === 'pat') {
        throw new AppError('unsupported', 'Onyx cannot regenerate a personal access token. Create a new token, deploy it, then revoke this one.');
      }
      refuseOwn(key, 'regenerating');
      const res = await http.request({ method: 'POST', path: `admin/api-key/${backendId(key)}/regenerate` });
      const json = parseOrThrow(apiKeySchema, res.body, 'the regenerated key');
      if (!json.api_key) {
        throw new ProviderError('bad-response', `Onyx regenerated “${key.name || key.id}” but did not return the new secret; regenerate it again.`);
      }
      return {
        key: apiKeyToRemote(json),
        secret: {
          title: `New secret for “${json.api_key_name ?? key.name ?? key.id}”`,
          fields: [{ label: 'API key', value: json.api_key, secret: true }],
          note: 'Onyx shows an API key only this once. The old secret stopped working when this one was issued.',
        },
      };
    },

    async deleteKey(key: RemoteKey) {
      refuseOwn(key, key.type === 'pat' ? 'revoking' : 'deleting');
      const path = key.type === 'pat' ? `user/pats/${backendId(key)}` : `admin/api-key/${backendId(key)}`;
      try {
        await http.request({ method: 'DELETE', path });
      } catch (error) {
        // Gone already (deleted elsewhere, or our own retried DELETE): what the user wanted.
        if (error instanceof ProviderError && error.kind === 'not-found') return;
        throw error;
      }
    },

    close: () => http.close(),
  };
  return provider;
}

function groupNumber(id: string): number {
  const n = Number(id);
  if (!Number.isInteger(n)) throw new ProviderError('invalid', `“${id}” is not an Onyx group id.`, { fields: { groupIds: 'Choose groups from the list.' } });
  return n;
}

export const onyx: ProviderModule = {
  kind: 'onyx',
  // last_used_at exists for personal access tokens only (TokenResponse); API keys have none.
  lastUse: { keyTypes: ['pat'], note: 'Onyx reports last use only for personal access tokens, not for service-account API keys.' },
  info: {
    kind: 'onyx',
    displayName: 'Onyx',
    credential: {
      type: 'token',
      labels: { token: 'Admin API key or personal access token' },
      hint: 'An admin service-account key (on_…) from Admin Panel → API Keys, or your personal access token (onyx_pat_…) from Settings → Accounts & Access. An admin’s token manages every key; anyone’s token manages their own tokens.',
    },
    baseUrl: {
      placeholder: 'https://cloud.onyx.app',
      presets: [{ id: 'https://cloud.onyx.app', label: 'Onyx Cloud' }],
      hint: 'Your Onyx address, with or without /api (e.g. https://onyx.example.com).',
    },
  },
  capabilities: (settings) => onyxCapabilities(readSettings(settings)),
  normalizeBaseUrl: normalizeOnyxUrl,
  create: createOnyxProvider,
};
