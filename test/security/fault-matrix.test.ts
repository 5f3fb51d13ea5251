// The backend fault matrix: every backend sandbox × every way a server or the network can fail,
// during a sync and during a create. Each must end in one clear, typed error (or, with the
// connection's own CA, success) whose message names the backend or host and never holds the
// credential, and the cached inventory — every per-connection inventory table and the connection's
// row — must be byte-identical before and after. Prints the matrix and records its figures. The
// per-backend files under test/faults/ keep only what is particular to one backend. Real sandboxes
// on 127.0.0.1, real SQLite, the real keychain.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, it, type ExpectStatic } from 'vitest';
import type { ErrorKind } from '../../src-preload/contract.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { startDeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox } from '../backends/envzero/server.ts';
import { loopbackServerAt, type Fault, type FaultInjector } from '../backends/faults.ts';
import { startLangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { outcome } from '../support/hostile-site.ts';
import { tempDir } from '../support/temp.ts';
import { makeTestPki } from '../support/tls.ts';
import { recordFigures, setting } from './figures.ts';

type Tls = { key: string; cert: string };
interface Sandbox {
  url: string;
  faults: FaultInjector;
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}
type AddInput = Parameters<Core['api']['connections']['add']>[0];
type CreateInput = Parameters<Core['api']['keys']['create']>[0];

/** The faults injected into a running server; each row's label, fault, kind and message. */
interface FaultRow {
  label: string;
  fault: Fault;
  kind: ErrorKind;
  /** Whether the fault hits every call (a revoked credential), not only the key list or the create. */
  everywhere?: boolean;
  /** The message every backend gives (named `name`), unless the backend words it itself. */
  message?: (name: string) => RegExp;
}

interface Backend<S extends Sandbox = Sandbox> {
  name: string;
  start(tls?: Tls): Promise<S>;
  /** A sandbox whose lists take several pages (small pages, or more items), for the every-request case. */
  startPaged(): Promise<S>;
  connection(sandbox: S): AddInput;
  /** Where the key list is fetched (the sync's faults go there); creates POST to the same path. */
  keyList: { method?: 'GET'; path: string | RegExp };
  createInput(sandbox: S, connectionId: string): CreateInput;
  /** The backend's own wording of a sync fault (by row label), where its adapter explains it; a create's is checked by the row's message. */
  wording?: Partial<Record<string, RegExp>>;
}

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HOST = String.raw`127\.0\.0\.1:\d+`;
const CALL = String.raw`\((?:GET|POST) /[^\s?]*\)`;

const serverFaults: FaultRow[] = [
  { label: 'timeout (no answer)', fault: { kind: 'hang' }, kind: 'timeout', message: (n) => new RegExp(`^${n} at ${HOST} did not answer within 700 ms ${CALL}\\.$`) },
  { label: 'slow drip', fault: { kind: 'slow-drip', bytesPerSecond: 20 }, kind: 'timeout', message: (n) => new RegExp(`^${n} at ${HOST} did not answer within 700 ms ${CALL}\\.$`) },
  { label: 'HTTP 500', fault: { kind: 'status', status: 500 }, kind: 'unavailable', message: (n) => new RegExp(`^${n} at ${HOST} is unavailable \\(HTTP 500\\)\\.`) },
  { label: 'HTTP 502', fault: { kind: 'status', status: 502 }, kind: 'unavailable', message: (n) => new RegExp(`^${n} at ${HOST} is unavailable \\(HTTP 502\\)\\.`) },
  { label: '429 + Retry-After 30 s', fault: { kind: 'rate-limit', retryAfterSeconds: 30 }, kind: 'rate-limited', message: (n) => new RegExp(`^${n} is rate-limiting requests \\(HTTP 429\\)[;:].*[Tt]ry again in 30 s\\.$`) },
  { label: 'malformed JSON', fault: { kind: 'bad-json' }, kind: 'bad-response', message: (n) => new RegExp(`^${n} sent an answer Keyfleet could not read \\(malformed JSON\\) for (?:GET|POST) /\\S*\\.$`) },
  { label: 'JSON of the wrong shape', fault: { kind: 'status', status: 200, body: { unexpected: [] } }, kind: 'bad-response', message: (n) => new RegExp(`^${n} (?:sent .* Keyfleet could not read|answered .* without)\\b`) },
  {
    label: 'truncated body',
    fault: { kind: 'truncate' },
    kind: 'network',
    message: (n) => new RegExp(`^Could not reach ${n} at ${HOST}: the (?:connection was closed before the answer was complete|answer was cut short|connection was reset)\\.$`),
  },
  { label: '2 GB-claimed body', fault: { kind: 'huge', claimBytes: 2 * 1024 ** 3 }, kind: 'bad-response', message: (n) => new RegExp(`^${n} sent an answer larger than Keyfleet accepts \\(2\\.0 GB > 1\\.0 MB\\); it was not read\\.$`) },
  { label: '401 revoked credential', fault: { kind: 'expire-credential' }, kind: 'auth', everywhere: true, message: () => /\(HTTP 40[13]\b/ },
  { label: '403', fault: { kind: 'status', status: 403 }, kind: 'forbidden', message: () => /\(HTTP 403\b|lacks the [a-z]+:[a-z]+ permission/ },
  {
    label: 'reset mid-body',
    fault: { kind: 'reset' },
    kind: 'network',
    message: (n) => new RegExp(`^Could not reach ${n} at ${HOST}: the (?:connection was reset|connection was closed before the answer was complete|answer was cut short)\\.$`),
  },
  { label: 'reset before any answer', fault: { kind: 'drop' }, kind: 'network', message: (n) => new RegExp(`^Could not reach ${n} at ${HOST}: the (?:connection was reset|connection was closed)\\b.*\\.$`) },
];
const REFUSED = 'connection refused';
const TLS_UNKNOWN = 'TLS, unknown CA';
const TLS_OWN = 'TLS, the connection’s own CA';
const SYNC_ROWS = [...serverFaults.map((f) => f.label), REFUSED, TLS_UNKNOWN, TLS_OWN];
const CREATE_ROWS = serverFaults.map((f) => f.label);
/**
 * Faults also tried on every single request a healthy sync makes (scopes, later pages, teams,
 * workspaces…), one request at a time: the sync fails whole and the cache stays. One fault in the
 * fast run, more in the full one.
 */
const everyRequestFaults = setting(['HTTP 500'], ['HTTP 500', '429 + Retry-After 30 s', 'malformed JSON', 'truncated body', '2 GB-claimed body', 'reset mid-body']).map(
  (label) => serverFaults.find((f) => f.label === label)!,
);
const refusedMessage = (n: string) => new RegExp(`^Could not reach ${n} at ${HOST}: the connection was refused\\.$`);
const tlsMessage = new RegExp(`^The TLS certificate of ${HOST} could not be verified \\([A-Z_]+\\)\\. If this server uses a private certificate authority, add its CA certificate to the connection\\.$`);

const HTTP = { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 };
/**
 * A frozen clock: Keyfleet's own timestamps (last seen, last success) stay put, so a successful sync
 * of unchanged data writes the very same bytes — but for the backend's own record of last use.
 */
const NOW = Date.now();

const define = <S extends Sandbox>(backend: Backend<S>) => backend as unknown as Backend;

const backends: Backend[] = [
  define({
    name: 'Rancher',
    start: (tls) => startRancherSandbox({ settleMs: 5, tls }),
    startPaged: () => startRancherSandbox({ settleMs: 5, maxLimit: 2 }),
    connection: (s) => ({ kind: 'rancher', name: 'Rancher', baseUrl: s.url, credential: { type: 'key-pair', ...s.credentials.user } }),
    keyList: { path: '/apikeys' },
    createInput: (s, connectionId) => ({ connectionId, scopeId: s.ids.user, type: 'account', name: 'matrix' }),
    wording: {
      'JSON of the wrong shape': /^Rancher sent a list of keys Keyfleet could not read \(field data\)\.$/,
      '401 revoked credential': /^Rancher rejected the connection's credential \(HTTP 401\)\. /,
      '403': /^Rancher refused this for the connection's credential \(HTTP 403\): it lacks the permission\.$/,
    },
  }),
  define({
    name: 'env zero',
    start: (tls) => startEnvZeroSandbox({ listLagMs: 0, tls }),
    startPaged: () => startEnvZeroSandbox({ listLagMs: 0, teamsPageSize: 1 }),
    connection: (s) => ({
      kind: 'envzero',
      name: 'env zero',
      baseUrl: `${s.url}/`,
      credential: { type: 'key-pair', accessKey: s.credentials.admin.apiKeyId, secretKey: s.credentials.admin.apiKeySecret },
    }),
    keyList: { path: '/api-keys' },
    createInput: (s, connectionId) => ({ connectionId, scopeId: s.ids.orgs.platform, type: 'organization', name: 'matrix', role: 'Admin' }),
    wording: {
      'JSON of the wrong shape': /^env zero sent a list of API keys Keyfleet could not read\.$/,
      '429 + Retry-After 30 s': /^env zero is rate-limiting requests \(HTTP 429\): it accepts at most 1,000 requests a minute for each API path\. Try again in 30 s\.$/,
      '401 revoked credential': /^env zero rejected the connection's API key \(HTTP 401\)/,
      '403': /^env zero refused this for the connection's API key \(HTTP 403\)\. Listing, creating and deleting API keys needs an organization Admin API key/,
    },
  }),
  define({
    name: 'LangWatch',
    start: (tls) => startLangwatchSandbox({ era: 'B', tls }),
    startPaged: async () => {
      const sandbox = await startLangwatchSandbox({ era: 'B' });
      sandbox.seedProjects(120);
      return sandbox;
    },
    // The address as a person pastes it from the browser: the adapter finds the API root.
    connection: (s) => ({ kind: 'langwatch', name: 'LangWatch', baseUrl: `${s.url}/api/api-keys`, credential: { type: 'token', token: s.credentials.admin } }),
    keyList: { method: 'GET', path: /^\/api\/api-keys$/ },
    createInput: (s, connectionId) => ({ connectionId, scopeId: s.ids.organization, type: 'service', name: 'matrix' }),
    wording: {
      'JSON of the wrong shape': /^LangWatch sent a list of API keys Keyfleet could not read \(field data\)\.$/,
      '401 revoked credential': /^LangWatch did not accept the connection’s key \(HTTP 401: invalid credentials\)/,
      // The sandbox's 403 is LangWatch's phrase body "Insufficient permissions. Required: organization:manage".
      '403': /^The connection’s key lacks the organization:manage permission in LangWatch\./,
    },
  }),
  define({
    name: 'Onyx',
    start: (tls) => startOnyxSandbox({ variant: 'groups', tls }),
    // Onyx's lists are not paged.
    startPaged: () => startOnyxSandbox({ variant: 'groups' }),
    connection: (s) => ({ kind: 'onyx', name: 'Onyx', baseUrl: `${s.url}/api/`, credential: { type: 'token', token: s.credentials.adminPat } }),
    keyList: { path: '/api/admin/api-key' },
    createInput: (_s, connectionId) => ({ connectionId, scopeId: 'service-accounts', type: 'api-key', name: 'matrix', groupIds: [] }),
    wording: {
      'JSON of the wrong shape': /^Onyx sent a list of API keys Keyfleet could not read\.$/,
      // Onyx answers a deleted or regenerated credential with 403, not 401.
      '401 revoked credential': /^Onyx did not accept the connection’s credential \(HTTP 403/,
      '403': /insufficient permissions.*admin API key/,
    },
  }),
  define({
    name: 'deepset',
    start: (tls) => startDeepsetSandbox({ tls }),
    startPaged: async () => {
      const sandbox = await startDeepsetSandbox();
      sandbox.seedKeys(120);
      return sandbox;
    },
    connection: (s) => ({ kind: 'deepset', name: 'deepset', baseUrl: s.url, credential: { type: 'token', token: s.credentials.admin }, credentialKind: 'user-token' }),
    keyList: { path: '/token' },
    createInput: (s, connectionId) => ({ connectionId, scopeId: s.ids.organization, type: 'service', name: 'matrix', role: 'MEMBER' }),
    wording: {
      'JSON of the wrong shape': /^deepset sent a page of keys Keyfleet could not read \(field data\)\.$/,
      '401 revoked credential': /session expired — reconnect with a fresh user access token/,
      '403': /Listing API keys needs the organization Admin role/,
    },
  }),
];

/** Tables that record an attempt (its run, its journal entry, its audit line), not the inventory. */
const NOT_INVENTORY = new Set(['sync_runs', 'operations', 'audit']);

/** A key's last use, in its column and in the backend's JSON: anything named last_used_at or lastUsedAt. */
const LAST_USE = /^last_?used_?at$/i;

function withoutLastUse(row: Record<string, unknown>): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([k]) => !LAST_USE.test(k)).map(([k, v]) => [k, strip(v)]));
  };
  const out = strip(row) as Record<string, unknown>;
  if (typeof out.raw_json === 'string') out.raw_json = JSON.stringify(strip(JSON.parse(out.raw_json)));
  return out;
}

/**
 * A hash of one connection's cached inventory as stored: every table with a connection_id
 * column (keys, scopes, changes, policies, reminders…) in primary-key order, and the
 * connection's own row. Returns the tables it read, so a test cannot pass by reading nothing.
 * `ignoreLastUse` is for comparing across a successful sync: backends that track last use move
 * the connection's own key's on every call, so that one field may differ; nothing else may.
 */
function inventoryHash(dataDir: string, connectionId: string, ignoreLastUse = false): { hash: string; tables: string[] } {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const hash = createHash('sha256');
    const tables: string[] = [];
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    for (const table of names) {
      if (NOT_INVENTORY.has(table)) continue;
      const columns = db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as Array<{ name: string; pk: number }>;
      if (!columns.some((c) => c.name === 'connection_id')) continue;
      const order = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      const rows = db.prepare(`SELECT * FROM ${table} WHERE connection_id = ? ORDER BY ${order.length ? order.join(', ') : 'rowid'}`).all(connectionId) as Array<Record<string, unknown>>;
      hash.update(`${table}\n${JSON.stringify(ignoreLastUse ? rows.map(withoutLastUse) : rows)}\n`);
      tables.push(table);
    }
    hash.update(JSON.stringify(db.prepare('SELECT * FROM connections WHERE id = ?').all(connectionId)));
    return { hash: hash.digest('hex'), tables };
  } finally {
    db.close();
  }
}

/** The credential's secret parts, and what a careless message could carry of them. */
function secretsOf(input: AddInput): string[] {
  const { credential } = input;
  if (credential.type === 'key-pair') {
    return [credential.secretKey, Buffer.from(`${credential.accessKey}:${credential.secretKey}`).toString('base64')];
  }
  return [credential.token];
}

/** Whether `text` holds any 16-character run of a secret. */
function leaks(text: string, secrets: string[]): boolean {
  return secrets.some((secret) => {
    if (secret.length <= 16) return text.includes(secret);
    for (let i = 0; i + 16 <= secret.length; i++) if (text.includes(secret.slice(i, i + 16))) return true;
    return false;
  });
}

interface Cell {
  got: string;
  ok: boolean;
  problem?: string;
  inventoryChanged: boolean;
}
type Matrix = Map<string, Map<string, Cell>>;
const syncMatrix: Matrix = new Map(SYNC_ROWS.map((row) => [row, new Map()]));
const createMatrix: Matrix = new Map(CREATE_ROWS.map((row) => [row, new Map()]));
/** Rows "<fault> @ <method> <path>", one per request of a healthy sync. */
const requestMatrix: Matrix = new Map();
const certs = { own: tempDir(), unknown: tempDir() };
const pki = makeTestPki(certs.own.path);
/** Another CA, of the same name but its own key: a server certificate no configured CA vouches for. */
const impostor = makeTestPki(certs.unknown.path);

function table(title: string, rows: string[], matrix: Matrix): string {
  const columns = backends.map((b) => b.name);
  const width = Math.max(...rows.map((r) => r.length), title.length);
  const cellText = (c: Cell | undefined) => (c ? `${c.ok ? '✓' : '✗'} ${c.got}` : '—');
  const lines = [
    [title.padEnd(width), ...columns.map((c) => c.padEnd(15))].join('  ').trimEnd(),
    ...rows.map((row) => [row.padEnd(width), ...columns.map((c) => cellText(matrix.get(row)!.get(c)).padEnd(15))].join('  ').trimEnd()),
  ];
  return lines.join('\n');
}

const cellsOf = (matrix: Matrix, backend?: string) => [...matrix.values()].flatMap((m) => [...m.entries()].filter(([col]) => backend === undefined || col === backend).map(([, c]) => c));
const problemsOf = (label: string, matrix: Matrix) =>
  [...matrix.entries()].flatMap(([row, m]) => [...m.entries()].filter(([, c]) => !c.ok).map(([col, c]) => `${col} / ${label} / ${row}: ${c.problem}`));

afterAll(() => {
  const problems = [...problemsOf('sync', syncMatrix), ...problemsOf('create', createMatrix), ...problemsOf('every request', requestMatrix)];
  // The every-request cases, summed per fault: "handled/requests".
  const perRequest: Matrix = new Map(
    everyRequestFaults.map(({ label }) => {
      const rows = [...requestMatrix.entries()].filter(([row]) => row.startsWith(`${label} @ `)).map(([, m]) => m);
      const summed = backends.map((b): [string, Cell] => {
        const cells = rows.map((m) => m.get(b.name)).filter((c): c is Cell => c !== undefined);
        const handled = cells.filter((c) => c.ok).length;
        return [b.name, { got: `${handled}/${cells.length} requests`, ok: cells.length > 0 && handled === cells.length, inventoryChanged: cells.some((c) => c.inventoryChanged) }];
      });
      return [label, new Map(summed.filter(([, c]) => c.got !== '0/0 requests'))];
    }),
  );
  console.log(
    [
      '',
      'Backend fault matrix (cell: the error kind Keyfleet reported, or ok; ✓ = the expected kind, a clear message without the credential, the cached inventory byte-identical)',
      table('during a sync', SYNC_ROWS, syncMatrix),
      '',
      table('during a create', CREATE_ROWS, createMatrix),
      '',
      table('on any one request of a sync', everyRequestFaults.map((f) => f.label), perRequest),
      ...(problems.length ? ['', 'Not as expected:', ...problems.map((p) => `  ${p}`)] : []),
    ].join('\n'),
  );
  const all = [...cellsOf(syncMatrix), ...cellsOf(createMatrix), ...cellsOf(requestMatrix)];
  const expectedCells = (SYNC_ROWS.length + CREATE_ROWS.length) * backends.length;
  recordFigures('backend-faults', [
    ...backends.map((b) => {
      const cells = [...cellsOf(syncMatrix, b.name), ...cellsOf(createMatrix, b.name)];
      const handled = cells.filter((c) => c.ok).length;
      const total = SYNC_ROWS.length + CREATE_ROWS.length;
      return { figure: `${b.name}: faults handled (sync + create)`, value: `${handled}/${total}`, target: 'all', ok: handled === total && cells.length === total };
    }),
    { figure: 'cases run (fixed rows)', value: all.length - cellsOf(requestMatrix).length, target: `${expectedCells}`, ok: all.length - cellsOf(requestMatrix).length === expectedCells },
    ...backends.map((b) => {
      const cells = cellsOf(requestMatrix, b.name);
      const handled = cells.filter((c) => c.ok).length;
      return { figure: `${b.name}: a fault on any one request of a sync`, value: `${handled}/${cells.length}`, target: 'all', ok: cells.length > 0 && handled === cells.length };
    }),
    { figure: 'inventory changed', value: all.filter((c) => c.inventoryChanged).length, target: '0', ok: all.every((c) => !c.inventoryChanged) },
    { figure: 'wrong kind or unclear message', value: problems.length, target: '0', ok: problems.length === 0, detail: problems.slice(0, 3).join(' | ') },
  ]);
  certs.own.cleanup();
  certs.unknown.cleanup();
});

/** One core on its own data dir, checking one backend's cells. */
interface Site {
  backend: Backend;
  core: Core;
  dataDir: string;
  /** The credential's secret parts: no error may hold any of them. */
  secrets: string[];
  expect: ExpectStatic;
}

async function withSite(backend: Backend, http: typeof HTTP, expect: ExpectStatic, secrets: string[], run: (site: Site) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const core = createCore({ dataDir: dir.path, syncIntervalMs: 0, now: () => NOW, http });
  try {
    await run({ backend, core, dataDir: dir.path, secrets, expect });
  } finally {
    // Whatever happened, no credential stays in the keychain.
    for (const { id } of await core.api.connections.list()) await core.api.connections.remove({ connectionId: id });
    await core.close();
    dir.cleanup();
  }
}

const addProblem = (cell: Cell, problem: string) => Object.assign(cell, { ok: false, problem: [cell.problem, problem].filter(Boolean).join('; ') });

/** Runs `call` and records its cell: kind, message, credential, inventory. */
async function check(site: Site, matrix: Matrix, row: string, connectionId: string, expected: ErrorKind | 'ok', message: RegExp | undefined, call: () => Promise<unknown>): Promise<Cell> {
  const { backend, dataDir, secrets, expect } = site;
  const before = inventoryHash(dataDir, connectionId, expected === 'ok');
  expect(before.tables).toEqual(expect.arrayContaining(['keys', 'scopes', 'changes']));
  const result = await outcome(call());
  const inventoryChanged = inventoryHash(dataDir, connectionId, expected === 'ok').hash !== before.hash;
  const got = result === 'ok' ? 'ok' : result.kind;
  const problems: string[] = [];
  if (got !== expected) problems.push(`expected ${expected}, got ${result === 'ok' ? 'success' : `${got}: ${result.message}`}`);
  if (result !== 'ok') {
    if (message && !message.test(result.message)) problems.push(`unclear message: ${result.message}`);
    if (!result.message.includes(backend.name) && !/127\.0\.0\.1:\d+/.test(result.message)) problems.push(`names neither the backend nor the host: ${result.message}`);
    if (leaks(JSON.stringify({ ...result, message: result.message }), secrets)) problems.push('the error holds the credential');
    if (expected === 'rate-limited' && result.retryAfterMs !== 30_000) problems.push(`retryAfterMs ${result.retryAfterMs}`);
  }
  if (inventoryChanged) problems.push('the cached inventory changed');
  const cell: Cell = { got, ok: problems.length === 0, problem: problems.join('; ') || undefined, inventoryChanged };
  (matrix.get(row) ?? matrix.set(row, new Map()).get(row)!).set(backend.name, cell);
  return cell;
}

/** A sync's cell also holds what the connection shows as its last sync. */
async function checkSync(site: Site, row: string, connectionId: string, expected: ErrorKind | 'ok', message?: RegExp, matrix = syncMatrix): Promise<void> {
  const cell = await check(site, matrix, row, connectionId, expected, message, () => site.core.api.sync.run({ connectionId }));
  const recorded = (await site.core.api.connections.list()).find((c) => c.id === connectionId)?.lastSync;
  const wanted = expected === 'ok' ? { result: 'ok', error: null } : { result: 'failed', kind: expected };
  const seen = { result: recorded?.result, ...(expected === 'ok' ? { error: recorded?.error ?? null } : { kind: recorded?.error?.kind }) };
  if (JSON.stringify(seen) !== JSON.stringify(wanted) || leaks(JSON.stringify(recorded ?? null), site.secrets)) {
    addProblem(cell, `last sync recorded as ${JSON.stringify(recorded)}`);
  }
}

/** The problems of one backend's cells in the given rows. */
const problemsIn = (backend: Backend, rows: Array<[Matrix, string[]]>) =>
  rows.flatMap(([matrix, labels]) => labels.map((row) => [row, matrix.get(row)!.get(backend.name)] as const)).map(([row, cell]) => (cell ? (cell.ok ? undefined : `${row}: ${cell.problem}`) : `${row}: not run`)).filter(Boolean);

// The backends run side by side: each case has its own sandbox, data dir and core.
describe.concurrent('backend fault matrix', () => {
  for (const backend of backends) {
    it(`${backend.name}: every server fault during a sync and a create, then a refused connection`, async ({ expect }) => {
      const sandbox = await backend.start();
      const name = esc(backend.name);
      try {
        await withSite(backend, HTTP, expect, secretsOf(backend.connection(sandbox)), async (site) => {
          const { core } = site;
          const connectionId = (await core.api.connections.add(backend.connection(sandbox))).id;
          expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
          const cached = (await core.api.keys.list({ connectionId, limit: 1000 })).total;
          expect(cached).toBeGreaterThan(0);

          for (const row of serverFaults) {
            sandbox.faults.add({ ...row.fault, ...(row.everywhere ? {} : backend.keyList) });
            await checkSync(site, row.label, connectionId, row.kind, backend.wording?.[row.label] ?? row.message?.(name));
            sandbox.faults.clear();
          }
          // Healthy again: the next sync works and, the data being the same, writes the same bytes.
          const settled = inventoryHash(site.dataDir, connectionId, true).hash;
          expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
          expect(inventoryHash(site.dataDir, connectionId, true).hash).toBe(settled);

          // A create is never repeated on its own (a second one would mint a key nobody sees): the
          // POST is sent once whatever happens to it (at most once where every call fails). The
          // cache does not change either way.
          const posts = () => sandbox.requests.filter((r) => r.method === 'POST').length;
          for (const row of serverFaults) {
            const postsBefore = posts();
            sandbox.faults.add({ ...row.fault, ...(row.everywhere ? {} : { ...backend.keyList, method: 'POST' }) });
            const cell = await check(site, createMatrix, row.label, connectionId, row.kind, row.message?.(name), () => core.api.keys.create(backend.createInput(sandbox, connectionId)));
            sandbox.faults.clear();
            const sent = posts() - postsBefore;
            if (sent > 1 || (sent === 0 && !row.everywhere)) addProblem(cell, `${sent} POSTs sent`);
          }

          // Last: the server goes away; the connection is refused, the cache stays.
          await sandbox.close();
          await checkSync(site, REFUSED, connectionId, 'network', refusedMessage(name));
          expect((await core.api.keys.list({ connectionId, limit: 1000 })).total).toBe(cached);
        });
      } finally {
        await sandbox.close();
      }
      expect(problemsIn(backend, [[syncMatrix, [...serverFaults.map((f) => f.label), REFUSED]], [createMatrix, CREATE_ROWS]])).toEqual([]);
    }, 60_000);

    it(`${backend.name}: a fault on any one request of a sync fails it whole, the cache untouched`, async ({ expect }) => {
      const sandbox = await backend.startPaged();
      const name = esc(backend.name);
      let cases = 0;
      try {
        await withSite(backend, HTTP, expect, secretsOf(backend.connection(sandbox)), async (site) => {
          const { core } = site;
          const connectionId = (await core.api.connections.add(backend.connection(sandbox))).id;
          // The requests of a sync once the first is done (what the adapter learned then, e.g.
          // LangWatch's per-key details, it does not ask again).
          expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
          const requestsOf = (from: number) => new Set(sandbox.requests.slice(from).map((r) => `${r.method} ${r.path}`));
          const first = sandbox.requests.length;
          expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
          const calls = [...requestsOf(first)];
          expect(calls.length).toBeGreaterThan(1);
          for (const row of everyRequestFaults) {
            for (const call of calls) {
              const [method, path] = call.split(' ') as [string, string];
              const label = `${row.label} @ ${call}`;
              const from = sandbox.requests.length;
              sandbox.faults.add({ ...row.fault, method, path: new RegExp(`^${esc(path)}$`) });
              await checkSync(site, label, connectionId, row.kind, row.message?.(name), requestMatrix);
              sandbox.faults.clear();
              if (!requestsOf(from).has(call)) addProblem(requestMatrix.get(label)!.get(backend.name)!, 'the sync did not make this request');
              cases++;
            }
          }
        });
      } finally {
        await sandbox.close();
      }
      const mine = [...requestMatrix.entries()].filter(([, m]) => m.has(backend.name)).map(([row]) => row);
      expect(mine).toHaveLength(cases);
      expect(problemsIn(backend, [[requestMatrix, mine]])).toEqual([]);
    }, 60_000);

    // TLS, on a connection that synced over HTTPS with its own CA: it syncs again, unchanged; once
    // the server presents a certificate from a CA nobody configured, the sync fails as tls. No
    // fault here waits for a deadline, so the deadline is generous: a loaded machine must not
    // turn a slow handshake into a timeout.
    it(`${backend.name}: TLS with an unknown CA and with the connection’s own CA`, async ({ expect }) => {
      const sandbox = await backend.start({ key: pki.key, cert: pki.cert });
      try {
        await withSite(backend, { ...HTTP, timeoutMs: 10_000 }, expect, secretsOf(backend.connection(sandbox)), async (site) => {
          const { core } = site;
          const refused = await outcome(core.api.connections.add(backend.connection(sandbox)));
          expect(refused === 'ok' ? 'ok' : [refused.kind, refused.message]).toEqual(['tls', expect.stringMatching(tlsMessage)]);
          expect(await core.api.connections.list()).toEqual([]);
          const connectionId = (await core.api.connections.add({ ...backend.connection(sandbox), caPem: pki.caPem })).id;
          expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
          expect((await core.api.keys.list({ connectionId, limit: 1 })).total).toBeGreaterThan(0);
          await checkSync(site, TLS_OWN, connectionId, 'ok');
          loopbackServerAt(sandbox.url)!.setTls({ key: impostor.key, cert: impostor.cert });
          await checkSync(site, TLS_UNKNOWN, connectionId, 'tls', tlsMessage);
        });
      } finally {
        await sandbox.close();
      }
      expect(problemsIn(backend, [[syncMatrix, [TLS_OWN, TLS_UNKNOWN]]])).toEqual([]);
    }, 60_000);
  }
});
