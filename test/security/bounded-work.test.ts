// Unbounded answers meet bounded work. Each sandbox sits behind the hostile proxy, which answers
// the key list with a page of 200,000 keys, with a key nested 200,000 levels deep, and with an
// error body nested as deep; for backends that page, one listing pages forever. Each must end as a
// typed bad-response that names the limit (never `internal`, never a RangeError), having read no
// more than the per-connection limit, with the cached inventory as it was. Then a sync whose key
// list never answers: removing its connection cancels it at once, while another connection's sync
// goes on. Real SQLite, the real keychain.
import { afterAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.ts';
import { formatCount, LIMITS } from '../../src-main/limits.ts';
import type { FaultInjector } from '../backends/faults.ts';
import type { HostileProxy } from '../support/hostile-proxy.ts';
import { cachedInventory, outcome, withHostileSite } from '../support/hostile-site.ts';
import { recordFigures } from './figures.ts';
import { HOSTILE_BACKENDS, manyKeys, type HostileBackend, type Sandbox } from './hostile-backends.ts';

const HTTP = { timeoutMs: 20_000, retries: 0, backoffMs: 5 };
/** Long enough that a removal waiting for the hung sync would outlast the test. */
const HUNG_HTTP = { ...HTTP, timeoutMs: 600_000 };
const DEEP = 200_000;

interface Case {
  backend: string;
  label: string;
  ok: boolean;
  got: string;
  internal: boolean;
  cacheChanged: boolean;
}
const cases: Case[] = [];
const endless: Array<{ backend: string; stopped: boolean; served: number }> = [];
const removals: Array<{ backend: string; cancelled: boolean; otherSyncOk: boolean }> = [];

afterAll(() => {
  const of = (prefix: string) => cases.filter((c) => c.label.startsWith(prefix));
  const passed = (list: Case[]) => `${list.filter((c) => c.ok).length}/${list.length}`;
  const problems = cases.filter((c) => !c.ok).map((c) => `${c.backend} / ${c.label}: ${c.got}`);
  if (problems.length) console.log(`Bounded work, not as expected:\n  ${problems.join('\n  ')}`);
  const mostServed = Math.max(0, ...endless.map((e) => e.served));
  const maxAllowed = LIMITS.keysPerConnection + 10_000;
  recordFigures('bounded-work', [
    { figure: `pages of 200,000 keys refused, naming the ${formatCount(LIMITS.itemsPerAnswer)}-item limit`, value: passed(of('page')), target: 'all', ok: of('page').length === HOSTILE_BACKENDS.length && of('page').every((c) => c.ok) },
    { figure: `keys and error bodies nested ${formatCount(DEEP)} deep refused or described, typed`, value: passed(of('nested')), target: 'all', ok: of('nested').length === 2 * HOSTILE_BACKENDS.length && of('nested').every((c) => c.ok), detail: problems.slice(0, 3).join(' | ') },
    { figure: 'oversized answers ending as internal (RangeError)', value: cases.filter((c) => c.internal).length, target: '0', ok: cases.every((c) => !c.internal) },
    { figure: 'cached inventory changed by a refused answer', value: cases.filter((c) => c.cacheChanged).length, target: '0', ok: cases.every((c) => !c.cacheChanged) },
    { figure: 'endless paginations stopped at the per-connection limit', value: `${endless.filter((e) => e.stopped).length}/${endless.length}`, target: 'all', ok: endless.length > 0 && endless.every((e) => e.stopped) },
    { figure: 'most items an endless pagination served before it stopped', value: mostServed, target: `≤ ${formatCount(maxAllowed)}`, ok: mostServed > 0 && mostServed <= maxAllowed },
    { figure: 'removed connections whose hung sync was cancelled at once', value: `${removals.filter((r) => r.cancelled).length}/${removals.length}`, target: 'all', ok: removals.length === HOSTILE_BACKENDS.length && removals.every((r) => r.cancelled) },
    { figure: 'other connections’ syncs disturbed by a removal', value: removals.filter((r) => !r.otherSyncOk).length, target: '0', ok: removals.every((r) => r.otherSyncOk) },
  ]);
});

interface Site {
  core: Core;
  proxy: HostileProxy;
  sandbox: Sandbox;
  connectionId: string;
}

async function withSite(backend: HostileBackend, http: typeof HTTP, run: (site: Site) => Promise<void>): Promise<void> {
  await withHostileSite(() => backend.start(), { http }, async ({ core, proxy, sandbox }) => {
    const connectionId = (await core.api.connections.add(backend.connection(proxy.url, sandbox))).id;
    expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
    await run({ core, proxy, sandbox, connectionId });
  });
}

const cacheOf = ({ core, connectionId }: Site) => cachedInventory(core, connectionId);

/** `json` as text, with the placeholder string replaced by an object nested `depth` levels. */
function nestedText(json: unknown, depth: number): string {
  return JSON.stringify(json).replace('"§"', `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

async function sync(site: Site, backend: HostileBackend, label: string, expected: RegExp): Promise<void> {
  const before = await cacheOf(site);
  const result = await outcome(site.core.api.sync.run({ connectionId: site.connectionId }));
  site.proxy.tamper(undefined);
  const got = result === 'ok' ? 'ok' : `${result.kind}: ${result.message}`;
  const cacheChanged = (await cacheOf(site)) !== before;
  cases.push({ backend: backend.name, label, ok: expected.test(got) && !cacheChanged, got, internal: result !== 'ok' && result.kind === 'internal', cacheChanged });
}

describe('bounded work', () => {
  for (const backend of HOSTILE_BACKENDS) {
    it(`${backend.name}: a page of 200,000 keys, a key and an error nested 200,000 deep, an endless listing`, async () => {
      await withSite(backend, HTTP, async (site) => {
        const { proxy } = site;
        const keyList = (x: { method: string; path: string }) => x.method === 'GET' && backend.keyList.test(x.path);
        const name = backend.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

        proxy.tamper((x) => (keyList(x) && x.status === 200 ? { json: backend.withKeys(x.json, manyKeys(backend, x.json, 200_000)) } : undefined));
        await sync(site, backend, 'page of 200,000 keys', new RegExp(`^bad-response: ${name} sent a list of 200,000 items, more than the 100,000 Keyfleet reads in one answer \\(GET /\\S*\\); it was not read\\.$`));

        proxy.tamper((x) => (keyList(x) && x.status === 200 ? { text: nestedText(backend.withKeys(x.json, [...backend.keysOf(x.json).slice(1), { ...(backend.keysOf(x.json)[0] as object), extra: '§' }]), DEEP) } : undefined));
        await sync(site, backend, 'nested key', new RegExp(`^bad-response: ${name} sent fields nested more than 64 levels deep, deeper than Keyfleet reads \\(GET /\\S*\\); it was not read\\.$`));

        proxy.tamper((x) => (keyList(x) ? { status: 400, text: nestedText({ detail: '§', message: '§' }, DEEP) } : undefined));
        await sync(site, backend, 'nested error body', new RegExp(`^invalid: ${name}\\b.*\\(HTTP 400\\)`));

        if (backend.endless) {
          const served = { items: 0 };
          proxy.tamper(backend.endless.tamper(served));
          // Stopped by the adapter, or (keys handed over page by page) by the sync, which names the backend's version.
          await sync(site, backend, `endless ${backend.endless.what}`, new RegExp(`^bad-response: ${name}(?: 1\\.x)? listed more than 250,000 \\S+ for this connection, more than Keyfleet reads from one connection; it stopped reading\\.$`));
          endless.push({ backend: backend.name, stopped: cases.at(-1)!.ok, served: served.items });
        }
      });
      expect(cases.filter((c) => c.backend === backend.name && !c.ok)).toEqual([]);
    }, 120_000);
  }

  for (const backend of HOSTILE_BACKENDS) {
    it(`${backend.name}: removing a connection cancels its hung sync at once; another connection’s sync goes on`, async () => {
      await withSite(backend, HUNG_HTTP, async ({ core, proxy, sandbox, connectionId }) => {
        // A second connection to the same backend, straight to the sandbox, slow but answering.
        const otherId = (await core.api.connections.add({ ...backend.connection(sandbox.url, sandbox), name: 'other' })).id;
        (sandbox as Sandbox & { faults: FaultInjector }).faults.add({ kind: 'latency', ms: 500 });
        let hung!: () => void;
        const hanging = new Promise<void>((resolve) => (hung = resolve));
        proxy.tamper((x) => {
          if (x.method !== 'GET' || !backend.keyList.test(x.path)) return undefined;
          hung();
          return 'hang';
        });
        const doomed = outcome(core.api.sync.run({ connectionId }));
        const other = outcome(core.api.sync.run({ connectionId: otherId }));
        await hanging;
        await core.api.connections.remove({ connectionId });
        const result = await doomed;
        const otherResult = await other;
        removals.push({ backend: backend.name, cancelled: result !== 'ok' && result.kind === 'cancelled', otherSyncOk: otherResult === 'ok' });
        expect(result === 'ok' ? 'ok' : result.kind).toBe('cancelled');
        expect(otherResult).toBe('ok');
        expect((await core.api.connections.list()).map((c) => c.id)).toEqual([otherId]);
      });
    }, 60_000);
  }
});
