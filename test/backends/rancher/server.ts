// A Rancher 1.x (cattle, API v2-beta) sandbox: a real HTTP(S) server on 127.0.0.1 reproducing the
// API-key contract in ../shared/providers/rancher-1x.md — routing and project scoping, Basic auth
// of active keys, field visibility, the state machine and its actions, collections with markers
// and filters, the error bodies — with fault injection. Used by tests, benchmarks and the preview.
// This file holds the HTTP side (auth, headers, faults, the sandbox handle); routes.ts the API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, createFaultInjector, handleControl, readBody, startLoopbackServer, type Fault, type FaultInjector } from '../faults.ts';
import { CHALLENGE, errorBody, RancherError, toJson, VARIANT_TRAITS, type Variant } from './json.ts';
import { RancherModel, type Credential } from './model.ts';
import { resolveScope, route, type ApiContext, type Caller, type Scope } from './routes.ts';
import { seedWorld } from './seed.ts';

export interface RancherSandboxOptions {
  /** Default: a free port. */
  port?: number;
  tls?: { key: string; cert: string };
  /** How long a transitioning state (registering, deactivating…) lasts. Default 25 ms. */
  settleMs?: number;
  /** How long a removed key stays `removed` before it is purged. Default 60 s. */
  purgeAfterMs?: number;
  /** Largest page (`limit`); larger ones are clamped, `limit<=0` means this. Default 1000. */
  maxLimit?: number;
  /** 'empty': accounts, projects and the three connection keys only. Default 'default'. */
  seed?: 'default' | 'empty';
  /** Which Rancher 1.x release to answer as (json.ts VARIANT_TRAITS: headers, restore). Default '1.6'. */
  variant?: Variant;
  /**
   * Access control (api.security.enabled). Off, as on a fresh install, cattle serves any request whose
   * credential matches no key as the admin, unless it carries `X-ENFORCE-AUTHENTICATION: true`
   * (AdminAuthLookUp). Default true.
   */
  accessControl?: boolean;
}

export interface SandboxCredential {
  accessKey: string;
  secretKey: string;
}

export interface RancherSandbox {
  /** http(s)://127.0.0.1:<port> */
  url: string;
  /** Seeded active keys: the admin's account key, alice's account key, an environment key of Default. */
  credentials: { admin: SandboxCredential; user: SandboxCredential; environment: SandboxCredential };
  /** e.g. projects.Default === '1a5' */
  ids: { admin: string; user: string; projects: Record<string, string> };
  faults: FaultInjector;
  /** Every secretValue ever generated, seeded ones included (for leak scans). */
  issuedSecrets(): string[];
  authenticates(accessKey: string, secretKey: string): boolean;
  /** The stored apiKey (state, name…), for assertions; undefined for unknown ids and other credential kinds. */
  key(id: string): Record<string, unknown> | undefined;
  /** apiKeys in id order, removed and purged ones included. */
  keys(accountId?: string): Array<Record<string, unknown>>;
  /** Bulk seeding for benchmarks: `count` keys named `<namePrefix>-<i>`, every tenth inactive. */
  seedKeys(accountId: string, count: number, opts?: { namePrefix?: string }): void;
  /** Deactivates or reactivates an environment (a project account), as its owner would in Rancher. */
  setProjectState(projectId: string, state: 'active' | 'inactive'): void;
  /**
   * Every API request (not /__sandbox/*) with the status answered (0 when none was: drop, hang) and
   * whether it asked for authentication to be enforced.
   */
  requests: Array<{ method: string; path: string; status: number; enforceAuthentication: boolean }>;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function startRancherSandbox(options: RancherSandboxOptions = {}): Promise<RancherSandbox> {
  const variant: Variant = options.variant ?? '1.6';
  const model = new RancherModel({ settleMs: options.settleMs ?? 25, purgeAfterMs: options.purgeAfterMs ?? 60_000, variant });
  const seeded = seedWorld(model, options.seed ?? 'default');
  const api: ApiContext = { model, maxLimit: options.maxLimit ?? 1000 };
  const faults = createFaultInjector();
  const requests: RancherSandbox['requests'] = [];
  const traits = VARIANT_TRAITS[variant];
  const accessControl = options.accessControl ?? true;
  const { version } = traits;
  let port = 0;

  function write(res: ServerResponse, { status, body, headers }: Answer): void {
    const payload = Buffer.from(toJson(body), 'utf8');
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(payload.length), 'x-rancher-version': version, ...headers });
    res.end(payload);
  }

  const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

  /** Links are absolute, built from Host (or X-Forwarded-*), and lower-cased (DefaultUrlBuilder). */
  function origin(req: IncomingMessage): string {
    const proto = single(req.headers['x-forwarded-proto']) ?? (options.tls ? 'https' : 'http');
    const host = single(req.headers['x-forwarded-host']) ?? req.headers.host ?? `127.0.0.1:${port}`;
    return `${proto}://${host}`.toLowerCase();
  }

  /** The challenge is only sent while access control is on (ApiAuthenticator.getAccount). */
  function challenge(req: IncomingMessage): Record<string, string> {
    if (!accessControl) return {};
    return single(req.headers['x-api-no-challenge'])?.toLowerCase() === 'true' ? {} : { 'www-authenticate': CHALLENGE };
  }

  const enforced = (req: IncomingMessage) => single(req.headers['x-enforce-authentication'])?.trim() === 'true';

  /** BasicAuthImpl, then (access control off, nothing enforced) AdminAuthLookUp: the admin. */
  function authenticate(req: IncomingMessage): Caller | undefined {
    const match = /^Basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const credential = colon < 0 ? undefined : model.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
    const account = credential ? model.accounts.get(credential.accountId) : !accessControl && !enforced(req) ? model.admin() : undefined;
    return account ? { credential: credential ?? null, account, isAdmin: account.kind === 'admin' } : undefined;
  }

  /** ApiAuthenticator.saveInContext (which headers depends on the release) and ApiRequestFilterDelegate. */
  function scopeHeaders(req: IncomingMessage, scope: Scope, base: string): Record<string, string> {
    const projectScoped = scope.effective.kind === 'project';
    return {
      ...(traits.userIdHeader ? { 'x-api-user-id': scope.caller.account.id } : {}),
      'x-api-account-id': scope.effective.id,
      ...(traits.accountKindHeaders ? { 'x-api-account-kind': scope.caller.account.kind, 'x-api-account-name': scope.caller.account.name } : {}),
      'x-api-client-ip': req.socket.remoteAddress ?? '127.0.0.1',
      'x-api-schemas': `${base}/v2-beta${projectScoped ? `/projects/${scope.effective.id}` : ''}/schemas`,
    };
  }

  async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const text = await readBody(req, MAX_BODY_BYTES);
    if (text.trim() === '') return {};
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new RancherError(400, 'InvalidBodyContent');
  }

  async function serve(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const segments = url.pathname.split('/').filter(Boolean);
    // Outside the API (the UI, other versions) nothing is reproduced.
    if (segments[0]?.toLowerCase() !== 'v2-beta') throw new RancherError(404);
    const caller = authenticate(req);
    if (!caller) return { status: 401, body: errorBody(401), headers: challenge(req) };

    let rest = segments.slice(1);
    let pathProject: string | undefined;
    if (rest.length >= 3 && /^projects?$/i.test(rest[0]!)) {
      pathProject = rest[1]!;
      rest = rest.slice(2);
    }
    const scope = resolveScope(model, caller, {
      path: pathProject,
      header: single(req.headers['x-api-project-id']),
      query: url.searchParams.get('projectId') ?? undefined,
    });
    const base = origin(req);
    const headers = scopeHeaders(req, scope, base);
    // ?_method=PUT|DELETE overrides a POST (DefaultApiRequestParser.parseMethod).
    const override = url.searchParams.get('_method');
    const method = req.method === 'POST' && override ? override.toUpperCase() : (req.method ?? 'GET');
    try {
      const reply = await route(api, {
        method,
        segments: rest,
        query: url.searchParams,
        rawQuery: url.search.slice(1),
        origin: base,
        self: `${base}${url.pathname.replace(/\/+$/, '')}`.toLowerCase(),
        body: () => jsonBody(req),
        scope,
      });
      return { ...reply, headers };
    } catch (error) {
      if (error instanceof RancherError) return { status: error.status, body: errorBody(error.status, error.code, error.fieldName), headers };
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await handleControl(req, res, faults, state)) return;
    const record = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0, enforceAuthentication: enforced(req) };
    requests.push(record);
    const real = async () => {
      let answer: Answer;
      try {
        answer = await serve(req);
      } catch (error) {
        answer = error instanceof RancherError ? { status: error.status, body: errorBody(error.status, error.code, error.fieldName) } : { status: 500, body: errorBody(500) };
      }
      record.status = answer.status;
      write(res, answer);
    };
    // Faults apply before routing and authentication, as a proxy or a dying server would.
    const fault = faults.take(req);
    if (!fault) return real();
    record.status = cannedStatus(fault);
    await applyFault(fault, req, res, {
      errorBody: (status) => errorBody(status),
      realHandler: real,
      expiredCredential: () => ({ status: 401, body: errorBody(401), headers: { 'x-rancher-version': version, ...challenge(req) } }),
      serialize: toJson,
    });
  }

  function state() {
    const byState: Record<string, number> = {};
    for (const c of model.keyOrder) {
      const s = model.settle(c).state;
      byState[s] = (byState[s] ?? 0) + 1;
    }
    return {
      backend: 'rancher',
      variant,
      accounts: [...model.accounts.values()].map((a) => ({ id: a.id, kind: a.kind, name: a.name, state: a.state })),
      apiKeys: { total: model.keyOrder.length, byState },
      credentials: model.credentialOrder.length,
      faults: faults.list().length,
      requests: requests.length,
    };
  }

  const server = await startLoopbackServer(
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) write(res, { status: 500, body: errorBody(500) });
      });
    },
    { port: options.port, tls: options.tls },
  );
  port = server.port;

  const snapshot = (c: Credential): Record<string, unknown> => {
    model.settle(c);
    return {
      id: c.id,
      kind: c.kind,
      name: c.name,
      description: c.description,
      state: c.state,
      transitioning: c.pending ? 'yes' : 'no',
      accountId: c.accountId,
      publicValue: c.publicValue,
      created: c.created,
      removed: c.removed,
      removeTime: c.removeTime,
      uuid: c.uuid,
    };
  };

  return {
    url: server.url,
    credentials: seeded.credentials,
    ids: seeded.ids,
    faults,
    requests,
    issuedSecrets: () => [...model.issued],
    authenticates: (accessKey, secretKey) => model.authenticate(accessKey, secretKey) !== undefined,
    key(id) {
      const c = model.credentials.get(id);
      return c && c.kind === 'apiKey' ? snapshot(c) : undefined;
    },
    keys: (accountId) => model.keyOrder.filter((c) => accountId === undefined || c.accountId === accountId).map(snapshot),
    seedKeys(accountId, count, opts = {}) {
      const prefix = opts.namePrefix ?? 'seeded';
      const now = Date.now();
      for (let i = 0; i < count; i++) {
        model.addCredential('apiKey', accountId, {
          name: `${prefix}-${i}`,
          description: i % 3 === 0 ? `bulk key ${i}` : null,
          state: i % 10 === 0 ? 'inactive' : 'active',
          created: now - i * 60_000,
        });
      }
    },
    setProjectState(projectId, state) {
      const project = model.accounts.get(projectId);
      if (project?.kind !== 'project') throw new Error(`no project ${projectId}`);
      project.state = state;
    },
    close: () => server.close(),
  };
}

/** The status a fault answers by itself; the others record the real answer's status, or 0 for none. */
function cannedStatus(fault: Fault): number {
  switch (fault.kind) {
    case 'status':
      return fault.status;
    case 'rate-limit':
      return 429;
    case 'expire-credential':
      return 401;
    case 'bad-json':
    case 'huge':
      return 200;
    default:
      return 0;
  }
}
