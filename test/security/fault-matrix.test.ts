// The backend fault matrix: every backend sandbox × every way a server or the network can fail
// during a sync. Each must end in one clear, typed error (or, with the connection's own CA,
// success), and the cached inventory — keys, scopes, change log — must be byte-identical before
// and after. Prints the matrix; the per-backend files under test/faults/ check each backend's own
// wording and quirks. Real sandboxes on 127.0.0.1, real SQLite, the real keychain.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import type { ErrorKind } from '../../src-preload/contract.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { startDeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox } from '../backends/envzero/server.ts';
import type { Fault, FaultInjector } from '../backends/faults.ts';
import { startLangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';
import { makeTestPki } from '../support/tls.ts';
import { recordFigures } from './figures.ts';

type Tls = { key: string; cert: string };
interface Sandbox {
  url: string;
  faults: FaultInjector;
  close(): Promise<void>;
}
type AddInput = Parameters<Core['api']['connections']['add']>[0];

interface Backend {
  name: string;
  start(tls?: Tls): Promise<Sandbox>;
  connection(sandbox: Sandbox): AddInput;
  /** Where the key list is fetched: the fault goes there. */
  keyList: Pick<Fault, 'method' | 'path'>;
  /** Backends whose quirks give a fault another kind than the usual one. */
  kinds?: Partial<Record<string, ErrorKind>>;
}

const backends: Backend[] = [
  {
    name: 'Rancher',
    start: (tls) => startRancherSandbox({ settleMs: 5, tls }),
    connection: (s) => {
      const { credentials } = s as Awaited<ReturnType<typeof startRancherSandbox>>;
      return { kind: 'rancher', name: 'Rancher', baseUrl: s.url, credential: { type: 'key-pair', ...credentials.user } };
    },
    keyList: { path: '/apikeys' },
  },
  {
    name: 'env zero',
    start: (tls) => startEnvZeroSandbox({ listLagMs: 0, tls }),
    connection: (s) => {
      const { admin } = (s as Awaited<ReturnType<typeof startEnvZeroSandbox>>).credentials;
      return { kind: 'envzero', name: 'env zero', baseUrl: `${s.url}/`, credential: { type: 'key-pair', accessKey: admin.apiKeyId, secretKey: admin.apiKeySecret } };
    },
    keyList: { path: '/api-keys' },
  },
  {
    name: 'LangWatch',
    start: (tls) => startLangwatchSandbox({ era: 'B', tls }),
    connection: (s) => ({
      kind: 'langwatch',
      name: 'LangWatch',
      baseUrl: `${s.url}/api/api-keys`,
      credential: { type: 'token', token: (s as Awaited<ReturnType<typeof startLangwatchSandbox>>).credentials.admin },
    }),
    keyList: { method: 'GET', path: /^\/api\/api-keys$/ },
  },
  {
    name: 'Onyx',
    start: (tls) => startOnyxSandbox({ variant: 'groups', tls }),
    connection: (s) => ({
      kind: 'onyx',
      name: 'Onyx',
      baseUrl: `${s.url}/api/`,
      credential: { type: 'token', token: (s as Awaited<ReturnType<typeof startOnyxSandbox>>).credentials.adminPat },
    }),
    keyList: { path: '/api/admin/api-key' },
  },
  {
    name: 'deepset',
    start: (tls) => startDeepsetSandbox({ tls }),
    connection: (s) => ({
      kind: 'deepset',
      name: 'deepset',
      baseUrl: s.url,
      credential: { type: 'token', token: (s as Awaited<ReturnType<typeof startDeepsetSandbox>>).credentials.admin },
      credentialKind: 'user-token',
    }),
    keyList: { path: '/token' },
  },
];

/** The faults injected into a running server, and the kind of error each must give. */
const serverFaults: Array<[string, Fault, ErrorKind]> = [
  ['timeout (no answer)', { kind: 'hang' }, 'timeout'],
  ['slow drip', { kind: 'slow-drip', bytesPerSecond: 20 }, 'timeout'],
  ['HTTP 500', { kind: 'status', status: 500 }, 'unavailable'],
  ['HTTP 502', { kind: 'status', status: 502 }, 'unavailable'],
  ['429 + Retry-After', { kind: 'rate-limit', retryAfterSeconds: 30 }, 'rate-limited'],
  ['malformed JSON', { kind: 'bad-json' }, 'bad-response'],
  ['truncated body', { kind: 'truncate' }, 'network'],
  ['2 GB-claimed body', { kind: 'huge', claimBytes: 2 * 1024 ** 3 }, 'bad-response'],
  ['401 revoked credential', { kind: 'expire-credential' }, 'auth'],
  ['403', { kind: 'status', status: 403 }, 'forbidden'],
  ['reset mid-body', { kind: 'reset' }, 'network'],
  ['reset before any answer', { kind: 'drop' }, 'network'],
];
const ROWS = [...serverFaults.map(([label]) => label), 'connection refused', 'TLS, unknown CA', 'TLS, the connection’s own CA'];

const HTTP = { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 };

/** A hash of one connection's cached inventory (keys, scopes, change log), as stored. */
function inventoryHash(dataDir: string, connectionId: string): string {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const hash = createHash('sha256');
    for (const table of ['keys', 'scopes', 'changes']) {
      hash.update(JSON.stringify(db.prepare(`SELECT * FROM ${table} WHERE connection_id = ? ORDER BY rowid`).all(connectionId)));
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

async function outcome(call: Promise<unknown>): Promise<ApiError | 'ok'> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

interface Cell {
  got: string;
  expected: string;
  ok: boolean;
  problem?: string;
}
const matrix = new Map<string, Map<string, Cell>>(ROWS.map((row) => [row, new Map()]));
const certs = tempDir();
const pki = makeTestPki(certs.path);

afterAll(() => {
  const columns = backends.map((b) => b.name);
  const width = Math.max(...ROWS.map((r) => r.length));
  const cellText = (c: Cell | undefined) => (c ? `${c.ok ? '✓' : '✗'} ${c.got}` : '—');
  const lines = [
    ['fault'.padEnd(width), ...columns.map((c) => c.padEnd(16))].join('  '),
    ...ROWS.map((row) => [row.padEnd(width), ...columns.map((c) => cellText(matrix.get(row)!.get(c)).padEnd(16))].join('  ')),
  ];
  console.log(`\nBackend fault matrix (cell: the error kind Keyfleet reported; ✓ expected kind, clear message, inventory unchanged)\n${lines.join('\n')}`);
  const cells = [...matrix.values()].flatMap((m) => [...m.values()]);
  const failures = [...matrix.entries()].flatMap(([row, m]) => [...m.entries()].filter(([, c]) => !c.ok).map(([col, c]) => `${col} / ${row}: ${c.problem ?? c.got}`));
  recordFigures('backend-faults', [
    ...backends.map((b) => {
      const handled = ROWS.filter((row) => matrix.get(row)!.get(b.name)?.ok).length;
      return { figure: `${b.name}: faults handled`, value: `${handled}/${ROWS.length}`, target: 'all', ok: handled === ROWS.length };
    }),
    { figure: 'cases run', value: cells.length, target: `${ROWS.length * backends.length}`, ok: cells.length === ROWS.length * backends.length },
    { figure: 'inventory changed or unclear errors', value: failures.length, target: '0', ok: failures.length === 0, detail: failures.slice(0, 3).join(' | ') },
  ]);
  certs.cleanup();
});

describe.each(backends)('$name under every fault', (backend) => {
  it('gives a clear typed error for each, and never touches the cached inventory', async () => {
    const sandbox = await backend.start();
    const dir = tempDir();
    const core = createCore({ dataDir: dir.path, syncIntervalMs: 0, http: HTTP });
    const record = (row: string, cell: Cell) => matrix.get(row)!.set(backend.name, cell);
    const credentialText = JSON.stringify(backend.connection(sandbox).credential);
    let connectionId = '';
    const check = async (row: string, expected: ErrorKind | 'ok', call: Promise<unknown>, before: string) => {
      const result = await outcome(call);
      const got = result === 'ok' ? 'ok' : result.kind;
      let problem: string | undefined;
      if (got !== expected) problem = `${got}: ${result === 'ok' ? 'succeeded' : result.message}`;
      else if (result !== 'ok' && (result.message.length < 20 || /undefined|\[object|TypeError|at \w+ \(/.test(result.message))) problem = `unclear message: ${result.message}`;
      else if (result !== 'ok' && Object.values(JSON.parse(credentialText) as Record<string, string>).some((v) => v.length > 8 && result.message.includes(v))) problem = 'the message holds the credential';
      else if (inventoryHash(dir.path, connectionId) !== before) problem = 'the cached inventory changed';
      record(row, { got, expected, ok: problem === undefined, problem });
    };
    try {
      connectionId = (await core.api.connections.add(backend.connection(sandbox))).id;
      expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
      const cached = (await core.api.keys.list({ connectionId, limit: 1000 })).total;
      expect(cached).toBeGreaterThan(0);

      for (const [row, fault, kind] of serverFaults) {
        const before = inventoryHash(dir.path, connectionId);
        sandbox.faults.add({ ...fault, ...backend.keyList });
        await check(row, backend.kinds?.[row] ?? kind, core.api.sync.run({ connectionId }), before);
        sandbox.faults.clear();
      }
      // Healthy again: the next sync works, and nothing in between lost a key.
      expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
      expect((await core.api.keys.list({ connectionId, limit: 1000 })).total).toBe(cached);

      // TLS: a server whose certificate no system CA vouches for is refused — nothing is stored —
      // and accepted with the CA the user gives for that connection (the first connection's cache
      // stays as it was either way).
      const tls = await backend.start({ key: pki.key, cert: pki.cert });
      try {
        let before = inventoryHash(dir.path, connectionId);
        await check('TLS, unknown CA', 'tls', core.api.connections.add(backend.connection(tls)), before);
        expect((await core.api.connections.list()).map((c) => c.id)).toEqual([connectionId]);
        before = inventoryHash(dir.path, connectionId);
        const secured = await core.api.connections.add({ ...backend.connection(tls), name: `${backend.name} TLS`, caPem: pki.caPem });
        await check('TLS, the connection’s own CA', 'ok', core.api.sync.run({ connectionId: secured.id }), before);
        expect((await core.api.keys.list({ connectionId: secured.id, limit: 1 })).total).toBeGreaterThan(0);
        await core.api.connections.remove({ connectionId: secured.id });
      } finally {
        await tls.close();
      }

      // Last: the server goes away; the connection is refused, the cache stays.
      const before = inventoryHash(dir.path, connectionId);
      await sandbox.close();
      await check('connection refused', 'network', core.api.sync.run({ connectionId }), before);
      expect((await core.api.keys.list({ connectionId, limit: 1000 })).total).toBe(cached);
      await core.api.connections.remove({ connectionId });
    } finally {
      await core.close();
      await sandbox.close().catch(() => undefined);
      dir.cleanup();
    }
    const failed = [...matrix.values()].map((m) => m.get(backend.name)).filter((c) => c && !c.ok);
    expect(failed).toEqual([]);
    expect(ROWS.every((row) => matrix.get(row)!.has(backend.name))).toBe(true);
  }, 60_000);
});
