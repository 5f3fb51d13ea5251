// A Rancher 1.x (cattle, API v2-beta) sandbox: a real HTTP(S) server on 127.0.0.1 reproducing the
// API-key contract in ../shared/providers/rancher-1x.md — routing and project scoping, Basic auth
// of active keys, field visibility, the state machine and its actions, collections with markers
// and filters, the error bodies — with fault injection. Used by tests, benchmarks and the preview.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { applyFault, createFaultInjector, handleControl, trackSockets, type FaultInjector } from '../faults.ts';
import { ALLOWED_FROM, RancherModel, type Account, type Credential } from './model.ts';
import { seedDefault } from './seed.ts';

export interface RancherSandboxOptions {
  port?: number;
  tls?: { key: string; cert: string };
  settleMs?: number;
  purgeAfterMs?: number;
  maxLimit?: number;
  seed?: 'default' | 'empty';
  variant?: '1.6' | '1.2';
}

export interface SandboxCredential {
  accessKey: string;
  secretKey: string;
}

export interface RancherSandbox {
  url: string;
  credentials: { admin: SandboxCredential; user: SandboxCredential; environment: SandboxCredential };
  ids: { admin: string; user: string; projects: Record<string, string> };
  faults: FaultInjector;
  issuedSecrets(): string[];
  authenticates(accessKey: string, secretKey: string): boolean;
  key(id: string): Record<string, unknown> | undefined;
  keys(accountId?: string): Array<Record<string, unknown>>;
  seedKeys(accountId: string, count: number, opts?: { namePrefix?: string }): void;
  requests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

const REALM = 'Basic realm="Enter API access key and secret key as username and password"';
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method not allowed',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
const STRING_FIELDS = ['name', 'description', 'kind', 'publicValue', 'uuid', 'id'];
const REF_FIELDS = ['state', 'accountId'];
const STRING_MODIFIERS = ['eq', 'ne', 'prefix', 'like', 'notlike', 'null', 'notnull'];
const REF_MODIFIERS = ['eq', 'ne', 'null', 'notnull'];
const OPTIONS = new Set(['limit', 'marker', 'sort', 'order', 'projectId', '_removed', 'all', '_format']);

class RancherError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldName: string | undefined;
  constructor(status: number, code?: string, fieldName?: string) {
    super(code ?? REASONS[status] ?? 'Error');
    this.status = status;
    this.code = code ?? REASONS[status] ?? 'Error';
    this.fieldName = fieldName;
  }
}

interface Caller {
  credential: Credential;
  account: Account;
  isAdmin: boolean;
}

interface Scope {
  caller: Caller;
  /** The effective account every read and write is scoped to. */
  effective: Account;
  /** '/projects/1a5' when the request named a project in its path, else ''. */
  prefix: string;
}

export async function startRancherSandbox(options: RancherSandboxOptions = {}): Promise<RancherSandbox> {
  const model = new RancherModel({
    settleMs: options.settleMs ?? 25,
    purgeAfterMs: options.purgeAfterMs ?? 60_000,
    variant: options.variant ?? '1.6',
  });
  const seeded =
    options.seed === 'empty'
      ? {
          credentials: { admin: emptyCred(), user: emptyCred(), environment: emptyCred() },
          ids: { admin: '', user: '', projects: {} },
        }
      : seedDefault(model);
  const maxLimit = options.maxLimit ?? 1000;
  const faults = createFaultInjector();
  const requests: RancherSandbox['requests'] = [];
  const withBaseType = model.options.variant === '1.6';

  // ------------------------------------------------------------ serialization

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    // Cattle's Jackson mapper escapes forward slashes; null fields are included.
    const text = JSON.stringify(body).replace(/\//g, '\\/');
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  function errorBody(status: number, code?: string, fieldName?: string): Record<string, unknown> {
    const isValidation = status === 422;
    const body: Record<string, unknown> = { id: randomUUID(), type: 'error', links: {}, actions: {} };
    if (withBaseType) body.baseType = 'error';
    body.status = status;
    body.code = code ?? REASONS[status] ?? 'Error';
    body.message = isValidation ? null : (code ?? REASONS[status] ?? null);
    body.detail = null;
    if (isValidation) body.fieldName = fieldName ?? null;
    return body;
  }

  function unauthorized(res: ServerResponse, req?: IncomingMessage): void {
    const headers: Record<string, string> = {};
    if (!req || req.headers['x-api-no-challenge'] !== 'true') headers['www-authenticate'] = REALM;
    send(res, 401, errorBody(401), headers);
  }

  function origin(req: IncomingMessage): string {
    const proto = options.tls ? 'https' : 'http';
    return `${proto}://${(req.headers.host ?? '127.0.0.1').toLowerCase()}`;
  }

  function iso(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  function keyJson(c: Credential, req: IncomingMessage, scope: Scope, withSecret = false): Record<string, unknown> {
    model.settle(c);
    const base = `${origin(req)}/v2-beta${scope.prefix}/apikeys/${c.id}`.toLowerCase();
    const actions: Record<string, string> = {};
    for (const action of model.actions(c)) actions[action] = `${base}/?action=${action}`;
    const json: Record<string, unknown> = {
      id: c.id,
      type: 'apiKey',
      links: {
        self: base,
        account: `${base}/account`,
        images: `${base}/images`,
        instances: `${base}/instances`,
        certificate: `${base}/certificate`,
      },
      actions,
    };
    if (withBaseType) json.baseType = 'credential';
    Object.assign(json, {
      name: c.name,
      state: c.state,
      accountId: c.accountId,
      created: iso(c.created),
      createdTS: Math.floor(c.created / 1000) * 1000,
      description: c.description,
      kind: 'apiKey',
      publicValue: c.publicValue,
      removed: c.removed === null ? null : iso(c.removed),
      ...(c.removed === null ? {} : { removedTS: Math.floor(c.removed / 1000) * 1000 }),
      secretValue: withSecret ? c.secretValue : null,
      transitioning: c.pending ? 'yes' : 'no',
      transitioningMessage: c.pending ? 'In Progress' : null,
      transitioningProgress: null,
      uuid: c.uuid,
    });
    if (scope.caller.isAdmin) {
      json.data = {};
      json.removeTime = c.removeTime === null ? null : iso(c.removeTime);
    }
    return json;
  }

  function projectJson(p: Account, req: IncomingMessage): Record<string, unknown> {
    const base = `${origin(req)}/v2-beta/projects/${p.id}`.toLowerCase();
    const json: Record<string, unknown> = {
      id: p.id,
      type: 'project',
      links: { self: base, apiKeys: `${base}/apikeys`, accounts: `${base}/accounts` },
      actions: {},
    };
    if (withBaseType) json.baseType = 'account';
    Object.assign(json, {
      name: p.name,
      state: p.state,
      description: p.description,
      healthState: 'healthy',
      kind: 'project',
      members: [...p.members].map(([externalId, role]) => ({ externalId, externalIdType: 'rancher_id', role })),
      orchestration: 'cattle',
      uuid: p.uuid,
    });
    return json;
  }

  function accountJson(a: Account, req: IncomingMessage): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: a.id,
      type: 'account',
      links: { self: `${origin(req)}/v2-beta/accounts/${a.id}`.toLowerCase() },
      actions: {},
    };
    if (withBaseType) json.baseType = 'account';
    return Object.assign(json, { name: a.name, state: a.state, kind: a.kind, uuid: a.uuid });
  }

  // ------------------------------------------------------------ auth and scoping

  function authenticate(req: IncomingMessage): Caller | undefined {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const credential = model.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
    if (!credential) return undefined;
    const account = model.accounts.get(credential.accountId)!;
    return { credential, account, isAdmin: account.kind === 'admin' };
  }

  function reachable(caller: Caller, project: Account): boolean {
    if (caller.account.kind === 'project') return caller.account.id === project.id;
    return caller.isAdmin || project.members.has(caller.account.id);
  }

  function scopeFor(caller: Caller, requestedProject: string | undefined, prefix: string): Scope {
    if (requestedProject !== undefined) {
      const project = model.accounts.get(requestedProject);
      // Unknown, unparsable or unreachable projects all answer 403.
      if (!project || project.kind !== 'project' || !reachable(caller, project)) throw new RancherError(403);
      return { caller, effective: project, prefix };
    }
    return { caller, effective: caller.account, prefix };
  }

  // ------------------------------------------------------------ collections

  function matchesFilter(value: unknown, modifier: string, wanted: string[]): boolean {
    const text = value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
    return wanted.every((w) => {
      switch (modifier) {
        case 'eq':
          return text === w;
        case 'ne':
          return text !== w;
        case 'prefix':
          return text !== null && text.startsWith(w);
        case 'like':
        case 'notlike': {
          const pattern = new RegExp(`^${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 's');
          const hit = text !== null && pattern.test(text);
          return modifier === 'like' ? hit : !hit;
        }
        case 'null':
          return text === null;
        case 'notnull':
          return text !== null;
        default:
          return true;
      }
    });
  }

  function parseFilters(query: URLSearchParams): Array<{ field: string; modifier: string; values: string[] }> {
    const filters: Array<{ field: string; modifier: string; values: string[] }> = [];
    for (const key of new Set(query.keys())) {
      if (OPTIONS.has(key)) continue;
      const underscore = key.lastIndexOf('_');
      let field = key;
      let modifier = 'eq';
      if (underscore > 0) {
        field = key.slice(0, underscore);
        modifier = key.slice(underscore + 1);
      }
      const allowed = STRING_FIELDS.includes(field) ? STRING_MODIFIERS : REF_FIELDS.includes(field) ? REF_MODIFIERS : null;
      if (!allowed || !allowed.includes(modifier)) continue; // unknown fields and modifiers are ignored
      filters.push({ field, modifier, values: query.getAll(key) });
    }
    return filters;
  }

  function pageOf(url: URL): { limit: number; offset: number } {
    const requested = Number(url.searchParams.get('limit') ?? 100);
    const limit = !Number.isFinite(requested) || requested <= 0 ? maxLimit : Math.min(Math.floor(requested), maxLimit);
    const marker = url.searchParams.get('marker');
    const offset = marker && /^m\d+$/.test(marker) ? Number(marker.slice(1)) : 0;
    return { limit, offset };
  }

  /** A cattle collection. `more` decides pagination; null pagination for unpaged collections. */
  function collection(req: IncomingMessage, url: URL, resourceType: string, data: unknown[], more: boolean | null) {
    const self = `${origin(req)}${url.pathname}`.toLowerCase();
    const fields = ['accountId', 'created', 'description', 'id', 'kind', 'name', 'publicValue', 'removeTime', 'removed', 'state', 'uuid'];
    const applied = parseFilters(url.searchParams);
    const filters: Record<string, unknown> = {};
    const sortLinks: Record<string, string> = {};
    for (const field of fields) {
      const mine = applied.filter((f) => f.field === field);
      filters[field] = mine.length ? mine.flatMap((f) => f.values.map((value) => ({ modifier: f.modifier, value }))) : null;
      const q = new URLSearchParams(url.search);
      q.delete('marker');
      q.set('sort', field);
      sortLinks[field] = `${self}?${q.toString()}`;
    }
    let pagination: Record<string, unknown> | null = null;
    if (more !== null) {
      const { limit, offset } = pageOf(url);
      const q = new URLSearchParams(url.search);
      q.delete('marker');
      q.append('marker', `m${offset + limit}`);
      pagination = { first: null, previous: null, next: more ? `${self}?${q.toString()}` : null, limit, total: null, partial: more };
    }
    const sortField = url.searchParams.get('sort');
    return {
      type: 'collection',
      resourceType,
      links: { self },
      createTypes: {},
      actions: {},
      data,
      sortLinks,
      pagination,
      sort: sortField ? { name: sortField, order: url.searchParams.get('order') ?? 'asc', reverse: `${self}?sort=${sortField}&order=desc` } : null,
      filters,
      createDefaults: {},
    };
  }

  function listKeys(req: IncomingMessage, url: URL, scope: Scope) {
    const includeRemoved = url.searchParams.has('_removed') && url.searchParams.get('_removed') !== 'false';
    // Admins see every account's keys unless a project or filter narrows the list.
    const adminAll = scope.caller.isAdmin && scope.prefix === '' && scope.effective.kind !== 'project';
    const filters = parseFilters(url.searchParams);
    const visible: Credential[] = [];
    for (const c of model.keyOrder) {
      model.settle(c);
      if (!adminAll && c.accountId !== scope.effective.id) continue;
      if ((c.removed !== null || c.state === 'purged') && !includeRemoved) continue;
      const record = c as unknown as Record<string, unknown>;
      if (!filters.every((f) => matchesFilter(f.field === 'kind' ? 'apiKey' : record[f.field], f.modifier, f.values))) continue;
      visible.push(c);
    }
    const sortField = url.searchParams.get('sort');
    if (sortField && [...STRING_FIELDS, ...REF_FIELDS, 'created'].includes(sortField)) {
      const desc = url.searchParams.get('order') === 'desc';
      const value = (c: Credential) => {
        const v = (c as unknown as Record<string, unknown>)[sortField];
        return typeof v === 'string' ? v : typeof v === 'number' ? v.toString().padStart(16, '0') : '';
      };
      visible.sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0) * (desc ? -1 : 1));
    }
    const { limit, offset } = pageOf(url);
    // Serialize only the page: 100,000 keys must list fast.
    const data = visible.slice(offset, offset + limit).map((c) => keyJson(c, req, scope));
    return collection(req, url, 'apiKey', data, visible.length > offset + limit);
  }

  // ------------------------------------------------------------ key resource

  function visibleKey(id: string, scope: Scope): Credential {
    const c = model.credentials.get(id);
    if (!c || c.kind !== 'apiKey') throw new RancherError(404);
    const adminAll = scope.caller.isAdmin && scope.prefix === '';
    if (!adminAll && c.accountId !== scope.effective.id) throw new RancherError(404);
    return model.settle(c);
  }

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    if (text.trim() === '') return {};
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      return value as Record<string, unknown>;
    } catch {
      throw new RancherError(400, 'InvalidBodyContent');
    }
  }

  function validateText(body: Record<string, unknown>): { name?: string | null; description?: string | null } {
    const out: { name?: string | null; description?: string | null } = {};
    for (const [field, max] of [['name', 255], ['description', 1024]] as const) {
      if (!(field in body)) continue;
      const value = body[field];
      if (value === null) {
        out[field] = null;
        continue;
      }
      if (typeof value !== 'string') throw new RancherError(422, 'InvalidFormat', field);
      if (value.length > max) throw new RancherError(422, 'MaxLengthExceeded', field);
      out[field] = value;
    }
    return out;
  }

  async function keys(req: IncomingMessage, res: ServerResponse, url: URL, scope: Scope, rest: string[]): Promise<number> {
    const method = req.method ?? 'GET';
    if (rest.length === 1) {
      if (method === 'GET') return reply(res, 200, listKeys(req, url, scope), scope);
      if (method === 'POST') {
        const body = await readJson(req);
        const fields = validateText(body);
        // Only admins may choose the account; everyone else gets the effective account.
        let accountId = scope.effective.id;
        if (scope.caller.isAdmin && typeof body.accountId === 'string' && model.accounts.has(body.accountId)) accountId = body.accountId;
        const created = model.create(accountId, fields.name ?? null, fields.description ?? null);
        return reply(res, 201, keyJson(created, req, scope, true), scope);
      }
      throw new RancherError(405);
    }
    const id = rest[1]!;
    const c = visibleKey(id, scope);
    const action = url.searchParams.get('action');
    if (rest.length > 2) {
      if (rest[2] === 'account' && method === 'GET') return reply(res, 200, accountJson(model.accounts.get(c.accountId)!, req), scope);
      throw new RancherError(404);
    }
    if (method === 'GET') return reply(res, 200, keyJson(c, req, scope), scope);
    if (method === 'PUT') {
      const body = validateText(await readJson(req));
      if ('name' in body) c.name = body.name ?? null;
      if ('description' in body) c.description = body.description ?? null;
      return reply(res, 200, keyJson(c, req, scope), scope);
    }
    if (method === 'DELETE') {
      if (c.state === 'removed' || c.state === 'removing') return reply(res, 200, keyJson(c, req, scope), scope);
      if (c.pending && !['registering', 'updating-active', 'updating-inactive'].includes(c.state)) throw new RancherError(405);
      if (!ALLOWED_FROM.remove!.includes(c.state)) throw new RancherError(405);
      model.run(c, 'remove');
      return reply(res, 200, keyJson(c, req, scope), scope);
    }
    if (method === 'POST' && action !== null) {
      const known = ['activate', 'deactivate', 'remove', 'purge', 'update', 'create', ...(model.options.variant === '1.2' ? ['restore'] : [])];
      if (!known.includes(action)) throw new RancherError(422, 'InvalidAction', 'action');
      if (!model.actions(c).includes(action)) throw new RancherError(422, 'ActionNotAvailable', 'action');
      model.run(c, action);
      return reply(res, 202, keyJson(c, req, scope), scope);
    }
    throw new RancherError(405);
  }

  function reply(res: ServerResponse, status: number, body: unknown, scope: Scope): number {
    const prefix = scope.prefix;
    send(res, status, body, {
      'x-api-user-id': scope.caller.account.id,
      'x-api-account-id': scope.effective.id,
      'x-api-account-kind': scope.effective.kind,
      'x-api-account-name': scope.effective.name,
      'x-api-schemas': `${(res.req ? origin(res.req) : '')}/v2-beta${prefix}/schemas`,
      'x-rancher-version': model.options.variant === '1.6' ? 'v1.6.30' : 'v1.2.4',
    });
    return status;
  }

  // ------------------------------------------------------------ routing

  async function route(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments[0]?.toLowerCase() !== 'v2-beta') throw new RancherError(404);
    const caller = authenticate(req);
    if (!caller) {
      unauthorized(res, req);
      return 401;
    }
    let rest = segments.slice(1);
    let requestedProject: string | undefined;
    let prefix = '';
    if (rest[0]?.toLowerCase() === 'projects' && rest.length >= 3) {
      requestedProject = rest[1]!;
      prefix = `/projects/${rest[1]}`;
      rest = rest.slice(2);
    } else {
      const header = req.headers['x-api-project-id'];
      const fromQuery = url.searchParams.get('projectId');
      requestedProject = typeof header === 'string' ? header : (fromQuery ?? undefined);
    }
    // An environment key always acts as its own project.
    if (caller.account.kind === 'project' && requestedProject === undefined) requestedProject = caller.account.id;
    const scope = scopeFor(caller, requestedProject, prefix);
    const type = rest[0]?.toLowerCase() ?? '';

    if (type === 'apikeys' || type === 'apikey') return keys(req, res, url, scope, rest);
    if (req.method !== 'GET') throw new RancherError(405);
    if (type === '') {
      return reply(res, 200, { id: 'v2-beta', type: 'apiVersion', links: { self: `${origin(req)}/v2-beta`, apiKeys: `${origin(req)}/v2-beta/apikeys`, projects: `${origin(req)}/v2-beta/projects` }, actions: {} }, scope);
    }
    if (type === 'projects' || type === 'project') {
      if (rest.length === 2) {
        const project = model.accounts.get(rest[1]!);
        if (!project || project.kind !== 'project' || !reachable(caller, project)) throw new RancherError(404);
        return reply(res, 200, projectJson(project, req), scope);
      }
      const all = caller.isAdmin && url.searchParams.get('all') === 'true';
      const projects = [...model.accounts.values()].filter(
        (a) => a.kind === 'project' && (all || (caller.account.kind === 'project' ? a.id === caller.account.id : a.members.has(caller.account.id))),
      );
      return reply(res, 200, collection(req, url, 'project', projects.map((p) => projectJson(p, req)), null), scope);
    }
    if (type === 'accounts' || type === 'account') {
      const visible = (a: Account) => a.kind !== 'project' && (caller.isAdmin || a.id === caller.account.id);
      if (rest.length === 2) {
        const account = model.accounts.get(rest[1]!);
        if (!account || !visible(account)) throw new RancherError(404);
        return reply(res, 200, accountJson(account, req), scope);
      }
      const accounts = [...model.accounts.values()].filter(visible);
      return reply(res, 200, collection(req, url, 'account', accounts.map((a) => accountJson(a, req)), false), scope);
    }
    if (type === 'schemas') {
      return reply(res, 200, collection(req, url, 'schema', [{ id: 'apiKey', type: 'schema', collectionMethods: ['GET', 'POST'], resourceMethods: ['GET', 'PUT', 'DELETE'] }], null), scope);
    }
    throw new RancherError(404);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await handleControl(req, res, faults, () => ({ keys: model.keyOrder.length, faults: faults.list().length }))) return;
    const path = req.url ?? '/';
    const record = { method: req.method ?? 'GET', path, status: 0 };
    requests.push(record);
    const fault = faults.take(record.method, path);
    const real = async () => {
      try {
        record.status = await route(req, res);
      } catch (error) {
        if (error instanceof RancherError) {
          record.status = error.status;
          send(res, error.status, errorBody(error.status, error.code, error.fieldName));
        } else {
          record.status = 500;
          send(res, 500, errorBody(500));
        }
      }
    };
    if (fault) {
      record.status = fault.kind === 'status' ? fault.status : fault.kind === 'rate-limit' ? 429 : fault.kind === 'expire-credential' ? 401 : -1;
      await applyFault(fault, req, res, { errorBody: (status) => errorBody(status), unauthorized: (r) => unauthorized(r, req), realHandler: real });
      return;
    }
    await real();
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, errorBody(500));
    });
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
  const destroySockets = trackSockets(server);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const plain = (c: Credential): Record<string, unknown> => {
    model.settle(c);
    return { id: c.id, name: c.name, description: c.description, state: c.state, accountId: c.accountId, publicValue: c.publicValue, created: c.created, removed: c.removed };
  };

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    credentials: seeded.credentials,
    ids: seeded.ids,
    faults,
    requests,
    issuedSecrets: () => [...model.issued],
    authenticates: (accessKey, secretKey) => model.authenticate(accessKey, secretKey) !== undefined,
    key: (id) => {
      const c = model.credentials.get(id);
      return c && c.kind === 'apiKey' ? plain(c) : undefined;
    },
    keys: (accountId) => model.keyOrder.filter((c) => accountId === undefined || c.accountId === accountId).map(plain),
    seedKeys(accountId, count, opts = {}) {
      const prefix = opts.namePrefix ?? 'seeded';
      const now = Date.now();
      for (let i = 0; i < count; i++) {
        model.addCredential('apiKey', accountId, { name: `${prefix}-${i}`, description: i % 3 === 0 ? `bulk key ${i}` : null, state: i % 10 === 0 ? 'inactive' : 'active', created: now - i * 60_000 });
      }
    },
    async close() {
      destroySockets();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function emptyCred(): SandboxCredential {
  return { accessKey: '', secretKey: '' };
}
