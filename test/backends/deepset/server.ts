// A deepset AI Platform sandbox: a real HTTP(S) server on 127.0.0.1 reproducing the API-key
// contract in ../shared/providers/envzero-and-deepset.md Part 2 — Bearer auth with user access
// tokens (JWT-like, expiring) and API keys ("api_" + JWT-like), organization → workspaces
// addressed by name, paged key lists ({data, has_more, total}), the one-time secret and the masked
// form, "API keys cannot manage keys", FastAPI error bodies — with fault injection. Where the
// contract is UNCERTAIN the behaviour is a knob (see the options), so the adapter's guesses can be
// proven to fail cleanly.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, createFaultInjector, handleControl, startLoopbackServer, type FaultInjector } from '../faults.ts';
import { DeepsetModel, mask, type ApiKey, type Caller, type User } from './model.ts';
import { DeepsetError, paged, routeKeys } from './routes.ts';
import { seedDefault, type SeedResult } from './seed.ts';

export interface DeepsetSandboxOptions {
  port?: number;
  tls?: { key: string; cert: string };
  /** Which "who am I" routes exist (deepset's clients disagree: /api/v1/me vs /api/v1/users/me). */
  meRoutes?: Array<'me' | 'users/me'>;
  /** Whether GET /api/v1/organization exists. */
  organizationRoute?: boolean;
  /**
   * Which fields a key answers with. `full`: also the ones the API reference cuts off after `name`
   * (organization_role, personal, role_id, user, workspaces); `documented`: only the visible ones
   * (all_workspaces, api_token_id, expires, expires_at, masked_token, name). Which is real is UNCERTAIN.
   */
  keyFields?: 'full' | 'documented';
  /**
   * GET /api/v1/organization/{id}/roles: its items name the role by `role_id` (deepset's usual
   * `<thing>_id`) or by `id` (UNCERTAIN: the reference's response schema is not public), or the route is absent.
   */
  rolesRoute?: 'role_id' | 'id' | false;
  /** Whether DELETE /api/v1/token/{id} reaches workspace-scoped keys (the adapter guesses it does). */
  workspaceDeleteViaToken?: boolean;
  /** Whether the create answer names the new key's id besides its secret (the 2023 SDK shows only the secret). */
  createEchoesId?: boolean;
  /** Largest `limit` accepted (deepset: 100). */
  maxLimit?: number;
}

export interface PlainKey {
  id: string;
  name: string | null;
  masked: string;
  personal: boolean;
  ownerId: string | null;
  organizationRole: string;
  roleId: string | null;
  scope: 'organization' | 'workspace';
  workspaces: string[] | null;
  expiresAt: number | null;
  createdAt: number;
}

export interface DeepsetSandbox {
  url: string;
  credentials: SeedResult['credentials'];
  ids: SeedResult['ids'];
  faults: FaultInjector;
  requests: Array<{ method: string; path: string; status: number }>;
  key(id: string): PlainKey | undefined;
  /** Keys as the sandbox holds them, newest first; optionally only one scope or workspace. */
  keys(filter?: { scope?: 'organization' | 'workspace'; workspace?: string }): PlainKey[];
  /** Adds keys directly (for paging tests); returns their ids. */
  seedKeys(count: number, opts?: { workspace?: string; namePrefix?: string }): string[];
  mintSession(userId: string, ttlMs: number): string;
  /** A seeded or created key's secret, to call the sandbox as that key. */
  secretOf(id: string): string | undefined;
  authenticates(token: string): boolean;
  issuedSecrets(): string[];
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const AUTH_FAILURES: Record<string, string> = {
  missing: 'Not authenticated',
  invalid: 'Could not validate credentials',
  'session-expired': 'Signature has expired.',
  'key-expired': 'API key has expired.',
  'owner-removed': 'The owner of this API key is no longer a member of the organization.',
};

export const iso = (ms: number) => new Date(ms).toISOString();

export async function startDeepsetSandbox(options: DeepsetSandboxOptions = {}): Promise<DeepsetSandbox> {
  const model = new DeepsetModel();
  const seeded = seedDefault(model);
  const meRoutes = options.meRoutes ?? ['me', 'users/me'];
  const faults = createFaultInjector();
  const requests: DeepsetSandbox['requests'] = [];

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  function userJson(user: User): Record<string, unknown> {
    return {
      user_id: user.id,
      given_name: user.givenName,
      family_name: user.familyName,
      email: user.email,
      deleted: false,
      oauth_provider: 'auth0',
      organization: {
        name: model.organization.name,
        organization_id: model.organization.id,
        role: user.role,
        workspaces: [...model.workspaces.values()].map((w) => ({ name: w.name, role: user.role === 'ADMIN' ? 'EDITOR' : 'SEARCH_USER' })),
      },
    };
  }

  function workspaceJson(name: string): Record<string, unknown> {
    return { name, workspace_id: model.workspaces.get(name)!.id, languages: {}, default_idle_timeout_in_seconds: 43_200 };
  }

  function keyJson(key: ApiKey): Record<string, unknown> {
    const owner = key.ownerId ? model.users.get(key.ownerId) : undefined;
    // The documented read model, in its (alphabetical) order: no creation or last-use date exists.
    const documented = {
      all_workspaces: key.scope === 'organization' && key.workspaces === null,
      api_token_id: key.id,
      expires: key.expiresAt !== null,
      expires_at: key.expiresAt === null ? null : iso(key.expiresAt),
      masked_token: mask(key.secret),
      name: key.name,
    };
    if (options.keyFields === 'documented') return documented;
    return {
      ...documented,
      organization_role: key.organizationRole,
      personal: key.personal,
      role_id: key.roleId,
      // The 2023 SDK's UserName: given and family name only.
      user: owner ? { given_name: owner.givenName, family_name: owner.familyName } : null,
      workspaces: (key.workspaces ?? []).map((name) => ({ name, workspace_id: model.workspaces.get(name)?.id ?? null })),
    };
  }

  function authenticate(req: IncomingMessage): Caller {
    const caller = model.authenticate(req.headers.authorization);
    if (typeof caller === 'string') {
      throw new DeepsetError(401, AUTH_FAILURES[caller], caller === 'missing' ? { 'www-authenticate': 'Bearer' } : {});
    }
    return caller;
  }

  /** FastAPI routes first, authenticates inside the route: an unknown path is 404 even unauthenticated. */
  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v1') throw new DeepsetError(404, 'Not Found');
    const rest = parts.slice(2);
    const only = (allowed: string) => {
      if (method !== allowed) throw new DeepsetError(405, 'Method Not Allowed');
    };
    const reply = (status: number, body: unknown) => {
      send(res, status, body);
      return status;
    };
    const path = rest.join('/');

    if ((path === 'me' && meRoutes.includes('me')) || (path === 'users/me' && meRoutes.includes('users/me'))) {
      only('GET');
      const caller = authenticate(req);
      const user = caller.user;
      if (!user) throw new DeepsetError(403, 'This endpoint needs a signed-in user.');
      return reply(200, userJson(user));
    }
    if (path === 'organization' && options.organizationRoute !== false) {
      only('GET');
      authenticate(req);
      return reply(200, { name: model.organization.name });
    }
    if (rest[0] === 'workspaces' && rest.length <= 2) {
      only('GET');
      const reachable = model.reachable(authenticate(req)).map((w) => w.name);
      if (rest.length === 1) return reply(200, reachable.map(workspaceJson));
      if (!reachable.includes(rest[1]!)) throw new DeepsetError(404, 'Workspace not found.');
      return reply(200, workspaceJson(rest[1]!));
    }
    if (rest[0] === 'organization' && rest[2] === 'roles' && rest.length === 3 && options.rolesRoute !== false) {
      only('GET');
      const caller = authenticate(req);
      if (rest[1] !== model.organization.id) throw new DeepsetError(404, 'Organization not found.');
      if (caller.role !== 'ADMIN') throw new DeepsetError(403, 'You do not have the permission to view roles.');
      const idField = options.rolesRoute ?? 'role_id';
      return reply(200, paged(url, options, [...model.roles.values()], (r) => ({ [idField]: r.id, name: r.name })));
    }
    const keyRoute = await routeKeys({ model, req, url, rest, method, options, authenticate, keyJson });
    if (keyRoute) return reply(keyRoute.status, keyRoute.body);
    throw new DeepsetError(404, 'Not Found');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await handleControl(req, res, faults, () => ({ keys: model.keys.size, faults: faults.list().length }))) return;
    const path = req.url ?? '/';
    const record = { method: req.method ?? 'GET', path, status: 0 };
    requests.push(record);
    const real = async () => {
      try {
        record.status = await route(req, res, new URL(path, 'http://sandbox'));
      } catch (error) {
        if (error instanceof DeepsetError) {
          record.status = error.status;
          send(res, error.status, { detail: error.detail }, error.headers);
        } else {
          record.status = 500;
          send(res, 500, { detail: 'Internal Server Error' });
        }
      }
    };
    const fault = faults.take(record.method, path);
    if (fault) {
      record.status = fault.kind === 'status' ? fault.status : fault.kind === 'rate-limit' ? 429 : fault.kind === 'expire-credential' ? 401 : -1;
      await applyFault(fault, req, res, {
        errorBody: (status) => ({ detail: REASONS[status] ?? 'Error' }),
        unauthorized: (r) => send(r, 401, { detail: AUTH_FAILURES['session-expired'] }),
        realHandler: real,
      });
      return;
    }
    await real();
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { detail: 'Internal Server Error' });
    });
  };
  const server = await startLoopbackServer(listener, { port: options.port, tls: options.tls });

  const plain = (k: ApiKey): PlainKey => ({
    id: k.id,
    name: k.name,
    masked: mask(k.secret),
    personal: k.personal,
    ownerId: k.ownerId,
    organizationRole: k.organizationRole,
    roleId: k.roleId,
    scope: k.scope,
    workspaces: k.workspaces,
    expiresAt: k.expiresAt,
    createdAt: k.createdAt,
  });

  return {
    url: server.url,
    credentials: seeded.credentials,
    ids: seeded.ids,
    faults,
    requests,
    key: (id) => {
      const k = model.keys.get(id);
      return k ? plain(k) : undefined;
    },
    keys: (filter = {}) =>
      model
        .keysNewestFirst((k) => (filter.scope === undefined || k.scope === filter.scope) && (filter.workspace === undefined || (k.scope === 'workspace' && k.workspaces?.[0] === filter.workspace)))
        .map(plain),
    seedKeys(count, opts = {}) {
      const admin = seeded.ids.users.admin;
      const now = Date.now();
      return Array.from({ length: count }, (_, i) =>
        model.addKey({
          name: `${opts.namePrefix ?? 'bulk'}-${i}`,
          personal: false,
          ownerId: null,
          createdBy: admin,
          organizationRole: 'MEMBER',
          roleId: null,
          scope: opts.workspace ? 'workspace' : 'organization',
          workspaces: opts.workspace ? [opts.workspace] : null,
          expiresAt: null,
          createdAt: now - (i + 1) * 1000,
        }).id,
      );
    },
    mintSession: (userId, ttlMs) => model.mintSession(userId, ttlMs),
    secretOf: (id) => model.keys.get(id)?.secret,
    authenticates: (token) => typeof model.authenticate(`Bearer ${token}`) !== 'string',
    issuedSecrets: () => [...model.issued],
    close: () => server.close(),
  };
}
