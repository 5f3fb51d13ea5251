// LangWatch adapter: organization API keys (/api/api-keys) on both API eras — ≤ v3.12 (list,
// create, revoke) and ≥ v3.13 (also get-by-id and PATCH) — told apart by the server's own answer
// to a by-id read, never by a setting. Contract: ../shared/providers/langwatch-and-onyx.md Part 1.
// Keys live in the organization; teams and projects are the scopes their bindings name. A personal
// key is made for its owner (the connection's user, or a member an admin chooses: people.ts); a
// rotation's twin keeps owner, bindings and permission mode (twin.ts).
import type { z } from 'zod';
import type { CreateFormSpec } from '../../../src-preload/contract.ts';
import { AppError, ProviderError } from '../../errors.ts';
import { createHttpClient, type HttpClient } from '../../http/client.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import type { CreatedKey, CreateKeySpec, Identity, KeyChanges, ListOptions, Provider, ProviderConfig, ProviderModule, TwinPlan } from '../types.ts';
import { describeLangwatchError } from './errors.ts';
import { eraOf, FORM_ROLES, langwatchCapabilities, type Era } from './form.ts';
import {
  apiKeySchema,
  bindingsKey,
  createdSchema,
  factsOf,
  hintOf,
  organizationSchema,
  pageSchema,
  parseOrThrow,
  projectSchema,
  teamSchema,
  toRemoteKey,
  type ApiKeyJson,
  type BindingJson,
  type KeyFacts,
  type KeyType,
} from './parse.ts';
import { createPeople, ownerField } from './people.ts';
import { createReads } from './reads.ts';
import { carryOf, describeLangwatchKey, twinPlanOf } from './twin.ts';

const DETAIL_CONCURRENCY = 4;
/** When LangWatch shows no team, the organization's id is unknown; its scope still needs one. */
const UNKNOWN_ORGANIZATION = 'organization';

const SCOPE_TYPES: Record<string, BindingJson['scopeType']> = { organization: 'ORGANIZATION', team: 'TEAM', project: 'PROJECT' };

/** Users paste the app or an API endpoint; keep what is before /api, else the origin. */
export function normalizeLangwatchUrl(input: string): string {
  const url = new URL(input);
  const match = /\/api(\/|$)/i.exec(url.pathname);
  const path = match ? url.pathname.slice(0, match.index) : '';
  return `${url.origin}${path.replace(/\/+$/, '')}`;
}

export function createLangwatchProvider(config: ProviderConfig): Provider {
  if (config.credential.type !== 'token') {
    throw new ProviderError('invalid', 'LangWatch needs one organization API key (sk-lw-…).', { fields: { token: 'Required for LangWatch.' } });
  }
  const token = config.credential.token.trim();
  const http: HttpClient = createHttpClient({
    ...config.http,
    baseUrl: normalizeLangwatchUrl(config.baseUrl),
    backendName: 'LangWatch',
    ca: config.ca,
    headers: { authorization: `Bearer ${token}` },
    describeError: describeLangwatchError,
  });

  const settings = config.settings ?? {};
  let era: Era | undefined = eraOf(settings);
  let organizationId = typeof settings.organizationId === 'string' ? settings.organizationId : undefined;
  let organizationName = typeof settings.organizationName === 'string' ? settings.organizationName : undefined;
  let identity: Promise<Identity> | undefined;
  /** Scope names from the last listScopes, for describing bindings. */
  const names = new Map<string, string>();
  /** What GET /{id} told (era B) or a create said, per key: read again when its bindings change. */
  const facts = new Map<string, KeyFacts>();
  const people = createPeople(http);
  /** The keys of the last listing: whose personal keys they are tells who the connection's user is. */
  let listed: ApiKeyJson[] | undefined;

  const { listKeyJson, allPages, probeEra } = createReads(http);

  /** The organization's id: teams carry it; a key bound to the organization names it too (§1.9). */
  async function findOrganizationId(keys: ApiKeyJson[]): Promise<string | undefined> {
    try {
      const res = await http.request({ method: 'GET', path: '/api/teams', query: { page: 1, limit: 1 } });
      const first = parseOrThrow(pageSchema, res.body, 'a page of teams').data[0];
      if (first !== undefined) return parseOrThrow(teamSchema, first, 'a team').organizationId;
    } catch (error) {
      if (!(error instanceof ProviderError && error.kind === 'forbidden')) throw error;
    }
    return keys.flatMap((k) => k.roleBindings ?? []).find((b) => b.scopeType === 'ORGANIZATION')?.scopeId;
  }

  /** The organization's name, where LangWatch tells it (GET /api/organization is Enterprise-only). */
  async function findOrganizationName(): Promise<string | undefined> {
    try {
      const res = await http.request({ method: 'GET', path: '/api/organization' });
      return parseOrThrow(organizationSchema, res.body, 'the organization').name;
    } catch (error) {
      if (error instanceof ProviderError) return undefined;
      throw error;
    }
  }

  async function loadIdentity(): Promise<Identity> {
    const keys = await listKeyJson();
    organizationId = (await findOrganizationId(keys)) ?? organizationId;
    era = await probeEra();
    organizationName = (await findOrganizationName()) ?? organizationName;
    const found: Record<string, string> = { era };
    if (organizationId) found.organizationId = organizationId;
    if (organizationName) found.organizationName = organizationName;
    return {
      accountId: organizationId ?? UNKNOWN_ORGANIZATION,
      accountName: `Organization API key ${hintOf(token)}`,
      settings: found,
      ...(organizationId ? { organization: { id: organizationId, name: organizationName ?? null } } : {}),
    };
  }

  const verify = () => {
    identity ??= loadIdentity().catch((error: unknown) => {
      identity = undefined;
      throw error;
    });
    return identity;
  };

  /** Era B tells each key's type, owner and permission mode; ask for new keys and for keys whose bindings changed. */
  async function learnFacts(keys: ApiKeyJson[], signal?: AbortSignal): Promise<void> {
    // A key Keyfleet made is read once too: its create answer does not say who made it.
    const queue = keys.filter((k) => facts.get(k.id)?.bindings !== bindingsKey(k.roleBindings));
    const worker = async () => {
      for (let key = queue.shift(); key; key = queue.shift()) {
        try {
          const res = await http.request({ method: 'GET', path: `/api/api-keys/${encodeURIComponent(key.id)}`, signal });
          const learned = factsOf(parseOrThrow(apiKeySchema, res.body, 'an API key'));
          if (learned) facts.set(key.id, learned);
        } catch (error) {
          // Gone meanwhile, or not ours to read: its type stays a guess.
          if (!(error instanceof ProviderError && (error.kind === 'not-found' || error.kind === 'unsupported'))) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, queue.length) }, worker));
  }

  function remote(json: ApiKeyJson, orgId: string): RemoteKey {
    return toRemoteKey(json, { organizationId: orgId, names, people: people.names(), facts: facts.get(json.id), now: Date.now() });
  }

  /** Who owns a new personal key: the one chosen, else the connection's user, if it has one. */
  async function ownerOf(spec: CreateKeySpec): Promise<string> {
    const chosen = spec.fields?.owner;
    if (typeof chosen === 'string' && chosen) return chosen;
    if (!listed) {
      listed = await listKeyJson();
      await learnFacts(listed);
    }
    const own = people.ownerChoice(listed.flatMap((k) => facts.get(k.id) ?? [])).default;
    if (own) return own;
    throw new ProviderError('invalid', 'This connection’s key belongs to no member, so a personal key needs an owner: choose the member it is for.', {
      fields: { owner: 'Choose the member who owns the key.' },
    });
  }

  function bindingOf(grant: { scope: RemoteScope; role: string }): BindingJson {
    const scopeType = SCOPE_TYPES[grant.scope.kind];
    if (!scopeType) throw new ProviderError('invalid', `A LangWatch key cannot be bound to a ${grant.scope.kind}.`, { fields: { grants: 'Choose an organization, team or project.' } });
    if (!FORM_ROLES.has(grant.role)) {
      throw new AppError('unsupported', `Keyfleet cannot create a LangWatch key with the ${grant.role} role: a CUSTOM binding needs a permission list only LangWatch itself can set. Create it in LangWatch.`, { fields: { grants: 'Choose Admin, Member or Viewer.' } });
    }
    return { role: grant.role, scopeType, scopeId: grant.scope.id };
  }

  const provider: Provider = {
    kind: 'langwatch',
    get capabilities() {
      return langwatchCapabilities(era);
    },

    verify,

    async listScopes(options?: ListOptions) {
      const signal = options?.signal;
      http.warm(); // a sync's burst of requests starts here
      let teams: z.infer<typeof teamSchema>[] = [];
      try {
        teams = await allPages('/api/teams', teamSchema, 'teams', signal);
      } catch (error) {
        // A key without team:view still lists the projects it may see.
        if (!(error instanceof ProviderError && error.kind === 'forbidden')) throw error;
      }
      const projects = await allPages('/api/projects', projectSchema, 'projects', signal);
      organizationId = teams[0]?.organizationId ?? organizationId ?? (await findOrganizationId(await listKeyJson(signal)));
      const orgId = organizationId ?? UNKNOWN_ORGANIZATION;
      const teamIds = new Set(teams.map((t) => t.id));
      names.clear();
      const organization: RemoteScope = { id: orgId, kind: 'organization', name: organizationName ?? 'Organization', parentId: null, raw: { id: orgId, name: organizationName ?? null } };
      const scopes: RemoteScope[] = [organization];
      for (const t of teams) {
        names.set(t.id, t.name || t.slug || t.id);
        scopes.push({ id: t.id, kind: 'team', name: t.name || t.slug || t.id, parentId: orgId, raw: { ...t } });
      }
      for (const p of projects) {
        names.set(p.id, p.name || p.slug || p.id);
        scopes.push({ id: p.id, kind: 'project', name: p.name || p.slug || p.id, parentId: teamIds.has(p.teamId) ? p.teamId : orgId, raw: { ...p } });
      }
      return scopes;
    },

    async listKeys(scope, options) {
      // Keys belong to the organization; teams and projects only appear in their bindings.
      if (scope.kind !== 'organization') return [];
      const keys = await listKeyJson(options?.signal);
      if (era === undefined) await verify();
      if (era === 'B') await Promise.all([learnFacts(keys, options?.signal), people.read(options?.signal)]);
      listed = keys;
      return keys.map((k) => remote(k, scope.id));
    },

    async createForm(): Promise<CreateFormSpec> {
      if (era === undefined) await verify();
      const form = langwatchCapabilities(era).createForm;
      if (era !== 'B') return form;
      // Who may own a personal key: the connection's user by default, any member for an admin.
      listed = await listKeyJson();
      await Promise.all([learnFacts(listed), people.read()]);
      const owner = ownerField(people.ownerChoice(listed.flatMap((k) => facts.get(k.id) ?? [])));
      return { types: form.types.map((t) => (t.id === 'personal' ? { ...t, fields: [owner] } : t)) };
    },

    async createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey> {
      if (scope.kind !== 'organization') {
        throw new ProviderError('invalid', 'LangWatch keys are created in the organization; their bindings say where they reach.', { fields: { scopeId: 'Choose the organization.' } });
      }
      if (spec.type !== 'personal' && spec.type !== 'service') {
        throw new ProviderError('invalid', 'Choose a personal or a service key.', { fields: { type: 'Choose a personal or a service key.' } });
      }
      const type: KeyType = spec.type;
      // A create may come before any sync of this session: the spec's scopes carry the names.
      for (const s of [...(spec.scopes ?? []), ...(spec.grants ?? []).map((g) => g.scope)]) names.set(s.id, s.name);
      const bindings = (spec.grants ?? []).map(bindingOf);
      if (type === 'personal' && bindings.length === 0 && !carryOf(spec.carry).customBindings?.length) {
        throw new ProviderError('invalid', 'A personal LangWatch key needs at least one role binding.', { fields: { grants: 'Add at least one role binding.' } });
      }
      const projectIds = (spec.scopes ?? []).map((s) => {
        if (type !== 'service' || s.kind !== 'project') throw new ProviderError('invalid', 'Only a service key is limited to projects.', { fields: { scopeIds: 'Only service keys take projects.' } });
        return s.id;
      });
      const expiresAt = spec.expiresAt !== undefined ? new Date(spec.expiresAt).toISOString() : undefined;
      // What only a rotation carries: a restricted key's CUSTOM bindings and permissions, its mode.
      const carry = carryOf(spec.carry);
      const allBindings = [...bindings, ...(carry.customBindings ?? [])];
      // ≥ v3.13 makes a personal key for assignedToUserId, else for the caller: a service key acts as no one.
      const owner = type === 'personal' && era === 'B' ? await ownerOf(spec) : undefined;
      const body = {
        keyType: type,
        name: spec.name,
        description: spec.description || undefined,
        expiresAt,
        assignedToUserId: owner,
        permissionMode: carry.permissionMode,
        permissions: carry.permissions,
        bindings: allBindings.length > 0 ? allBindings : undefined,
        projectIds: projectIds.length > 0 ? projectIds : undefined,
      };
      const res = await http.request({ method: 'POST', path: '/api/api-keys', body });
      const created = parseOrThrow(createdSchema, res.body, 'the new key');
      if (!created.token) {
        throw new ProviderError('bad-response', `LangWatch created the key “${spec.name}” but did not return it; revoke it in LangWatch and create another.`);
      }
      const granted: BindingJson[] = [...allBindings, ...projectIds.map((id) => ({ role: 'ADMIN', scopeType: 'PROJECT', scopeId: id }))];
      if (type === 'service' && granted.length === 0) granted.push({ role: 'ADMIN', scopeType: 'ORGANIZATION', scopeId: scope.id });
      facts.set(created.apiKey.id, {
        keyType: type,
        ...(era === 'B' ? { assignedToUserId: owner ?? null, permissionMode: carry.permissionMode ?? 'all', permissions: carry.permissions ?? [] } : {}),
      });
      const json: ApiKeyJson = {
        id: created.apiKey.id,
        name: created.apiKey.name ?? spec.name,
        description: spec.description || null,
        createdAt: created.apiKey.createdAt ?? new Date().toISOString(),
        expiresAt: expiresAt ?? null,
        lastUsedAt: null,
        revokedAt: null,
        roleBindings: granted,
      };
      return {
        key: remote(json, scope.id),
        secret: {
          title: `LangWatch ${type} key “${json.name}”`,
          fields: [{ label: 'API key', value: created.token, secret: true }],
          note: 'LangWatch shows a key only this once and never again, not even masked; Keyfleet keeps only its first characters to recognise it. Send it as “Authorization: Bearer <key>”.',
        },
        hint: hintOf(created.token),
      };
    },

    async twinPlan(key: RemoteKey, scopes: RemoteScope[]): Promise<TwinPlan> {
      if (era === undefined) await verify();
      if (era !== 'B') return twinPlanOf(key, scopes, names);
      // Read the key as it is now: its owner, bindings and permissions may have changed since the sync.
      const res = await http.request({ method: 'GET', path: `/api/api-keys/${encodeURIComponent(key.id)}` });
      const json = parseOrThrow(apiKeySchema, res.body, 'the key');
      const learned = factsOf(json);
      if (learned) facts.set(json.id, learned);
      for (const s of scopes) names.set(s.id, s.name);
      return twinPlanOf(remote(json, key.scopeId), scopes, names);
    },

    async renameKey(key: RemoteKey, changes: KeyChanges) {
      if (era !== 'B') throw new AppError('unsupported', langwatchCapabilities('A').actions.rename.note!);
      try {
        const res = await http.request({
          method: 'PATCH',
          path: `/api/api-keys/${encodeURIComponent(key.id)}`,
          body: { name: changes.name, description: changes.description },
          idempotent: true,
        });
        const json = parseOrThrow(apiKeySchema, res.body, 'the updated key');
        const learned = factsOf(json);
        if (learned) facts.set(json.id, learned);
        // A rename leaves the bindings alone; keep their wording even before this session's first sync.
        const renamed = remote(json, key.scopeId);
        return names.size === 0 ? { ...renamed, role: key.role } : renamed;
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'unsupported') {
          throw new ProviderError('unsupported', 'This LangWatch server no longer offers renaming (it answers like v3.12 or older). Nothing was changed; remove the connection and add it again so Keyfleet keeps names as local labels.', { status: error.status });
        }
        throw error;
      }
    },

    async deleteKey(key: RemoteKey) {
      try {
        await http.request({ method: 'DELETE', path: `/api/api-keys/${encodeURIComponent(key.id)}` });
      } catch (error) {
        // 409: revoked already (elsewhere, or by our own retried call); 404: LangWatch has no such key.
        // Either way it no longer authenticates, which is what the user asked for.
        if (!(error instanceof ProviderError && (error.kind === 'conflict' || error.kind === 'not-found'))) throw error;
      }
      facts.delete(key.id);
    },

    // LangWatch never shows a key again, not even masked: only a key Keyfleet created (and kept
    // the first characters of) can be recognised.
    credentialMatch: () => ({ localHint: hintOf(token) }),

    close: () => http.close(),
  };
  return provider;
}

export const langwatch: ProviderModule = {
  kind: 'langwatch',
  // lastUsedAt of every key, set after each successful call (auth-middleware.ts markUsed).
  lastUse: { keyTypes: 'all' },
  info: {
    kind: 'langwatch',
    displayName: 'LangWatch',
    credential: {
      type: 'token',
      labels: { token: 'Organization API key (sk-lw-…)' },
      hint: 'An organization API key from Settings → API keys, with an ADMIN binding on the organization (an organization admin’s personal key, or a service key). A project API key cannot manage keys.',
    },
    baseUrl: {
      placeholder: 'https://app.langwatch.ai',
      presets: [{ id: 'https://app.langwatch.ai', label: 'LangWatch Cloud' }],
      hint: 'LangWatch Cloud, or your self-hosted LangWatch’s own address.',
    },
  },
  capabilities: (settings) => langwatchCapabilities(eraOf(settings)),
  normalizeBaseUrl: normalizeLangwatchUrl,
  describeKey: describeLangwatchKey,
  create: createLangwatchProvider,
};
