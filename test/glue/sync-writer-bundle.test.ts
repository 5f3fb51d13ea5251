// The sync's writer thread as the desktop app ships it: electron-vite builds it as a chunk of its
// own beside the main bundle (electron.vite.config.ts swaps in swap-worker-start.bundled.ts). The
// built chunk must start on its own, load the SQLite driver, open the database and make a swap.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src-main/store/index.ts';
import { rowOf } from '../../src-main/store/key-write.ts';
import type { RemoteKey } from '../../src-main/model.ts';
import { insertConnection } from '../support/store.ts';
import { tempDir } from '../support/temp.ts';

const CHUNKS = join(import.meta.dirname, '../../out/main/chunks');

describe('the bundled sync writer', () => {
  it('is a chunk of its own that the main bundle starts, and it stages and swaps a sync', async () => {
    const workerFile = readdirSync(CHUNKS).find((name) => /^swap-worker-.*\.js$/.test(name));
    expect(workerFile, 'out/main/chunks/swap-worker-*.js').toBeDefined();
    // Started by name from the bundle's code, next to it.
    const bundle = readdirSync(CHUNKS).map((name) => readFileSync(join(CHUNKS, name), 'utf8')).join('\n') + readFileSync(join(CHUNKS, '../index.js'), 'utf8');
    expect(bundle).toContain(`new Worker(new URL("./${workerFile}", import.meta.url)`);

    const dir = tempDir();
    const file = join(dir.path, 'keyfleet.db');
    const store = createStore(file);
    const connectionId = '6f2c1f49-2d7e-4c7a-9a57-2d1f5b0e8c11';
    insertConnection(store, connectionId, { name: 'Rancher' });
    const run = store.syncRuns.start(connectionId, 1);
    const worker = new Worker(join(CHUNKS, workerFile!), { workerData: { file } });
    const replies: unknown[] = [];
    const next = () => new Promise<unknown>((resolve, reject) => {
      worker.once('message', (reply) => resolve(reply));
      worker.once('error', reject);
    });
    try {
      expect(await next()).toEqual({ ready: true });
      const key = (id: string): RemoteKey => ({ id, scopeId: 'env', name: id, description: null, type: 'environment', category: 'service', role: null, status: 'active', statusDetail: null, maskedValue: null, createdAt: null, createdBy: null, expiresAt: null, lastUsedAt: null, raw: { id } });
      worker.postMessage({ hold: run, rows: [rowOf(connectionId, key('a'), 0), rowOf(connectionId, key('b'), 0)] });
      // Each hold is acknowledged once its rows are in the writer's table (swap.ts bounds those not yet).
      replies.push(await next());
      const snapshot = { connectionId, run, listedIds: new Set(['a', 'b']), unchanged: new Set<string>(), listed: 2 };
      worker.postMessage({ id: 1, request: { snapshot, scopes: [{ id: 'env', kind: 'environment', name: 'Default', parentId: null, raw: {} }], at: 5, match: null, ownKey: null } });
      replies.push(await next());
      expect(replies).toEqual([{ held: run }, { id: 1, counts: { added: 2, removed: 0, changed: 0 } }]);
      expect(store.inventory.listKeys({ connectionId, offset: 0, limit: 10 }).rows.map((k) => k.id)).toEqual(['a', 'b']);
    } finally {
      await worker.terminate();
      store.close();
      dir.cleanup();
    }
  });
});
