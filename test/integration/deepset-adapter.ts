// What the deepset adapter tests share: one sandbox per test file (and variants with other
// answers), providers connected to it with short timeouts, and the tree's lookups.
import { afterAll, beforeAll } from 'vitest';
import type { ConnectionSettings, RemoteScope } from '../../src-main/model.ts';
import { createProvider, type Provider } from '../../src-main/providers/index.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
export { failure } from '../support/failure.ts';

/** The file's sandbox, started by useDeepsetSandbox. */
export let sandbox: DeepsetSandbox;
const opened: Array<{ close(): Promise<void> }> = [];

export function useDeepsetSandbox(): void {
  beforeAll(async () => {
    sandbox = await startDeepsetSandbox();
  });
  afterAll(async () => {
    for (const item of opened.reverse()) await item.close();
    await sandbox.close();
  });
}

export function connect(token: string, opts: { on?: DeepsetSandbox; kind?: string; settings?: ConnectionSettings } = {}): Provider {
  const provider = createProvider('deepset', {
    baseUrl: `${(opts.on ?? sandbox).url}/api/v1`,
    credential: { type: 'token', token },
    credentialKind: opts.kind,
    settings: opts.settings,
    http: { timeoutMs: 3000, retries: 0, backoffMs: 5 },
  });
  opened.push(provider);
  return provider;
}

export async function variant(options: Parameters<typeof startDeepsetSandbox>[0]): Promise<DeepsetSandbox> {
  const started = await startDeepsetSandbox(options);
  opened.push(started);
  return started;
}

/** The masked form Keyfleet shows: deepset's first and last 4 characters around one ellipsis. */
export const shown = (secret: string) => `${secret.slice(0, 4)}…${secret.slice(-4)}`;
export const scope = (scopes: RemoteScope[], id: string) => scopes.find((s) => s.id === id || s.kind === id)!;
export const DAY = 86_400_000;
