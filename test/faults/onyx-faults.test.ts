// Onyx's own key operations under faults — a refused personal access token create, a failed
// regenerate — end in one clear, typed error, and the cached inventory is byte-identical before
// and after. Both variants. The faults every backend shares (timeouts, 5xx, 429, bodies
// malformed, of the wrong shape or cut short, a revoked credential — 403 in Onyx — a missing admin
// right, refused, TLS, a fault on any one request of a sync such as the token list, and the same
// during an API key create) are in test/security/fault-matrix.test.ts. The real sandbox on 127.0.0.1, real SQLite, the real keychain.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { startOnyxSandbox, type OnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { tempDir } from '../support/temp.ts';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe.each<Variant>(['roles', 'groups'])('Onyx key operations under faults (%s variant)', (variant) => {
  let sandbox: OnyxSandbox;
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
    sandbox = await startOnyxSandbox({ variant });
    dir = tempDir();
    core = createCore({ dataDir: dir.path, http: { timeoutMs: 700, retries: 1, backoffMs: 5, maxRetryAfterMs: 100, maxResponseBytes: 1024 * 1024 } });
    const connection = await core.api.connections.add({ kind: 'onyx', name: 'Faulty', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.adminPat } });
    connectionId = connection.id;
    await core.api.sync.run({ connectionId });
  });

  afterAll(async () => {
    await core.api.connections.remove({ connectionId });
    await core.close();
    await sandbox.close();
    dir.cleanup();
  });

  it('a token create refused with 500 leaves the cache as it was; a failed regenerate leaves the old secret working', async () => {
    const before = snapshot();
    sandbox.faults.add({ kind: 'status', status: 500, method: 'POST', path: '/api/user/pats', times: 1 });
    expect((await rejection(core.api.keys.create({ connectionId, scopeId: 'personal-access-tokens', type: 'pat', name: 'x' }))).kind).toBe('unavailable');
    expect(snapshot()).toBe(before);

    const keyId = `key-${sandbox.ids.keys['search-bot']}`;
    const display = sandbox.apiKey(sandbox.ids.keys['search-bot']!)!.display;
    sandbox.faults.add({ kind: 'status', status: 503, method: 'POST', path: '/regenerate', times: 1 });
    const failed = await rejection(core.api.rotation.start({ connectionId, keyId }));
    expect(failed.kind).toBe('unavailable');
    // A regenerate is not repeated on its own: a second one would kill a secret nobody saw.
    expect(sandbox.requests.filter((r) => r.path.endsWith('/regenerate'))).toHaveLength(1);
    expect(sandbox.apiKey(sandbox.ids.keys['search-bot']!)!.display).toBe(display);
    expect(snapshot()).toBe(before);
  });
});
