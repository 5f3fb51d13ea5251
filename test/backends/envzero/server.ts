// An env zero sandbox: a real HTTP server on 127.0.0.1 reproducing the API-key contract in
// ../shared/providers/envzero-and-deepset.md (Part 1) — the gateway in front (per-path rate
// limit, 403 with the AWS message for unknown routes), HTTP Basic with apiKeyId/apiKeySecret,
// organizations per key, projects, paged teams and their members, roles, project roles, and organization API keys with their two
// ids, one-time secret, lagging list and one-hour authentication cache — with fault injection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, createFaultInjector, handleControl, startLoopbackServer, type FaultInjector } from '../faults.ts';
import { EnvZeroModel, type Credential } from './model.ts';
import { EnvZeroError, ROUTES, type Answer, type PermissionsEcho, type RouteContext } from './routes.ts';
import { seedDefault, type SeedResult } from './seed.ts';

export type { Credential } from './model.ts';

export interface EnvZeroSandboxOptions {
  port?: number;
  /** How long a successful authentication is cached; env zero says up to 1 h (the default). */
  authCacheMs?: number;
  /** How long a new key is missing from GET /api-keys (default 0: consistent). */
  listLagMs?: number;
  /** Requests allowed per (source IP, method, path) in the window (default 1,000 per 60 s). */
  rateLimit?: { max: number; windowMs: number };
  teamsPageSize?: number;
  /**
   * Whether the team list carries each team's `users` (default true). env zero's own clients read
   * members only from GET /teams/{id}, so the list's shape is not confirmed.
   */
  teamListMembers?: boolean;
  /** Whether and how the key list echoes project permissions (unknown for the real API). */
  permissionsEcho?: PermissionsEcho;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

export interface EnvZeroSandbox {
  url: string;
  credentials: SeedResult['credentials'];
  ids: SeedResult['ids'];
  faults: FaultInjector;
  requests: Array<{ method: string; path: string; status: number; body?: unknown }>;
  /** Whether env zero would accept this pair right now (a use, as a real call: it fills the auth cache). */
  authenticates(credential: Credential): boolean;
  /** A key as stored, without its secret; includes deleted keys and keys the list does not show yet. */
  key(id: string): Record<string, unknown> | undefined;
  /** The live keys of one organization as stored (ignores the list lag). */
  keys(orgId: string): Array<Record<string, unknown>>;
  /** Project roles held by a user or a User-role key id (a built-in role, or a custom role's id). */
  projectRoles(userId: string): Array<{ projectId: string; role: string }>;
  /** The ids of the teams a user or a User-role key belongs to. */
  teamsOf(userId: string): string[];
  issuedSecrets(): string[];
  /** Moves the sandbox clock forward: auth cache, list lag and rate-limit windows all follow it. */
  advance(ms: number): void;
  close(): Promise<void>;
}

const GATEWAY_MISSING_TOKEN = 'Missing Authentication Token';

/** AWS API Gateway's answer for a route it does not know, echoing the Authorization header. */
function gatewayMessage(authorization: string | undefined): string {
  if (!authorization) return GATEWAY_MISSING_TOKEN;
  return [
    "Authorization header requires 'Credential' parameter.",
    "Authorization header requires 'Signature' parameter.",
    "Authorization header requires 'SignedHeaders' parameter.",
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    `Authorization=${authorization}`,
  ].join(' ');
}

export async function startEnvZeroSandbox(options: EnvZeroSandboxOptions = {}): Promise<EnvZeroSandbox> {
  const model = new EnvZeroModel({ authCacheMs: options.authCacheMs ?? 60 * 60 * 1000, listLagMs: options.listLagMs ?? 0 });
  const seeded = seedDefault(model);
  const routeOptions = { teamsPageSize: options.teamsPageSize ?? 100, permissionsEcho: options.permissionsEcho ?? 'none', teamListMembers: options.teamListMembers ?? true };
  const rateLimit = options.rateLimit ?? { max: 1000, windowMs: 60_000 };
  const hits = new Map<string, number[]>();
  const faults = createFaultInjector();
  const requests: EnvZeroSandbox['requests'] = [];

  function send(res: ServerResponse, answer: Answer): void {
    if ('json' in answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(answer.json));
    } else {
      res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(answer.text);
    }
  }

  function errorBody(status: number): unknown {
    if (status === 400) return '/body must be object';
    if (status === 401) return { message: 'Unauthorized' };
    if (status === 403) return { message: 'Forbidden' };
    if (status === 429) return { message: 'Too Many Requests' };
    if (status >= 500) return { message: 'Internal server error' };
    return { message: 'Error' };
  }

  function overLimit(req: IncomingMessage, path: string): boolean {
    const id = `${req.socket.remoteAddress ?? ''}|${req.method ?? 'GET'}|${path}`;
    const now = model.now();
    const recent = (hits.get(id) ?? []).filter((t) => t > now - rateLimit.windowMs);
    recent.push(now);
    hits.set(id, recent);
    return recent.length > rateLimit.max;
  }

  function authenticate(req: IncomingMessage) {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return model.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  async function readBody(req: IncomingMessage, record: { body?: unknown }): Promise<unknown> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      throw new EnvZeroError({ status: 400, text: 'Unexpected token in JSON body' });
    }
    record.body = body;
    return body;
  }

  async function route(req: IncomingMessage, record: { body?: unknown }): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (overLimit(req, url.pathname)) return { status: 429, json: { message: 'Too Many Requests' } };
    const method = req.method ?? 'GET';
    let found: { handle: (ctx: RouteContext, params: string[]) => Promise<Answer> | Answer; params: string[] } | undefined;
    for (const r of ROUTES) {
      const m = r.method === method ? r.pattern.exec(path) : null;
      if (m) {
        found = { handle: r.handle, params: m.slice(1).map(decodeURIComponent) };
        break;
      }
    }
    // The gateway matches routes before the authorizer runs.
    if (!found) return { status: 403, json: { message: gatewayMessage(req.headers.authorization) } };
    const caller = authenticate(req);
    if (!caller) return { status: 401, json: { message: 'Unauthorized' } };
    return found.handle({ model, options: routeOptions, caller, url, body: () => readBody(req, record) }, found.params);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await handleControl(req, res, faults, () => ({ keys: model.apiKeys.size, faults: faults.list().length }))) return;
    const record: EnvZeroSandbox['requests'][number] = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0 };
    requests.push(record);
    const real = async () => {
      let answer: Answer;
      try {
        answer = await route(req, record);
      } catch (error) {
        answer = error instanceof EnvZeroError ? error.answer : { status: 500, json: { message: 'Internal server error' } };
      }
      record.status = answer.status;
      send(res, answer);
    };
    const fault = faults.take(record.method, record.path);
    if (fault) {
      record.status = fault.kind === 'status' ? fault.status : fault.kind === 'rate-limit' ? 429 : fault.kind === 'expire-credential' ? 401 : -1;
      await applyFault(fault, req, res, {
        errorBody,
        unauthorized: (r) => send(r, { status: 401, json: { message: 'Unauthorized' } }),
        realHandler: real,
      });
      return;
    }
    await real();
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, json: { message: 'Internal server error' } });
    });
  };
  const server = await startLoopbackServer(listener, { port: options.port, tls: options.tls });

  const stored = (id: string) => {
    const k = model.apiKeys.get(id);
    if (!k) return undefined;
    const { secretHash: _secretHash, ...rest } = k;
    return { ...rest } as Record<string, unknown>;
  };

  return {
    url: server.url,
    credentials: seeded.credentials,
    ids: seeded.ids,
    faults,
    requests,
    authenticates: (c) => model.authenticate(c.apiKeyId, c.apiKeySecret) !== undefined,
    key: stored,
    keys: (orgId) => [...model.apiKeys.values()].filter((k) => k.organizationId === orgId && k.deletedAt === null).map((k) => stored(k.id)!),
    projectRoles: (userId) => model.assignments.filter((a) => a.userId === userId).map(({ projectId, role }) => ({ projectId, role })),
    teamsOf: (userId) => [...model.teams.values()].filter((t) => t.userIds.includes(userId)).map((t) => t.id),
    issuedSecrets: () => [...model.issued],
    advance: (ms) => model.advance(ms),
    close: () => server.close(),
  };
}
