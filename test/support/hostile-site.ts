// One hostile-backend case's world: a sandbox behind the hostile proxy and a core on a data dir of
// its own, all torn down afterwards — its connections removed first, so no credential stays in
// the keychain — and the small checks every such case makes.
import { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core, type CoreOptions } from '../../src-main/core.ts';
import { startHostileProxy, type HostileProxy } from './hostile-proxy.ts';
import { tempDir } from './temp.ts';

export interface HostileSite<S> {
  core: Core;
  proxy: HostileProxy;
  sandbox: S;
  dataDir: string;
}

export async function withHostileSite<S extends { url: string; close(): Promise<void> }>(
  start: () => Promise<S>,
  options: { http: CoreOptions['http']; tls?: { key: string; cert: string } },
  run: (site: HostileSite<S>) => Promise<void>,
): Promise<void> {
  const sandbox = await start();
  const proxy = await startHostileProxy(sandbox.url, options.tls);
  const dir = tempDir();
  const core = createCore({ dataDir: dir.path, syncIntervalMs: 0, http: options.http });
  try {
    await run({ core, proxy, sandbox, dataDir: dir.path });
  } finally {
    for (const { id } of await core.api.connections.list()) await core.api.connections.remove({ connectionId: id });
    await core.close();
    await proxy.close();
    await sandbox.close();
    dir.cleanup();
  }
}

/** The cached inventory as the user sees it: scopes and keys. */
export async function cachedInventory(core: Core, connectionId: string): Promise<string> {
  return JSON.stringify([await core.api.scopes.list({ connectionId }), (await core.api.keys.list({ connectionId, limit: 1000 })).rows]);
}

/** A call's error as the renderer gets it, or 'ok'. */
export async function outcome(call: Promise<unknown>): Promise<ApiError | 'ok'> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}
