// LangWatch's own ways to fail — a phrase body naming the missing permission, a failed revoke —
// end in one clear, typed error, and the cached inventory is byte-identical before and after.
// Both API eras. The faults every backend shares (timeouts, 5xx, 429, bodies malformed, of the
// wrong shape or cut short, 401, refused, TLS, a fault on any one request of a sync such as a
// later page of projects, and the same during a create) are in test/security/fault-matrix.test.ts. The real sandbox on 127.0.0.1, real SQLite, the real keychain.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import type { Fault } from '../backends/faults.ts';
import { startLangwatchSandbox, type Era, type LangwatchSandbox } from '../backends/langwatch/server.ts';
import { tempDir } from '../support/temp.ts';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

const cases: Array<[string, string, Fault, RegExp]> = [
  ['a key that lost organization:view (403)', 'forbidden', { kind: 'status', status: 403, body: { error: 'Forbidden', message: 'Insufficient permissions. Required: organization:view' } }, /lacks the organization:view permission/],
];

describe.each<Era>(['A', 'B'])('LangWatch under faults (era %s)', (era) => {
  let sandbox: LangwatchSandbox;
  let dir: ReturnType<typeof tempDir>;
  let core: Core;
  let connectionId: string;

  /** The cached inventory as bytes: every key row and scope, in order. */
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

  beforeAll(async () => {
    sandbox = await startLangwatchSandbox({ era });
    dir = tempDir();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 } });
    const connection = await core.api.connections.add({ kind: 'langwatch', name: 'Faulty', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.admin } });
    connectionId = connection.id;
    await core.api.sync.run({ connectionId });
  });

  afterAll(async () => {
    await core.api.connections.remove({ connectionId });
    await core.close();
    await sandbox.close();
    dir.cleanup();
  });

  it.each(cases)('sync with %s → a clear %s error, inventory untouched', async (_label, kind, fault, message) => {
    const before = snapshot();
    expect(JSON.parse(before)[0]).toHaveLength(era === 'B' ? 6 : 5);
    sandbox.faults.add({ ...fault, method: 'GET', path: /^\/api\/api-keys$/ });
    const error = await rejection(core.api.sync.run({ connectionId }));
    sandbox.faults.clear();
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(sandbox.credentials.admin.slice(10));
    expect(snapshot()).toBe(before);
    const [view] = await core.api.connections.list();
    expect(view!.lastSync).toMatchObject({ result: 'failed', error: { kind } });
  });

  it('a failed revoke leaves the key working and cached', async () => {
    const before = snapshot();
    const id = sandbox.ids.keys['ci-pipeline']!;
    sandbox.faults.add({ kind: 'status', status: 503, method: 'DELETE', path: `/api/api-keys/${id}` });
    const failed = await rejection(core.api.keys.delete({ connectionId, keyId: id }));
    sandbox.faults.clear();
    expect(failed.kind).toBe('unavailable');
    expect(sandbox.key(id)!.revokedAt).toBeNull();
    expect(snapshot()).toBe(before);
  });
});
