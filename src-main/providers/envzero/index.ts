// env zero adapter: organization API keys. Contract: ../shared/providers/envzero-and-deepset.md,
// Part 1. Auth is HTTP Basic with the key's apiKeyId and apiKeySecret; a personal key may reach
// several organizations, so a connection manages the one the user chose. Keys live at the
// organization; projects and teams are drawn as its tree. A User or custom-role key is a member
// like a user: it holds project roles (built in or custom) and belongs to teams, which Keyfleet
// reads, sets on create and carries to a rotation's twin. The list lags behind a create, and a
// deleted key may keep authenticating for up to an hour: both are held honestly in the cache.
import type { Capabilities } from '../../../src-preload/contract.ts';
import { AppError, ProviderError, type ProviderErrorKind } from '../../errors.ts';
import { createHttpClient } from '../../http/client.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import type { CreateKeySpec, CreatedKey, DeleteOutcome, Identity, KeyFact, Provider, ProviderConfig, ProviderModule, TwinPlan } from '../types.ts';
import { createEnvZeroApi } from './api.ts';
import { describeEnvZeroError } from './errors.ts';
import { createFormFor, envZeroCapabilities, KEY_TYPE } from './form.ts';
import {
  apiKeySchema,
  describeProjectRoles,
  knownProjectRoles,
  knownTeams,
  parseOrThrow,
  PROJECT_ROLES,
  projectRolesIn,
  teamsByMember,
  toRemoteKey,
  type ApiKeyJson,
  type OrganizationJson,
  type TeamJson,
} from './parse.ts';

export const DEFAULT_BASE_URL = 'https://api.env0.com';
/** env zero caches a successful authentication for up to an hour. */
export const AUTH_CACHE_MS = 60 * 60 * 1000;
/** How long a new key is kept although the lagging list does not show it yet. */
export const LIST_LAG_HOLD_MS = 2 * 60 * 1000;

export interface EnvZeroTuning {
  holdMs?: number;
  authCacheMs?: number;
  now?: () => number;
}

/** Users paste the web app's address or a trailing slash; keep the API root. */
export function normalizeEnvZeroUrl(input: string): string {
  const url = new URL(input);
  if (url.hostname === 'app.env0.com' || url.hostname === 'env0.com' || url.hostname === 'www.env0.com') {
    url.hostname = 'api.env0.com';
    url.pathname = '/';
  }
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '') || '/';
  return url.toString().replace(/\/$/, '');
}

interface Organization {
  id: string;
  name: string;
}

export function createEnvZeroProvider(config: ProviderConfig, tuning: EnvZeroTuning = {}): Provider {
  if (config.credential.type !== 'key-pair') {
    throw new ProviderError('invalid', 'env zero needs an API key ID and an API key secret.', { fields: { accessKey: 'Required for env zero.' } });
  }
  const { accessKey: apiKeyId, secretKey } = config.credential;
  const now = tuning.now ?? Date.now;
  const holdMs = tuning.holdMs ?? LIST_LAG_HOLD_MS;
  const authCacheMs = tuning.authCacheMs ?? AUTH_CACHE_MS;
  const basic = Buffer.from(`${apiKeyId}:${secretKey}`).toString('base64');
  const http = createHttpClient({
    ...config.http,
    baseUrl: normalizeEnvZeroUrl(config.baseUrl),
    backendName: 'env zero',
    ca: config.ca,
    headers: { authorization: `Basic ${basic}` },
    describeError: (status, body, method) => describeEnvZeroError(status, body, method, [secretKey, basic]),
  });
  const api = createEnvZeroApi(http);
  /** Custom role id → name, refreshed whenever roles are read. */
  let customRoles = new Map<string, string>();
  let projectIds: string[] | undefined;
  /** Project and team names from the last tree drawn, to name a key's project roles and teams. */
  let projectNames = new Map<string, string>();
  let teamNames = new Map<string, string>();
  /** The teams the last listScopes read, handed once to the listKeys of the same sync. */
  let teamsOfSync: TeamJson[] | undefined;
  let settled: Organization | undefined =
    typeof config.settings?.target === 'string'
      ? { id: config.settings.target, name: String(config.settings.targetName ?? config.settings.target) }
      : undefined;

  const orgName = (o: OrganizationJson) => o.name || o.id;

  async function organization(): Promise<Organization> {
    if (settled) return settled;
    const orgs = await api.organizations();
    if (orgs.length !== 1) {
      throw new ProviderError('invalid', 'This env zero API key reaches several organizations and the connection does not say which one it manages; add the connection again and choose one.');
    }
    settled = { id: orgs[0]!.id, name: orgName(orgs[0]!) };
    return settled;
  }

  async function readRoles(orgId: string) {
    const roles = await api.roles(orgId);
    customRoles = new Map(roles.map((r) => [r.id, r.name || r.id]));
    return roles;
  }

  /** The list may omit a User key's project roles; then they are read from the projects. */
  async function projectRolesByKey(keys: ApiKeyJson[], orgId: string) {
    const missing = keys.some((k) => k.organizationRole !== 'Admin' && projectRolesIn(k) === undefined);
    if (!missing) return undefined;
    projectIds ??= (await api.projects(orgId)).filter((p) => !p.isArchived).map((p) => p.id);
    return api.assignments(projectIds);
  }

  const provider: Provider = {
    kind: 'envzero',
    capabilities: envZeroCapabilities,

    async verify(): Promise<Identity> {
      const orgs = await api.organizations();
      if (orgs.length === 0) throw new ProviderError('forbidden', 'This env zero API key reaches no organization.');
      const choices = orgs.map((o) => ({ id: o.id, label: orgName(o), hint: o.role ? `Role: ${o.role}` : undefined }));
      const wanted = typeof config.settings?.target === 'string' ? config.settings.target : config.target;
      let org: OrganizationJson | undefined;
      if (wanted) {
        org = orgs.find((o) => o.id === wanted);
        if (!org) {
          throw new ProviderError('invalid', `This env zero API key does not reach the organization ${String(config.settings?.targetName ?? wanted)}; choose one it reaches.`, {
            fields: { target: 'Choose an organization this key reaches.' },
            choices,
          });
        }
      } else if (orgs.length === 1) {
        org = orgs[0]!;
      } else {
        return { accountId: apiKeyId, accountName: `API key ${apiKeyId}`, choices };
      }
      let keys: ApiKeyJson[];
      try {
        keys = await api.keys(org.id);
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'forbidden') {
          throw new ProviderError(
            'forbidden',
            `env zero refused to list the API keys of “${orgName(org)}” to this key (HTTP 403). Keyfleet needs an organization Admin API key, or the personal API key of an organization admin.`,
            { status: error.status },
          );
        }
        throw error;
      }
      // An organization key is itself in the list; a personal key is not.
      const own = keys.find((k) => k.apiKeyId === apiKeyId);
      settled = { id: org.id, name: orgName(org) };
      return {
        accountId: apiKeyId,
        accountName: own?.name ? `${own.name} (organization API key)` : `Personal API key ${apiKeyId}`,
        settings: { target: org.id, targetName: orgName(org), keyKind: own ? 'organization' : 'personal' },
        organization: { id: org.id, name: orgName(org) },
      };
    },

    // An organization key is listed under its API key ID; a personal key is not in the list at all.
    credentialMatch: () => ({ maskedValue: apiKeyId }),

    async listScopes(): Promise<RemoteScope[]> {
      http.warm(); // a sync's burst of requests starts here
      const org = await organization();
      const [projects, teams] = await Promise.all([api.projects(org.id), api.teams(org.id)]);
      const live = projects.filter((p) => !p.isArchived);
      projectIds = live.map((p) => p.id);
      projectNames = new Map(live.map((p) => [p.id, p.name || p.id]));
      teamNames = new Map(teams.map((t) => [t.id, t.name || t.id]));
      teamsOfSync = teams;
      const ids = new Set(projectIds);
      return [
        { id: org.id, kind: 'organization', name: org.name, parentId: null, raw: { id: org.id, name: org.name } },
        ...live.map((p) => ({
          id: p.id,
          kind: 'project',
          name: p.name || p.id,
          // A sub-project whose parent is archived or hidden hangs from the organization.
          parentId: p.parentProjectId && ids.has(p.parentProjectId) ? p.parentProjectId : org.id,
          raw: { id: p.id, name: p.name ?? null, parentProjectId: p.parentProjectId ?? null, description: p.description ?? null },
        })),
        ...teams.map((t) => ({ id: t.id, kind: 'team', name: t.name || t.id, parentId: org.id, raw: { id: t.id, name: t.name ?? null, description: t.description ?? null } })),
      ];
    },

    async listKeys(scope: RemoteScope): Promise<RemoteKey[]> {
      // Keys belong to the organization only; projects and teams hold none.
      if (scope.kind !== 'organization') return [];
      const org = await organization();
      const shared = teamsOfSync;
      teamsOfSync = undefined;
      const members = async () => api.teamsWithMembers(shared ?? (await api.teams(org.id)));
      const [keys, , teams] = await Promise.all([api.keys(org.id), readRoles(org.id), members()]);
      const byUser = await projectRolesByKey(keys, org.id);
      const byMember = teamsByMember(teams);
      return keys.map((k) =>
        toRemoteKey(k, {
          orgId: org.id,
          customRoles,
          projectNames,
          projectRoles: projectRolesIn(k) ?? (k.organizationRole === 'Admin' ? undefined : (byUser?.get(k.id) ?? [])),
          teams: byMember.get(k.id) ?? [],
        }),
      );
    },

    async createForm() {
      const org = await organization();
      const [roles, teams] = await Promise.all([readRoles(org.id), api.teams(org.id)]);
      return createFormFor(
        roles.map((r) => ({ id: r.id, name: r.name || r.id })),
        teams.map((t) => ({ id: t.id, name: t.name || t.id })),
      );
    },

    async createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey> {
      const org = await organization();
      if (scope.kind !== 'organization' || scope.id !== org.id || spec.type !== KEY_TYPE) {
        throw new ProviderError('invalid', 'env zero API keys are created in the organization itself.', { fields: { type: 'Choose the organization as the place for the key.' } });
      }
      const role = spec.role ?? 'Admin';
      const grants = spec.grants ?? [];
      const teamIds = listOf(spec.fields?.teamIds);
      if (role === 'Admin' && (grants.length > 0 || teamIds.length > 0)) {
        throw new ProviderError('invalid', 'An Admin key reaches every project; project roles and teams apply only to User and custom-role keys.', {
          fields: grants.length > 0 ? { grants: 'Remove the project roles, or choose the User role.' } : { teamIds: 'Remove the teams, or choose the User role.' },
        });
      }
      // Custom roles are named in what Keyfleet records; a create may come before any sync.
      if ([role, ...grants.map((g) => g.role)].some((r) => r !== 'User' && !PROJECT_ROLES.includes(r) && !customRoles.has(r))) await readRoles(org.id);
      // The create body takes the built-in project roles; custom ones, like teams, are given after.
      const builtIn = grants.filter((g) => PROJECT_ROLES.includes(g.role));
      const custom = grants.filter((g) => !PROJECT_ROLES.includes(g.role));
      const projectsPermissions = builtIn.map((g) => ({ projectId: g.scope.id, projectRole: g.role }));
      const res = await api.call({
        method: 'POST',
        path: '/api-keys',
        body: { name: spec.name, organizationId: org.id, permissions: { organizationRole: role, ...(builtIn.length > 0 ? { projectsPermissions } : {}) } },
      });
      const created = parseOrThrow(apiKeySchema, res.body, 'the new key');
      const { apiKeyId: newId, apiKeySecret } = created;
      if (!newId || !apiKeySecret) {
        throw new ProviderError('bad-response', `env zero created the key “${spec.name}” but did not return both its API key ID and secret; delete it in env zero and create another.`);
      }
      const teams: Array<{ id: string; name: string }> = [];
      try {
        for (const g of custom) await api.assignProjectRole(g.scope.id, created.id, g.role);
        for (const teamId of teamIds) teams.push({ id: teamId, name: (await api.addToTeam(teamId, created.id)) || teamNames.get(teamId) || teamId });
      } catch (error) {
        throw await undoCreate(created.id, spec.name, error);
      }
      const key = toRemoteKey(created, {
        orgId: org.id,
        customRoles,
        projectNames,
        projectRoles: projectRolesIn(created) ?? (role === 'Admin' ? undefined : grants.map((g) => ({ projectId: g.scope.id, projectRole: g.role }))),
        teams,
      });
      return {
        key,
        secret: {
          title: `env zero API key “${spec.name}”`,
          fields: [
            { label: 'API key ID', value: newId, secret: false },
            { label: 'API key secret', value: apiKeySecret, secret: true },
          ],
          note: 'env zero shows the secret only this once. Both are needed to use the key: the API key ID is the user name and the secret the password (HTTP Basic).',
        },
        // The list may not show the key for a while (env zero's own client waits 15 s).
        holdUntil: now() + holdMs,
      };
    },

    async twinPlan(key: RemoteKey, scopes: RemoteScope[]): Promise<TwinPlan> {
      const role = typeof key.raw.organizationRole === 'string' ? key.raw.organizationRole : undefined;
      const roleName = key.role ?? role ?? 'unknown';
      if (!role || role === 'Admin') return { ...(role ? { role } : {}), keeps: [`Organization role: ${roleName}`] };
      const byId = new Map(scopes.filter((s) => s.kind === 'project').map((s) => [s.id, s]));
      const roles = knownProjectRoles(key.raw);
      const grants = roles.map((p) => {
        const scope = byId.get(p.projectId);
        if (!scope) throw new AppError('conflict', `“${key.name}” has a role in a project Keyfleet does not know (${p.project ?? p.projectId}); sync, then rotate again.`);
        return { scope, role: p.projectRole };
      });
      // Membership is read now: a team joined since the last sync must not be lost.
      const org = await organization();
      const teams = teamsByMember(await api.teamsWithMembers(await api.teams(org.id))).get(key.id) ?? [];
      const keeps = [`Organization role: ${roleName}`, `Project roles: ${roles.length ? describeProjectRoles(roles) : 'none'}`, `Teams: ${teams.length ? teams.map((t) => t.name).join(', ') : 'none'}`];
      return { role, grants, fields: { teamIds: teams.map((t) => t.id) }, keeps };
    },

    async deleteKey(key: RemoteKey): Promise<DeleteOutcome> {
      try {
        await api.call({ method: 'DELETE', path: `/api-keys/${encodeURIComponent(key.id)}` });
      } catch (error) {
        // 404: deleted elsewhere already. Its cached sign-ins may still last, so it is revoked all the same.
        if (!(error instanceof ProviderError && error.kind === 'not-found' && error.status === 404)) throw error;
      }
      return {
        kind: 'revoked',
        mayAuthenticateUntil: now() + authCacheMs,
        key: { ...key, status: 'revoked', statusDetail: 'deleted', raw: { ...key.raw } },
      };
    },

    close: () => http.close(),
  };

  /** A key env zero made but Keyfleet could not finish (a project role or team refused): it goes again. */
  async function undoCreate(id: string, name: string, cause: unknown): Promise<AppError> {
    const why = cause instanceof AppError ? cause.message : 'an unexpected error';
    const kind = cause instanceof ProviderError ? (cause.kind as ProviderErrorKind) : 'bad-response';
    try {
      await api.call({ method: 'DELETE', path: `/api-keys/${encodeURIComponent(id)}` });
    } catch {
      return new ProviderError(kind, `env zero created “${name}” but refused a project role or team for it (${why}), and Keyfleet could not delete the half-made key: delete “${name}” in env zero. Its secret was never shown.`);
    }
    return new ProviderError(kind, `env zero created “${name}” but refused a project role or team for it (${why}). Keyfleet deleted the half-made key again; its secret was never shown.`);
  }

  return provider;
}

function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Teams and project roles of a key, as the details show them. */
export function describeEnvZeroKey(key: RemoteKey): KeyFact[] {
  const facts: KeyFact[] = [];
  const roles = knownProjectRoles(key.raw);
  if (roles.length > 0) facts.push({ label: 'Project roles', value: describeProjectRoles(roles) });
  const teams = knownTeams(key.raw);
  if (teams !== undefined && key.raw.organizationRole !== 'Admin') facts.push({ label: 'Teams', value: teams.length ? teams.map((t) => t.name).join(', ') : 'none' });
  return facts;
}

export const envzero: ProviderModule = {
  kind: 'envzero',
  // lastUsedAt of every API key (terraform-provider-env0 client/api_key.go); empty: never used.
  lastUse: { keyTypes: 'all' },
  info: {
    kind: 'envzero',
    displayName: 'env zero',
    credential: {
      type: 'key-pair',
      labels: { accessKey: 'API key ID', secretKey: 'API key secret' },
      hint: 'An organization Admin API key (Organization Settings → API Keys), or the personal API key of an organization admin (Personal Settings → API Keys).',
    },
    baseUrl: {
      placeholder: DEFAULT_BASE_URL,
      presets: [{ id: DEFAULT_BASE_URL, label: 'env zero (api.env0.com)' }],
      hint: 'The env zero API: https://api.env0.com.',
    },
    targetLabel: 'organization',
  },
  capabilities: (): Capabilities => envZeroCapabilities,
  normalizeBaseUrl: normalizeEnvZeroUrl,
  describeKey: describeEnvZeroKey,
  create: (config) => createEnvZeroProvider(config),
};

