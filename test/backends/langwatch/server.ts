// A LangWatch sandbox: a real HTTP(S) server on 127.0.0.1 reproducing the organization API-key
// contract in ../shared/providers/langwatch-and-onyx.md Part 1, in either era — A (≤ v3.12: list,
// create, revoke) or B (≥ v3.13: also get-by-id and PATCH) — with teams and projects (paged), the
// error bodies of each era, soft revocation, one-time tokens and fault injection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, createFaultInjector, handleControl, startLoopbackServer, type FaultInjector } from '../faults.ts';
import { defaultBody, internalError, LangwatchHttpError, unauthorized, type ValidationStyle } from './errors.ts';
import { LangwatchModel, type ApiKey, type Era } from './model.ts';
import { MALFORMED, route, type Caller } from './routes.ts';
import { seedDefault, type LangwatchCredentials, type LangwatchSeedIds } from './seed.ts';

export type { Era } from './model.ts';

export interface LangwatchSandboxOptions {
  /** A: ≤ v3.12 (list, create, revoke); B: ≥ v3.13 (also GET and PATCH by id). Default B. */
  era?: Era;
  port?: number;
  tls?: { key: string; cert: string };
  seed?: 'default' | 'empty';
  /** How a 422 reads: `coded` (validation_error, v3.12 on) or `phrase` (older era-A builds). */
  validation?: ValidationStyle;
  /** Whether GET /api/organization answers (Enterprise) or refuses with 402 (era B only). */
  enterprise?: boolean;
}

export interface SandboxKey {
  id: string;
  name: string;
  description: string | null;
  keyType: 'personal' | 'service';
  userId: string | null;
  bindings: Array<{ role: string; scopeType: string; scopeId: string }>;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  ingestion: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** The parsed JSON body the client sent (a request never carries a new key's token). */
  body: unknown;
}

export interface LangwatchSandbox {
  url: string;
  era: Era;
  credentials: LangwatchCredentials;
  ids: LangwatchSeedIds;
  faults: FaultInjector;
  requests: RecordedRequest[];
  /** Whether a token authenticates right now. */
  authenticates(token: string): boolean;
  /** Any key, revoked ones included (the real list omits those). */
  key(id: string): SandboxKey | undefined;
  keys(): SandboxKey[];
  /** More projects in a team, to exercise paging. */
  seedProjects(count: number, team?: 'Platform' | 'Research'): void;
  /** A revocation made in LangWatch's own UI meanwhile. */
  revokeElsewhere(id: string): void;
  advance(ms: number): void;
  /** Tokens minted through the API since start (seeded ones excluded). */
  issuedTokens(): string[];
  close(): Promise<void>;
}

export async function startLangwatchSandbox(options: LangwatchSandboxOptions = {}): Promise<LangwatchSandbox> {
  const era = options.era ?? 'B';
  const model = new LangwatchModel(era);
  const seeded =
    options.seed === 'empty'
      ? {
          credentials: { admin: '', service: '', member: '', teamOnly: '', revoked: '', expired: '', deactivated: '', legacyProject: '' },
          ids: { organization: '', teams: { Platform: '', Research: '' }, projects: { Chatbot: '', Search: '', Evals: '', 'Old demo': '' }, users: { ada: '', bo: '', cy: '' }, keys: {} },
        }
      : seedDefault(model);
  const faults = createFaultInjector();
  const requests: RecordedRequest[] = [];
  const validation = options.validation ?? 'coded';

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<() => unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    // Hono's JSON validator validates {} when the request does not say it is JSON.
    if (!/json/i.test(req.headers['content-type'] ?? '')) return () => ({});
    return () => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return MALFORMED;
      }
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const state = () => ({ era, keys: model.keys.size, projects: model.projects.size, faults: faults.list().length });
    if (await handleControl(req, res, faults, state)) return;
    const path = req.url ?? '/';
    const record: RecordedRequest = { method: req.method ?? 'GET', path, status: 0, body: undefined };
    requests.push(record);
    const fault = faults.take(record.method, path);
    const real = async () => {
      let caller: Caller | undefined;
      try {
        const url = new URL(path, 'http://sandbox');
        const body = await readBody(req);
        const segments = url.pathname.split('/').filter(Boolean);
        if (segments[0] !== 'api') {
          record.status = 404;
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('Not Found');
          return;
        }
        const answer = route({
          model,
          method: record.method,
          segments: segments.slice(1),
          query: url.searchParams,
          body: () => {
            record.body = body();
            return record.body;
          },
          caller: () => {
            const resolved = model.resolve(req.headers.authorization);
            if (!resolved.ok) throw unauthorized(resolved.reason);
            caller = { key: resolved.key, user: resolved.user };
            return caller;
          },
          validation,
          enterprise: options.enterprise ?? false,
        });
        // lastUsedAt moves only after a 2xx, as markUsed does.
        if (caller) caller.key.lastUsedAt = model.now();
        record.status = answer.status;
        send(res, answer.status, answer.body);
      } catch (error) {
        const e = error instanceof LangwatchHttpError ? error : internalError();
        record.status = e.status;
        send(res, e.status, e.body);
      }
    };
    if (fault) {
      record.status = fault.kind === 'status' ? fault.status : fault.kind === 'rate-limit' ? 429 : fault.kind === 'expire-credential' ? 401 : -1;
      await applyFault(fault, req, res, { errorBody: defaultBody, unauthorized: (r) => send(r, 401, unauthorized('invalid').body), realHandler: real });
      return;
    }
    await real();
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, internalError().body);
    });
  };
  const server = await startLoopbackServer(listener, { port: options.port, tls: options.tls });

  const view = (k: ApiKey): SandboxKey => ({
    id: k.id,
    name: k.name,
    description: k.description,
    keyType: k.userId ? 'personal' : 'service',
    userId: k.userId,
    bindings: k.bindings.map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId })),
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
    lastUsedAt: k.lastUsedAt,
    ingestion: k.prefix === 'ik-lw-',
  });

  return {
    url: server.url,
    era,
    credentials: seeded.credentials,
    ids: seeded.ids,
    faults,
    requests,
    authenticates: (token) => model.resolve(`Bearer ${token}`).ok,
    key: (id) => {
      const k = model.keys.get(id);
      return k ? view(k) : undefined;
    },
    keys: () => [...model.keys.values()].map(view),
    seedProjects(count, team = 'Research') {
      const teamId = seeded.ids.teams[team];
      for (let i = 0; i < count; i++) model.addProject(`Bulk ${team} ${String(i).padStart(4, '0')}`, teamId);
    },
    revokeElsewhere(id) {
      const k = model.keys.get(id);
      if (!k) throw new Error(`no key ${id}`);
      k.revokedAt = model.now();
    },
    advance: (ms) => model.advance(ms),
    issuedTokens: () => [...model.issued],
    close: () => server.close(),
  };
}
