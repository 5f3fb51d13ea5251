// Onyx adapter: service-account API keys (/api/admin/api-key) in both body dialects — {name, role}
// on ≤ v4.6, {name, group_ids} on main, told apart by the server's own answers — and the
// connecting user's personal access tokens (/api/user/pats, see tokens.ts). Contract:
// ../shared/providers/langwatch-and-onyx.md Part 2. Onyx's PATCH replaces the whole key, so every
// change sends the key's current name and role or groups, read fresh, with only the changed field
// replaced. The credential goes in Authorization, or in X-Onyx-Authorization behind a proxy that
// keeps Authorization for itself.
import type { Capabilities, CreateFormSpec } from '../../../src-preload/contract.ts';
import { AppError, ProviderError } from '../../errors.ts';
import { createHttpClient, type HttpClient, type HttpResponse } from '../../http/client.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import { mapInTurns, readWholeList } from '../paging.ts';
import type { CreatedKey, CreateKeySpec, Identity, KeyChanges, Provider, ProviderConfig, ProviderModule, TwinPlan } from '../types.ts';
import { formTypes, KEY_NAME_MAX, onyxCapabilities, readSettings, type OnyxSettings } from './forms.ts';
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
  variantOf,
  variantOfMe,
  type ApiKeyJson,
  type Variant,
} from './parse.ts';
import { createChoices } from './choices.ts';
import { fullBody, groupNumber, type KeyPatch } from './patch.ts';
import { describeToken, powersOf, tokenBody, tokenRefusal, tokenTwinPlan } from './tokens.ts';

/** The service-account keys' list: one answer. */
const API_KEYS = 'admin/api-key';

export { expirationDays } from './tokens.ts';

/** A change of a key's access: a role on ≤ v4.6 servers, groups on newer ones. */
export type AccessChange = { role: string } | { groupIds: string[] };

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
  const stored = readSettings(config.settings);
  const onyxHeader = stored.onyxHeader === true || config.options?.onyxHeader === true;
  const http: HttpClient = createHttpClient({
    ...config.http,
    baseUrl: `${normalizeOnyxUrl(config.baseUrl)}/api`,
    backendName: 'Onyx',
    ca: config.ca,
    // Onyx reads X-Onyx-Authorization before Authorization (backend/onyx/auth/constants.py).
    headers: onyxHeader ? { 'x-onyx-authorization': `Bearer ${token}` } : { authorization: `Bearer ${token}` },
    describeError: (status, body) => describeOnyxError(status, body),
  });

  // What Keyfleet knows of this connection; the variant follows what the server last showed.
  const known: Partial<OnyxSettings> = { ...stored, credential: credentialKind, ...(onyxHeader ? { onyxHeader } : {}) };
  let settled: Promise<OnyxSettings> | undefined =
    stored.variant && stored.serviceAccounts !== undefined
      ? Promise.resolve({ variant: stored.variant, credential: credentialKind, serviceAccounts: stored.serviceAccounts })
      : undefined;
  let identity: Promise<Identity> | undefined;
  /** Groups seen on keys, for servers without the (Enterprise) group list. */
  const seenGroups = new Map<number, string>();
  const { groupChoices, scopeChoices } = createChoices(http, seenGroups);

  /** The service-account keys (from `res`, the list's answer, if read already); what they tell of the server. */
  async function listApiKeys(res?: HttpResponse): Promise<ApiKeyJson[]> {
    const body = (res ?? (await http.request({ method: 'GET', path: API_KEYS }))).body;
    const items = await mapInTurns(parseOrThrow(listSchema, body, 'a list of API keys'), (item) => parseOrThrow(apiKeySchema, item, 'an API key'));
    for (const item of items) {
      known.variant = variantOf(item) ?? known.variant;
      for (const g of item.groups ?? []) seenGroups.set(g.id, g.name);
    }
    return items;
  }

  /** Who the credential acts as, and what that user may do with tokens. */
  async function readMe() {
    const me = parseOrThrow(meSchema, (await http.request({ method: 'GET', path: 'me' })).body, 'the signed-in user');
    // An API key's "user" is its own service account, which has no tokens worth managing.
    if (credentialKind === 'pat') Object.assign(known, powersOf(me));
    return me;
  }

  async function loadIdentity(): Promise<Identity> {
    const me = await readMe();
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
    const settings: OnyxSettings = {
      variant: variant ?? variantOfMe(me),
      credential: credentialKind,
      serviceAccounts,
      ...(credentialKind === 'pat' ? powersOf(me) : {}),
      ...(onyxHeader ? { onyxHeader } : {}),
    };
    Object.assign(known, settings);
    settled = Promise.resolve(settings);
    return { accountId: me.id, accountName: accountName(me.email), settings: { ...settings }, organization: { id: tenantOf(token), name: me.team_name || null } };
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

  const provider: OnyxProvider = {
    kind: 'onyx',
    get capabilities(): Capabilities {
      return onyxCapabilities(known);
    },

    async verify() {
      return verify();
    },

    async listScopes() {
      http.warm(); // a sync's burst of requests starts here
      const s = await settings();
      const scopes: RemoteScope[] = [];
      if (s.serviceAccounts) scopes.push({ id: TENANT_SCOPE_ID, kind: 'tenant', name: 'Service accounts', parentId: null, raw: {} });
      // With an API key the "user" is the key's own service account: it has no tokens worth showing.
      if (s.credential === 'pat') scopes.push({ id: USER_SCOPE_ID, kind: 'user', name: 'My personal access tokens', parentId: null, raw: {} });
      return scopes;
    },

    async listKeys(scope, options) {
      const pages = options?.onKeys && options.pages;
      // An answer the same as the last sync's tells this provider nothing new (variant, groups) either.
      if (scope.kind === 'tenant' && pages) return readWholeList(http, API_KEYS, pages, async (res) => mapInTurns(await listApiKeys(res), apiKeyToRemote));
      if (scope.kind === 'tenant') return mapInTurns(await listApiKeys(), apiKeyToRemote);
      // Whether the user is an admin decides how powerful an unscoped token is: ask each time.
      const [res] = await Promise.all([http.request({ method: 'GET', path: 'user/pats' }), readMe()]);
      const now = Date.now();
      return parseOrThrow(listSchema, res.body, 'a list of personal access tokens').map((item) => patToRemote(parseOrThrow(patSchema, item, 'a personal access token'), now, known.admin === true));
    },

    async createForm(): Promise<CreateFormSpec> {
      const s = await settings();
      // Ask the server which dialect it speaks now, and whether the user may create tokens:
      // a form for the wrong one would create the wrong key, or a token Onyx refuses.
      if (s.serviceAccounts) await listApiKeys();
      if (s.credential === 'pat') await readMe();
      const [groups, scopes] = await Promise.all([
        s.serviceAccounts && known.variant === 'groups' ? groupChoices() : [],
        s.credential === 'pat' && known.tokens !== false ? scopeChoices() : undefined,
      ]);
      return { types: formTypes(known, groups, scopes) };
    },

    async createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey> {
      const expected = scope.kind === 'user' ? 'pat' : 'api-key';
      if (spec.type !== expected) {
        throw new ProviderError('invalid', `A ${spec.type === 'pat' ? 'personal access token' : 'service-account key'} cannot be created in “${scope.name}”.`, {
          fields: { type: `Choose a ${expected === 'pat' ? 'personal access token' : 'service account API key'} here.` },
        });
      }
      if (expected === 'pat') {
        const res = await http.request({ method: 'POST', path: 'user/pats', body: tokenBody(spec) }).catch((error: unknown) => {
          throw tokenRefusal(error);
        });
        const created = parseOrThrow(patSchema, res.body, 'the new personal access token');
        if (!created.token) throw new ProviderError('bad-response', `Onyx created the token “${spec.name}” but did not return it; revoke it in Onyx and create another.`);
        return {
          key: patToRemote(created, Date.now(), known.admin === true),
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
      if (spec.name.length > KEY_NAME_MAX) {
        throw new ProviderError('invalid', `Onyx keeps key names to ${KEY_NAME_MAX} characters.`, { fields: { name: `At most ${KEY_NAME_MAX} characters.` } });
      }
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

    twinPlan(key: RemoteKey): Promise<TwinPlan> {
      if (key.type === 'pat') return Promise.resolve(tokenTwinPlan(key));
      // A service-account key regenerates in place; only the key Keyfleet signs in with is replaced
      // by a twin (its one-step rotation), which joins the groups the key is in (a role the core copies).
      const groups = apiKeySchema.safeParse(key.raw).data?.groups;
      if (!groups?.length) return Promise.resolve({ keeps: [] });
      return Promise.resolve({ groupIds: groups.map((g) => String(g.id)), keeps: [`Groups: ${groups.map((g) => g.name).join(', ')}`] });
    },

    async renameKey(key: RemoteKey, changes: KeyChanges) {
      if (key.type === 'pat') {
        throw new AppError('unsupported', 'Onyx cannot rename a personal access token. Create a new token with the name you want and revoke this one.');
      }
      if (changes.name.length > KEY_NAME_MAX) {
        throw new ProviderError('invalid', `Onyx keeps key names to ${KEY_NAME_MAX} characters.`, { fields: { name: `At most ${KEY_NAME_MAX} characters.` } });
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
      const path = key.type === 'pat' ? `user/pats/${backendId(key)}` : `admin/api-key/${backendId(key)}`;
      try {
        await http.request({ method: 'DELETE', path });
      } catch (error) {
        // Gone already (deleted elsewhere, or our own retried DELETE): what the user wanted.
        if (error instanceof ProviderError && error.kind === 'not-found') return;
        throw error;
      }
    },

    // Onyx lists every key and token masked the way it masks this credential.
    credentialMatch: () => ({ maskedValue: ownDisplay }),

    close: () => http.close(),
  };
  return provider;
}

/**
 * Which Onyx tenant a credential belongs to: a multi-tenant server (Onyx Cloud) writes the tenant
 * into every key and token it issues (`on_<tenant>.<random>`, generate_api_key / generate_pat); a
 * self-hosted server is one tenant, the server itself.
 */
export function tenantOf(token: string): string {
  const body = token.startsWith('onyx_pat_') ? token.slice('onyx_pat_'.length) : token.startsWith('on_') ? token.slice(3) : token;
  const dot = body.indexOf('.');
  if (dot <= 0) return 'self-hosted';
  try {
    return `tenant:${decodeURIComponent(body.slice(0, dot))}`;
  } catch {
    return `tenant:${body.slice(0, dot)}`;
  }
}

export const onyx: ProviderModule = {
  kind: 'onyx',
  // last_used_at exists for personal access tokens only (TokenResponse); API keys have none.
  lastUse: { keyTypes: ['pat'], note: 'Onyx reports last use only for personal access tokens, not for service-account API keys.' },
  info: {
    kind: 'onyx',
    displayName: 'Onyx',
    options: [
      {
        id: 'onyxHeader',
        label: 'Send the key as X-Onyx-Authorization',
        hint: 'For an Onyx behind a proxy that uses the Authorization header itself (single sign-on, basic auth). Onyx reads this header first.',
      },
    ],
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
  describeKey: describeToken,
  create: createOnyxProvider,
};
