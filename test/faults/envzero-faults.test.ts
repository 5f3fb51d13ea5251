// env zero's own way to fail during a sync — the API gateway's 403 for a route it does not know —
// ends in one clear, typed error, and the cached inventory (a revoked row and a held row included)
// is byte-identical before and after. The faults every backend shares (timeouts, 5xx, 429, bodies
// malformed, of the wrong shape or cut short, 401, refused, TLS…) are in
// test/security/fault-matrix.test.ts. Real sandbox on 127.0.0.1, real SQLite, real keychain.
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
  ['a 403 from the gateway', 'not-found', { kind: 'status', status: 403, body: { message: `Authorization header requires 'Credential' parameter. Authorization=Basic ${basicOf({ apiKeyId: 'a', apiKeySecret: 'b' })}` } }, /API gateway did not recognise/],
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
});
