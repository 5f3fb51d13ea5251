// What the LangWatch adapter tests share: an era's sandbox for the enclosing describe, providers
// connected to it with short timeouts, verified, with the scopes they see.
import { createProvider, type Provider } from '../../src-main/providers/index.ts';
import { startLangwatchSandbox, type Era, type LangwatchSandbox } from '../backends/langwatch/server.ts';
import { sandboxHooks } from '../support/sandbox-hooks.ts';
export { failure } from '../support/failure.ts';

/** Starts the era's sandbox before the enclosing describe's tests (handed to `started`), and closes it and every provider after. */
export function langwatchLab(era: Era, started: (sandbox: LangwatchSandbox) => void) {
  const providers: Provider[] = [];
  const box = sandboxHooks(() => startLangwatchSandbox({ era }), started, providers);

  function connect(token = box().credentials.admin, settings?: Record<string, string>): Provider {
    const provider = createProvider('langwatch', { baseUrl: `${box().url}/api`, credential: { type: 'token', token }, settings, http: { timeoutMs: 3000, retries: 0, backoffMs: 5 } });
    providers.push(provider);
    return provider;
  }

  async function connected(token?: string) {
    const provider = connect(token);
    await provider.verify();
    const scopes = await provider.listScopes();
    const scope = (kind: string, name?: string) => scopes.find((s) => s.kind === kind && (!name || s.name === name))!;
    return { provider, scopes, scope, org: scope('organization') };
  }

  const requestsSince = (mark: number) => box().requests.slice(mark);
  return { connect, connected, requestsSince, providers };
}
