// What the Onyx adapter tests share: a variant's sandbox for the enclosing describe, providers
// connected to it with short timeouts, its scopes, and keys made at an access level the variant's way.
import type { RemoteKey, RemoteScope } from '../../src-main/model.ts';
import { createProvider } from '../../src-main/providers/index.ts';
import type { OnyxProvider } from '../../src-main/providers/onyx/index.ts';
import { startOnyxSandbox, type OnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { sandboxHooks } from '../support/sandbox-hooks.ts';
export { failure } from '../support/failure.ts';

/** Starts the variant's sandbox before the enclosing describe's tests (handed to `started`), and closes it and every provider after. */
export function onyxLab(variant: Variant, started: (sandbox: OnyxSandbox) => void) {
  const providers: OnyxProvider[] = [];
  const box = sandboxHooks(() => startOnyxSandbox({ variant }), started, providers);

  function connect(token = box().credentials.adminKey, baseUrl = `${box().url}/api`): OnyxProvider {
    const provider = createProvider('onyx', { baseUrl, credential: { type: 'token', token }, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } }) as OnyxProvider;
    providers.push(provider);
    return provider;
  }

  async function scope(provider: OnyxProvider, kind: 'tenant' | 'user'): Promise<RemoteScope> {
    const found = (await provider.listScopes()).find((s) => s.kind === kind);
    if (!found) throw new Error(`no ${kind} scope`);
    return found;
  }

  /** The variant's way to ask for an access level. */
  const access = (level: 'admin' | 'basic' | 'limited') =>
    variant === 'roles' ? { role: level } : { groupIds: level === 'admin' ? ['1'] : level === 'basic' ? ['2'] : [] };

  async function createApiKey(provider: OnyxProvider, name: string, level: 'admin' | 'basic' | 'limited', extraGroups: string[] = []) {
    const tenant = await scope(provider, 'tenant');
    const a = access(level);
    const spec = 'role' in a ? { role: a.role } : { groupIds: [...a.groupIds, ...extraGroups] };
    return provider.createKey({ scopeId: tenant.id, type: 'api-key', name, ...spec }, tenant);
  }

  /** The key's access as Onyx has it: a role, or group names. */
  const accessIn = (id: number) => {
    const key = box().apiKey(id)!;
    return variant === 'roles' ? key.role : key.groups;
  };
  const numeric = (key: RemoteKey) => Number(key.id.replace(/^key-|^pat-/, ''));
  return { connect, scope, access, createApiKey, accessIn, numeric };
}
