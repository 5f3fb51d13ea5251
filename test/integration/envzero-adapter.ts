// What the env zero adapter tests share: one sandbox per test file (and extra ones with other
// answers), providers connected to it with short timeouts, and the tree's lookups.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ProviderError } from '../../src-main/errors.ts';
import type { RemoteScope } from '../../src-main/model.ts';
import { createEnvZeroProvider, type EnvZeroTuning } from '../../src-main/providers/envzero/index.ts';
import { createProvider, type Provider, type ProviderConfig } from '../../src-main/providers/index.ts';
import { startEnvZeroSandbox, type Credential, type EnvZeroSandbox, type EnvZeroSandboxOptions } from '../backends/envzero/server.ts';
import { failure as failureOf } from '../support/failure.ts';

/** The file's sandbox, started by useEnvZeroSandbox. */
export let sandbox: EnvZeroSandbox;
const providers: Provider[] = [];
const extra: EnvZeroSandbox[] = [];

export function useEnvZeroSandbox(options: EnvZeroSandboxOptions = {}): void {
  beforeAll(async () => {
    sandbox = await startEnvZeroSandbox(options);
  });
  afterEach(() => sandbox.faults.clear());
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await Promise.all([sandbox, ...extra].map((b) => b.close()));
  });
}

export function config(credential: Credential, more: Partial<ProviderConfig> = {}, box = sandbox): ProviderConfig {
  return {
    baseUrl: box.url,
    credential: { type: 'key-pair', accessKey: credential.apiKeyId, secretKey: credential.apiKeySecret },
    http: { timeoutMs: 3000, retries: 0, backoffMs: 5 },
    ...more,
  };
}

export function connect(credential: Credential, more: Partial<ProviderConfig> = {}, box = sandbox): Provider {
  const provider = createProvider('envzero', config(credential, more, box));
  providers.push(provider);
  return provider;
}

export function tuned(credential: Credential, tuning: EnvZeroTuning, box = sandbox): Provider {
  const provider = createEnvZeroProvider(config(credential, { settings: { target: box.ids.orgs.platform, targetName: 'Acme Platform' } }, box), tuning);
  providers.push(provider);
  return provider;
}

export async function sandboxWith(options: EnvZeroSandboxOptions): Promise<EnvZeroSandbox> {
  const box = await startEnvZeroSandbox(options);
  extra.push(box);
  return box;
}

export const failure = (promise: Promise<unknown>) => failureOf(promise, ProviderError);

export const platform = (box = sandbox) => ({ settings: { target: box.ids.orgs.platform, targetName: 'Acme Platform' } });
export const orgScope = (scopes: RemoteScope[]) => scopes.find((s) => s.kind === 'organization')!;
export const scopeNamed = (scopes: RemoteScope[], name: string) => scopes.find((s) => s.name === name)!;
