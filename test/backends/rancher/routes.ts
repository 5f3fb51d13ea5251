// The v2-beta API behind authentication: project scoping (path prefix, X-API-Project-Id header or
// ?projectId=), the apiKey collection and resources with their actions, and the read-only
// collections around them (credentials, projects, accounts, schemas, the API root).
import { collectionBody, pageOf, paging, parseConditions, sortOf, type Condition, type Fields, type Sort } from './collection.ts';
import { RancherError } from './json.ts';
import type { Account, Credential, MemberRole, RancherModel } from './model.ts';
import {
  ACCOUNT_FILTERS,
  API_KEY_FILTERS,
  PROJECT_FILTERS,
  renderAccount,
  renderCredential,
  renderProject,
  renderRoot,
  schemas,
  type View,
} from './render.ts';

export interface Caller {
  /** The key that authenticated; null when access control is off and cattle served the request as the admin. */
  credential: Credential | null;
  /** The account the key belongs to (a user, an admin, or a project for environment keys). */
  account: Account;
  isAdmin: boolean;
}

export interface Scope {
  caller: Caller;
  /** The account every read and write is scoped to. */
  effective: Account;
  /** The caller's role in the effective project, when acting inside one. */
  role: MemberRole | null;
  /** '/projects/1a5' when the request named its project in the path (links keep it), else ''. */
  pathPrefix: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface ApiRequest {
  method: string;
  /** Path segments after `/v2-beta`, the project prefix removed. */
  segments: string[];
  query: URLSearchParams;
  rawQuery: string;
  /** `http(s)://host[:port]`, lower-cased. */
  origin: string;
  /** The request URL without query, lower-cased, for links.self of collections. */
  self: string;
  body(): Promise<Record<string, unknown>>;
  scope: Scope;
}

export interface ApiContext {
  model: RancherModel;
  maxLimit: number;
}

const PROJECT_ID = /^1a\d+$/i;

/**
 * The effective account (ApiAuthenticator.getAccountRequested). An environment key always acts as
 * its own project; an account key acts as itself, or as a project it can reach. Unknown, unparsable
 * or unreachable projects named in the path answer 403; an unparsable header or ?projectId= is 400.
 */
export function resolveScope(model: RancherModel, caller: Caller, requested: { path?: string; header?: string; query?: string }): Scope {
  const fromHeader = requested.header ?? requested.query;
  if (requested.path === undefined && fromHeader !== undefined && !PROJECT_ID.test(fromHeader)) throw new RancherError(400, 'InvalidFormat');
  const id = (requested.path ?? fromHeader)?.toLowerCase();
  const pathPrefix = requested.path === undefined ? '' : `/projects/${requested.path.toLowerCase()}`;
  if (caller.account.kind === 'project') {
    if (id !== undefined && id !== caller.account.id) throw new RancherError(403);
    return { caller, effective: caller.account, role: 'owner', pathPrefix };
  }
  if (id === undefined) return { caller, effective: caller.account, role: null, pathPrefix };
  const project = model.accounts.get(id);
  // A deactivated environment refuses every call into it, its owner's too (AccountDao.isActiveAccount).
  if (!project || project.kind !== 'project' || project.state !== 'active') throw new RancherError(403);
  // Admins manage every environment regardless of membership.
  const role = project.members.get(caller.account.id) ?? (caller.isAdmin ? 'owner' : undefined);
  if (!role) throw new RancherError(403);
  return { caller, effective: project, role, pathPrefix };
}

/** An admin acting as itself sees the admin schema: every account's rows, data and removeTime. */
function adminAll(scope: Scope): boolean {
  return scope.caller.isAdmin && scope.effective === scope.caller.account;
}

export function viewFor(r: Pick<ApiRequest, 'origin' | 'scope'>, model: RancherModel): View {
  const root = `${r.origin}/v2-beta`;
  return {
    root,
    base: `${root}${r.scope.pathPrefix}`,
    adminSchema: adminAll(r.scope),
    readOnly: r.scope.role === 'readonly',
    variant: model.options.variant,
  };
}

export async function route(api: ApiContext, r: ApiRequest): Promise<Reply> {
  const [type, id, link, ...more] = r.segments;
  if (type === undefined) {
    if (r.method !== 'GET') throw new RancherError(405);
    return { status: 200, body: renderRoot(viewFor(r, api.model)) };
  }
  if (more.length) throw new RancherError(404);
  switch (collectionType(type)) {
    case 'apiKey':
      return apiKeys(api, r, id, link);
    case 'credential':
      return readOnly(r, id, link, () => credentials(api, r, id));
    case 'project':
      return readOnly(r, id, link, () => projects(api, r, id));
    case 'account':
      return readOnly(r, id, link, () => accounts(api, r, id));
    case 'schema':
      return readOnly(r, id, link, () => schemaReply(api, r, id));
    default:
      throw new RancherError(404);
  }
}

/** `apikeys`, `apiKeys`, `apikey` … : case-insensitive, singular or plural (SchemaFactoryImpl). */
function collectionType(segment: string): string | undefined {
  const lower = segment.toLowerCase();
  const singular = lower.endsWith('s') ? lower.slice(0, -1) : lower;
  return ({ apikey: 'apiKey', credential: 'credential', project: 'project', account: 'account', schema: 'schema' } as Record<string, string>)[singular];
}

function readOnly(r: ApiRequest, _id: string | undefined, link: string | undefined, answer: () => Reply): Reply {
  if (link !== undefined) throw new RancherError(404);
  if (r.method !== 'GET') throw new RancherError(405);
  return answer();
}

// ------------------------------------------------------------------------------ apiKeys

async function apiKeys(api: ApiContext, r: ApiRequest, id: string | undefined, link: string | undefined): Promise<Reply> {
  const { model } = api;
  const view = viewFor(r, model);
  if (id === undefined) {
    if (r.method === 'GET') return { status: 200, body: listCredentials(api, r, 'apiKey') };
    if (r.method === 'POST' && r.query.has('action')) throw new RancherError(422, 'InvalidAction', 'action');
    if (r.method === 'POST' && !view.readOnly) return { status: 201, body: await create(api, r, view) };
    throw new RancherError(405);
  }
  const key = visibleCredential(model, r.scope, id, 'apiKey');
  if (link !== undefined) {
    if (r.method !== 'GET') throw new RancherError(405);
    return keyLink(api, r, key, link.toLowerCase());
  }
  const action = r.query.get('action');
  if (r.method === 'GET') return { status: 200, body: renderCredential(model, key, view) };
  if (r.method === 'POST' && action !== null) {
    if (!model.knows(action)) throw new RancherError(422, 'InvalidAction', 'action');
    // The read-only role's schema has no resource actions at all (read-user.json), so none is valid.
    if (view.readOnly) throw new RancherError(422, 'InvalidAction', 'action');
    if (!model.actions(key).includes(action)) throw new RancherError(422, 'ActionNotAvailable', 'action');
    model.run(key, action);
    return { status: 202, body: renderCredential(model, key, view) };
  }
  if (view.readOnly) throw new RancherError(405);
  if (r.method === 'PUT') {
    const body = withQuery(await r.body(), r.query);
    const name = textField(body, 'name', 255);
    const description = textField(body, 'description', 1024);
    // Only name and description are updatable; everything else in the body is dropped silently.
    if (name !== undefined) key.name = name;
    if (description !== undefined) key.description = description;
    return { status: 200, body: renderCredential(model, key, view) };
  }
  if (r.method === 'DELETE') {
    if (model.delete(key) === 'refused') throw new RancherError(405);
    return { status: 200, body: renderCredential(model, key, view) };
  }
  throw new RancherError(405);
}

async function create(api: ApiContext, r: ApiRequest, view: View): Promise<Record<string, unknown>> {
  const { model } = api;
  const body = withQuery(await r.body(), r.query);
  const name = textField(body, 'name', 255) ?? null;
  const description = textField(body, 'description', 1024) ?? null;
  let accountId = r.scope.effective.id;
  let publicValue: string | undefined;
  let secretValue: string | undefined;
  // Only the admin schema lets a caller choose the account and the key pair (admin-auth.json: cr).
  if (view.adminSchema) {
    const wanted = body.accountId;
    if (wanted !== undefined && wanted !== null) {
      if (typeof wanted !== 'string' || !model.accounts.has(wanted.toLowerCase())) throw new RancherError(422, 'InvalidReference', 'accountId');
      accountId = wanted.toLowerCase();
    }
    publicValue = stringField(body, 'publicValue');
    secretValue = stringField(body, 'secretValue');
    if (publicValue !== undefined && model.publicValueTaken(publicValue)) throw new RancherError(422, 'NotUnique', 'publicValue');
  }
  const { credential, secretValue: secret } = model.createKey(accountId, { name, description, publicValue, secretValue });
  return renderCredential(model, credential, view, { secret });
}

function keyLink(api: ApiContext, r: ApiRequest, key: Credential, link: string): Reply {
  const view = viewFor(r, api.model);
  if (link === 'account') return { status: 200, body: renderAccount(api.model.accounts.get(key.accountId)!, view) };
  if (link === 'images' || link === 'instances') {
    const self = `${view.base}/apikeys/${key.id}/${link}`;
    const body = collectionBody({ resourceType: link.slice(0, -1), self, rawQuery: '', data: [], pagination: null, conditions: [], fields: {}, sort: null });
    return { status: 200, body };
  }
  // `certificate` (a zip with an X.509 certificate for the key) is not reproduced.
  throw new RancherError(404);
}

/** 404 for a missing id, another kind, or another account's key (unless the admin schema applies). */
function visibleCredential(model: RancherModel, scope: Scope, id: string, kind?: 'apiKey'): Credential {
  const c = model.credentials.get(id.toLowerCase());
  if (!c || (kind && c.kind !== kind)) throw new RancherError(404);
  if (!adminAll(scope) && c.accountId !== scope.effective.id) throw new RancherError(404);
  return model.settle(c);
}

/** Query parameters are merged into the body (BodyParserRequestHandler.mergeMap); the body wins. */
function withQuery(body: Record<string, unknown>, query: URLSearchParams): Record<string, unknown> {
  const merged = { ...body };
  for (const field of ['name', 'description', 'accountId', 'publicValue', 'secretValue']) {
    const value = query.get(field);
    if (!(field in merged) && value !== null) merged[field] = value;
  }
  return merged;
}

function textField(body: Record<string, unknown>, field: string, maxLength: number): string | null | undefined {
  if (!(field in body)) return undefined;
  const value = body[field];
  if (value === null) return null;
  if (typeof value !== 'string') throw new RancherError(422, 'InvalidFormat', field);
  if (value.length > maxLength) throw new RancherError(422, 'MaxLengthExceeded', field);
  return value;
}

function stringField(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new RancherError(422, 'InvalidFormat', field);
  return value;
}

// ------------------------------------------------------------------------------ read-only collections

function listCredentials(api: ApiContext, r: ApiRequest, kind?: 'apiKey'): Record<string, unknown> {
  const { model } = api;
  const view = viewFor(r, model);
  const everyAccount = adminAll(r.scope);
  const effective = r.scope.effective.id;
  // Lists hide removed rows unless ?_removed (api.show.removed.for.seconds is negative).
  const includeRemoved = r.query.has('_removed') && r.query.get('_removed') !== 'false';
  const accept = (c: Credential) => {
    if (!everyAccount && c.accountId !== effective) return false;
    model.settle(c);
    return includeRemoved || c.removed === null;
  };
  const source = kind ? model.keyOrder : model.credentialOrder;
  return collectionOf(api, r, kind ?? 'credential', source, accept, API_KEY_FILTERS, (c) =>
    renderCredential(model, c, view, kind ? {} : { via: 'credentials' }),
  );
}

function collectionOf<T extends { id: string }>(
  api: ApiContext,
  r: ApiRequest,
  resourceType: string,
  source: Iterable<T>,
  accept: (item: T) => boolean,
  fields: Fields<T>,
  render: (item: T) => unknown,
): Record<string, unknown> {
  const conditions = parseConditions(r.query, fields);
  const sort: Sort | null = sortOf(r.query, fields);
  const page = paging(r.query, api.maxLimit);
  const { page: items, more } = pageOf(source, accept, conditions, fields, sort, page, (item) => Number(item.id.slice(2)));
  return collectionBody({ resourceType, self: r.self, rawQuery: r.rawQuery, data: items.map(render), pagination: { ...page, more }, conditions, fields, sort });
}

function credentials(api: ApiContext, r: ApiRequest, id: string | undefined): Reply {
  if (id === undefined) return { status: 200, body: listCredentials(api, r) };
  const c = visibleCredential(api.model, r.scope, id);
  return { status: 200, body: renderCredential(api.model, c, viewFor(r, api.model), { via: 'credentials' }) };
}

/** Projects the caller can reach: its own (environment key), membership, or every one (admin, ?all=true). */
function reachableProjects(model: RancherModel, r: ApiRequest): Account[] {
  const { caller } = r.scope;
  const all = caller.isAdmin && r.query.get('all') === 'true';
  return [...model.accounts.values()].filter((a) => {
    if (a.kind !== 'project') return false;
    if (caller.account.kind === 'project') return a.id === caller.account.id;
    const role = a.members.get(caller.account.id);
    // Inactive projects are shown only to their owners.
    if (a.state !== 'active' && role !== 'owner' && !caller.isAdmin) return false;
    return all || role !== undefined;
  });
}

function projects(api: ApiContext, r: ApiRequest, id: string | undefined): Reply {
  const { model } = api;
  const view = viewFor(r, model);
  const { caller } = r.scope;
  const canManage = (p: Account) => caller.isAdmin || p.members.get(caller.account.id) === 'owner';
  if (id !== undefined) {
    const project = model.accounts.get(id.toLowerCase());
    const reachable =
      project?.kind === 'project' &&
      (caller.isAdmin || (caller.account.kind === 'project' ? project.id === caller.account.id : project.members.has(caller.account.id)));
    if (!project || !reachable) throw new RancherError(404);
    return { status: 200, body: renderProject(project, view, canManage(project)) };
  }
  // Filters are applied in memory; name compares case-insensitively. The collection is unpaged.
  const conditions: Condition[] = parseConditions(r.query, PROJECT_FILTERS).map((c) =>
    c.field === 'name' && c.value !== null ? { ...c, value: c.value.toLowerCase() } : c,
  );
  const { page } = pageOf(reachableProjects(model, r), () => true, conditions, PROJECT_FILTERS, null, { limit: Number.MAX_SAFE_INTEGER, offset: 0 }, (p) =>
    Number(p.id.slice(2)),
  );
  const data = page.map((p) => renderProject(p, view, canManage(p)));
  return {
    status: 200,
    body: collectionBody({ resourceType: 'project', self: r.self, rawQuery: r.rawQuery, data, pagination: null, conditions, fields: PROJECT_FILTERS, sort: null }),
  };
}

function accounts(api: ApiContext, r: ApiRequest, id: string | undefined): Reply {
  const { model } = api;
  const view = viewFor(r, model);
  const everyAccount = adminAll(r.scope);
  const visible = (a: Account) => everyAccount || a.id === r.scope.effective.id;
  if (id !== undefined) {
    const account = model.accounts.get(id.toLowerCase());
    if (!account || !visible(account)) throw new RancherError(404);
    return { status: 200, body: renderAccount(account, view) };
  }
  return { status: 200, body: collectionOf(api, r, 'account', model.accounts.values(), visible, ACCOUNT_FILTERS, (a) => renderAccount(a, view)) };
}

function schemaReply(api: ApiContext, r: ApiRequest, id: string | undefined): Reply {
  const view = viewFor(r, api.model);
  const all = schemas(view);
  if (id === undefined) {
    return { status: 200, body: collectionBody({ resourceType: 'schema', self: r.self, rawQuery: '', data: all, pagination: null, conditions: [], fields: {}, sort: null }) };
  }
  const schema = all.find((s) => String(s.id).toLowerCase() === id.toLowerCase());
  if (!schema) throw new RancherError(404);
  return { status: 200, body: schema };
}
