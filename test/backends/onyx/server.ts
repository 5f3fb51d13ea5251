// An Onyx sandbox: a real HTTP(S) server on 127.0.0.1 reproducing the API-key contract in
// ../shared/providers/langwatch-and-onyx.md Part 2 in both variants — `roles` (≤ v4.6: {name, role},
// api_key_role) and `groups` (main: {name, group_ids}, groups) — with PATs (their scopes, and on main
// the group permission to create them), expiry, Onyx's status quirks (403 for a bad credential, 400
// for an unknown key id, 422 bodies, 500 for a key name its user's email column cannot hold) and
// fault injection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, createFaultInjector, handleControl, startLoopbackServer, type FaultInjector } from '../faults.ts';
import { defaultBody, NOT_AUTHENTICATED, notAuthenticated, OnyxHttpError, validationError } from './errors.ts';
import { OnyxModel, type Access, type UserRole, type Variant } from './model.ts';
import { route, type Caller } from './routes.ts';
import { seedDefault, type OnyxCredentials, type OnyxSeedIds } from './seed.ts';

export type { Variant } from './model.ts';

export interface OnyxSandboxOptions {
  /** `roles`: ≤ v4.6 ({name, role}); `groups`: main / v4.7 ({name, group_ids}). */
  variant?: Variant;
  port?: number;
  tls?: { key: string; cert: string };
  seed?: 'default' | 'empty';
  /**
   * A reverse proxy in front that uses the Authorization header itself, so it never reaches Onyx
   * (an SSO gateway, basic auth): only X-Onyx-Authorization carries the key through.
   */
  proxyTakesAuthorization?: boolean;
}

export interface SandboxApiKey {
  id: number;
  name: string | null;
  role: UserRole;
  groups: string[];
  groupIds: number[];
  display: string;
  userId: string;
}

export interface SandboxPat {
  id: number;
  name: string;
  userId: string;
  display: string;
  expiresAt: number | null;
  revoked: boolean;
  live: boolean;
  scopes: string[] | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** The parsed JSON body the client sent (requests never carry a secret). */
  body: unknown;
}

export interface OnyxSandbox {
  /** The server's origin; the API lives under `${url}/api`. */
  url: string;
  variant: Variant;
  credentials: OnyxCredentials;
  ids: OnyxSeedIds;
  faults: FaultInjector;
  requests: RecordedRequest[];
  /** Whether a token (API key or PAT) authenticates right now. */
  authenticates(token: string): boolean;
  apiKey(id: number): SandboxApiKey | undefined;
  apiKeys(): SandboxApiKey[];
  pat(id: number): SandboxPat | undefined;
  pats(userId?: string): SandboxPat[];
  /** A change made in Onyx's own UI meanwhile: the key's role (roles) or groups (groups). */
  setAccess(id: number, access: Access): void;
  seedApiKeys(count: number, opts?: { namePrefix?: string }): void;
  /** Moves the sandbox's clock forward, e.g. past a PAT's expiry. */
  advance(ms: number): void;
  issuedSecrets(): string[];
  close(): Promise<void>;
}

export async function startOnyxSandbox(options: OnyxSandboxOptions = {}): Promise<OnyxSandbox> {
  const model = new OnyxModel(options.variant ?? 'groups');
  const seeded =
    options.seed === 'empty'
      ? {
          credentials: { adminKey: '', basicKey: '', limitedKey: '', adminPat: '', userPat: '', scopedPat: '', expiredPat: '', basicOnlyPat: '' },
          ids: { users: { admin: '', basic: '', basicOnly: '' }, groups: { Admin: 1, Basic: 2, Engineering: 0, Support: 0 }, keys: {}, pats: {} },
        }
      : seedDefault(model);
  const faults = createFaultInjector();
  const requests: RecordedRequest[] = [];

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<{ present: boolean; value: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return { present: false, value: undefined };
    try {
      return { present: true, value: JSON.parse(text) as unknown };
    } catch {
      // FastAPI reads the body before running dependencies: bad JSON is a 422 even before auth.
      throw validationError([{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }]);
    }
  }

  function authenticate(req: IncomingMessage): Caller {
    // Onyx reads X-Onyx-Authorization first, then Authorization (backend/onyx/auth/utils.py).
    const alt = req.headers['x-onyx-authorization'];
    const header = typeof alt === 'string' && alt ? alt : options.proxyTakesAuthorization ? undefined : req.headers.authorization;
    const resolved = model.resolve(header);
    if (!resolved) throw notAuthenticated();
    return resolved;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const counts = () => ({ apiKeys: model.apiKeys.size, pats: model.pats.size, faults: faults.list().length, variant: model.variant });
    if (await handleControl(req, res, faults, counts)) return;
    const path = req.url ?? '/';
    const record: RecordedRequest = { method: req.method ?? 'GET', path, status: 0, body: undefined };
    requests.push(record);
    const fault = faults.take(record.method, path);
    const real = async () => {
      try {
        const url = new URL(path, 'http://sandbox');
        const body = await readBody(req);
        record.body = body.value;
        const segments = url.pathname.split('/').filter(Boolean);
        if (segments[0] !== 'api') throw new OnyxHttpError(404, { detail: 'Not Found' });
        const answer = route({ model, method: record.method, segments: segments.slice(1), query: url.searchParams, body, caller: () => authenticate(req) });
        record.status = answer.status;
        send(res, answer.status, answer.body);
      } catch (error) {
        const e = error instanceof OnyxHttpError ? error : new OnyxHttpError(500, { detail: 'Internal Server Error' });
        record.status = e.status;
        send(res, e.status, e.body);
      }
    };
    if (fault) {
      record.status = fault.kind === 'status' ? fault.status : fault.kind === 'rate-limit' ? 429 : fault.kind === 'expire-credential' ? 403 : -1;
      await applyFault(fault, req, res, { errorBody: defaultBody, unauthorized: (r) => send(r, 403, NOT_AUTHENTICATED), realHandler: real });
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

  const keyView = (id: number): SandboxApiKey | undefined => {
    const key = model.apiKeys.get(id);
    const user = key ? model.users.get(key.userId) : undefined;
    if (!key || !user) return undefined;
    const groupIds = [...user.groupIds].sort((a, b) => a - b);
    return { id, name: key.name, role: user.role, groupIds, groups: groupIds.map((g) => model.groups.get(g)?.name ?? String(g)), display: key.display, userId: key.userId };
  };
  const patView = (id: number): SandboxPat | undefined => {
    const pat = model.pats.get(id);
    if (!pat) return undefined;
    return { id, name: pat.name, userId: pat.userId, display: pat.display, expiresAt: pat.expiresAt, revoked: pat.revoked, live: model.live(pat), scopes: pat.scopes };
  };

  return {
    url: server.url,
    variant: model.variant,
    credentials: seeded.credentials,
    ids: seeded.ids,
    faults,
    requests,
    authenticates: (token) => model.resolve(token.startsWith('onyx_pat_') ? `Bearer ${token}` : token) !== undefined,
    apiKey: keyView,
    apiKeys: () => [...model.apiKeys.keys()].map((id) => keyView(id)!),
    pat: patView,
    pats: (userId) => [...model.pats.values()].filter((p) => userId === undefined || p.userId === userId).map((p) => patView(p.id)!),
    setAccess(id, access) {
      const key = model.apiKeys.get(id);
      if (!key) throw new Error(`no key ${id}`);
      model.setAccess(model.users.get(key.userId)!, access);
    },
    seedApiKeys(count, opts = {}) {
      const prefix = opts.namePrefix ?? 'bulk';
      for (let i = 0; i < count; i++) {
        const role = (['basic', 'limited', 'admin'] as const)[i % 3]!;
        const access: Access = model.variant === 'roles' ? { role } : { groupIds: role === 'admin' ? [1] : role === 'basic' ? [2] : [] };
        model.createApiKey(`${prefix}-${i}`, access, null);
      }
    },
    advance: (ms) => model.advance(ms),
    issuedSecrets: () => [...model.issued],
    close: () => server.close(),
  };
}
