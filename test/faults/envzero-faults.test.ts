// Every way env zero can fail during a sync ends in one clear, typed error, and the cached
// inventory is byte-identical before and after. Real sandbox on 127.0.0.1, real SQLite, real keychain.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import type { Fault } from '../backends/faults.ts';
import { startEnvZeroSandbox, type Credential, type EnvZeroSandbox } from '../backends/envzero/server.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: EnvZeroSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
let connectionId: string;

const credentialOf = (c: Credential) => ({ type: 'key-pair' as const, accessKey: c.apiKeyId, secretKey: c.apiKeySecret });
const basicOf = (c: Credential) => Buffer.from(`${c.apiKeyId}:${c.apiKeySecret}`).toString('base64');

function snapshot(): string {
  const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
  try {
    return JSON.stringify([
      db.prepare('SELECT * FROM keys ORDER BY connection_id, id').all(),
      db.prepare('SELECT * FROM scopes ORDER BY connection_id, position').all(),
    ]);
  } finally {
    db.close();
  }
}

async function failedSync(): Promise<ApiError> {
  try {
    await core.api.sync.run({ connectionId });
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the sync to fail');
}

beforeAll(async () => {
  sandbox = await startEnvZeroSandbox();
  dir = tempDir();
  core = createCore({
    dataDir: dir.path,
    http: { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 },
  });
  const connection = await core.api.connections.add({ kind: 'envzero', name: 'Faulty', baseUrl: sandbox.url, credential: credentialOf(sandbox.credentials.personal), target: sandbox.ids.orgs.platform });
  connectionId = connection.id;
  await core.api.sync.run({ connectionId });
  // A cache worth protecting: a deleted key held as revoked, and a fresh one held as created.
  const rows = (await core.api.keys.list({ connectionId })).rows;
  await core.api.keys.delete({ connectionId, keyId: rows.find((k) => k.name === 'never-used')!.id });
  const { revealSlotId } = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.orgs.platform, type: 'organization', name: 'held', role: 'Admin' });
  await core.api.reveal.discard({ slotId: revealSlotId });
});

afterAll(async () => {
  await core.api.connections.remove({ connectionId });
  await core.close();
  await sandbox.close();
  dir.cleanup();
});

const cases: Array<[string, string, Fault, RegExp]> = [
  ['a server that never answers', 'timeout', { kind: 'hang' }, /^env zero at 127\.0\.0\.1:\d+ did not answer within 700 ms \(GET \/api-keys\)\.$/],
  ['HTTP 500', 'unavailable', { kind: 'status', status: 500 }, /^env zero at 127\.0\.0\.1:\d+ is unavailable \(HTTP 500\)\. The cached inventory is unchanged/],
  ['HTTP 503 (retried, then given up)', 'unavailable', { kind: 'status', status: 503 }, /is unavailable \(HTTP 503\)/],
  ['429 with Retry-After', 'rate-limited', { kind: 'rate-limit', retryAfterSeconds: 30 }, /^env zero is rate-limiting requests \(HTTP 429\): it accepts at most 1,000 requests a minute for each API path\. Try again in 30 s\.$/],
  ['malformed JSON', 'bad-response', { kind: 'bad-json' }, /^env zero sent an answer Keyfleet could not read \(malformed JSON\) for GET \/api-keys\.$/],
  ['a body cut short', 'network', { kind: 'truncate' }, /closed before the answer was complete|cut short|reset/],
  ['a valid JSON answer of the wrong shape', 'bad-response', { kind: 'status', status: 200, body: { keys: [] } }, /^env zero sent a list of API keys Keyfleet could not read\.$/],
  ['a credential no longer accepted (401)', 'auth', { kind: 'expire-credential' }, /^env zero rejected the connection's API key \(HTTP 401\)/],
  ['a 403 from the gateway', 'not-found', { kind: 'status', status: 403, body: { message: `Authorization header requires 'Credential' parameter. Authorization=Basic ${basicOf({ apiKeyId: 'a', apiKeySecret: 'b' })}` } }, /API gateway did not recognise/],
  ['a connection reset before any answer', 'network', { kind: 'drop' }, /closed|reset/],
];

describe('env zero sync under faults', () => {
  it.each(cases)('%s → a clear %s error, inventory untouched', async (_label, kind, fault, message) => {
    const before = snapshot();
    sandbox.faults.add({ ...fault, path: '/api-keys' });
    const error = await failedSync();
    sandbox.faults.clear();
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(sandbox.credentials.personal.apiKeySecret);
    expect(error.message).not.toContain(basicOf(sandbox.credentials.personal));
    expect(snapshot()).toBe(before);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync).toMatchObject({ result: 'failed', error: { kind } });
  });

  it('keeps the revoked and the held rows as they were, and recovers once the server is healthy', async () => {
    const rows = (await core.api.keys.list({ connectionId })).rows;
    expect(rows.find((k) => k.name === 'never-used')).toMatchObject({ status: 'revoked', holdReason: 'revoked' });
    expect(rows.find((k) => k.name === 'held')).toMatchObject({ status: 'active' });
    const run = await core.api.sync.run({ connectionId });
    expect(run.result).toBe('ok');
  });

  it('reports a refused connection as a network error and keeps the inventory', async () => {
    const local = await startEnvZeroSandbox();
    const data = tempDir();
    const other = createCore({ dataDir: data.path, http: { timeoutMs: 700, retries: 0 } });
    try {
      const c = await other.api.connections.add({ kind: 'envzero', name: 'Gone', baseUrl: local.url, credential: credentialOf(local.credentials.admin) });
      await other.api.sync.run({ connectionId: c.id });
      const before = await other.api.keys.list({ connectionId: c.id, limit: 1000 });
      expect(before.total).toBe(5);
      await local.close();
      const error = await other.api.sync.run({ connectionId: c.id }).then(
        () => undefined,
        (e: unknown) => e as ApiError,
      );
      expect(error?.kind).toBe('network');
      expect(error?.message).toMatch(/^Could not reach env zero at 127\.0\.0\.1:\d+: the connection was refused\.$/);
      expect(await other.api.keys.list({ connectionId: c.id, limit: 1000 })).toEqual(before);
      await other.api.connections.remove({ connectionId: c.id });
    } finally {
      await other.close();
      data.cleanup();
    }
  });
});
