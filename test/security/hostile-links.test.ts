// Links a backend sends cannot take the credential elsewhere. The Rancher sandbox (the backend
// whose adapter follows links: pagination `next`, a key's `actions`, its `self` link for rename
// and delete) sits behind the hostile proxy, which rewrites those links into every spelling the
// URL parser reads as another server — a real second server on 127.0.0.1 that records whatever
// reaches it — and, for an https connection, into plain http on its own host and port. Each must
// end as a typed bad-response, with nothing sent to the other server, nothing changed on the
// backend and the cached inventory as it was. Real SQLite, the real keychain.
import { afterAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.ts';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { startLoopbackServer } from '../backends/faults.ts';
import { foreignSpellings } from '../support/hostile.ts';
import type { Exchange, HostileProxy } from '../support/hostile-proxy.ts';
import { cachedInventory, outcome, withHostileSite } from '../support/hostile-site.ts';
import { tempDir } from '../support/temp.ts';
import { makeTestPki } from '../support/tls.ts';
import { recordFigures } from './figures.ts';

type Rancher = Awaited<ReturnType<typeof startRancherSandbox>>;
const HTTP = { timeoutMs: 10_000, retries: 0, backoffMs: 5 };
const OPERATIONS = ['pagination next', 'action deactivate', 'rename (PUT self)', 'delete (self)'] as const;
type Operation = (typeof OPERATIONS)[number];

const certs = tempDir();
const pki = makeTestPki(certs.path);
const cells: Array<{ operation: Operation; spelling: string; refused: boolean; problem?: string }> = [];
let otherRequests = 0;
let otherCredentials = 0;
let plaintextOnHttps = 0;

afterAll(() => {
  const refused = cells.filter((c) => c.refused).length;
  const problems = cells.filter((c) => !c.refused).map((c) => `${c.operation} / ${c.spelling}: ${c.problem}`);
  if (problems.length) console.log(`Hostile links not refused:\n  ${problems.join('\n  ')}`);
  recordFigures('hostile-links', [
    { figure: 'Rancher: links to another origin refused (next, deactivate, rename, delete × spellings)', value: `${refused}/${cells.length}`, target: 'all', ok: cells.length > 0 && refused === cells.length, detail: problems.slice(0, 3).join(' | ') },
    { figure: 'requests reaching the other server', value: otherRequests, target: '0', ok: otherRequests === 0 },
    { figure: 'credentials reaching the other server', value: otherCredentials, target: '0', ok: otherCredentials === 0 },
    { figure: 'plain-http requests on an https connection', value: plaintextOnHttps, target: '0', ok: plaintextOnHttps === 0 },
  ]);
  certs.cleanup();
});

/** A link rewritten in the answers the proxy passes on. */
function rewriteLinks(operation: Operation, link: string) {
  return (x: Exchange) => {
    if (x.method !== 'GET' || x.status !== 200 || typeof x.json !== 'object' || x.json === null) return undefined;
    const json = structuredClone(x.json) as Record<string, unknown>;
    if (operation === 'pagination next' && /\/apikeys\?/.test(x.path)) return { json: { ...json, pagination: { next: link } } };
    const key = json.type === 'apiKey' ? json : undefined;
    if (operation === 'action deactivate' && key) return { json: { ...key, actions: { ...(key.actions as object), deactivate: link } } };
    if (operation !== 'pagination next' && operation !== 'action deactivate' && Array.isArray(json.data)) {
      const data = (json.data as Array<Record<string, unknown>>).map((k) => ({ ...k, links: { ...(k.links as object), self: link } }));
      return { json: { ...json, data } };
    }
    return undefined;
  };
}

interface Site {
  core: Core;
  proxy: HostileProxy;
  sandbox: Rancher;
  connectionId: string;
  /** An active key of the connection's account that is not its own. */
  keyId: string;
}

async function withSite(tls: boolean, run: (site: Site) => Promise<void>): Promise<void> {
  await withHostileSite(() => startRancherSandbox({ settleMs: 5 }), { http: HTTP, tls: tls ? pki : undefined }, async ({ core, proxy, sandbox }) => {
    const { accessKey, secretKey } = sandbox.credentials.user;
    const connectionId = (await core.api.connections.add({ kind: 'rancher', name: 'Rancher', baseUrl: proxy.url, caPem: tls ? pki.caPem : undefined, credential: { type: 'key-pair', accessKey, secretKey } })).id;
    await core.api.sync.run({ connectionId });
    const keys = (await core.api.keys.list({ connectionId, limit: 1000 })).rows;
    const key = keys.find((k) => k.name === 'laptop' && k.status === 'active');
    expect(key).toBeDefined();
    await run({ core, proxy, sandbox, connectionId, keyId: key!.id });
  });
}

const cache = (site: Site) => cachedInventory(site.core, site.connectionId);

/** Runs one operation through a link the proxy rewrote, and records whether it was refused cleanly. */
async function tryOperation(site: Site, operation: Operation, spelling: string, link: string): Promise<void> {
  const { core, proxy, sandbox, connectionId, keyId } = site;
  const laptop = () => JSON.stringify(sandbox.key(keyId) ?? null);
  if (operation === 'rename (PUT self)' || operation === 'delete (self)') {
    // The self link the adapter uses comes from the cache, written by a sync that read it.
    proxy.tamper(rewriteLinks(operation, link));
    await core.api.sync.run({ connectionId });
    proxy.tamper(undefined);
  }
  const before = { cache: await cache(site), backend: laptop() };
  if (operation === 'pagination next' || operation === 'action deactivate') proxy.tamper(rewriteLinks(operation, link));
  const call =
    operation === 'pagination next'
      ? core.api.sync.run({ connectionId })
      : operation === 'action deactivate'
        ? core.api.keys.setActive({ connectionId, keyId, active: false })
        : operation === 'rename (PUT self)'
          ? core.api.keys.update({ connectionId, keyId, name: 'renamed elsewhere', description: null })
          : core.api.keys.delete({ connectionId, keyId });
  const result = await outcome(call);
  proxy.tamper(undefined);
  const problems: string[] = [];
  if (result === 'ok') problems.push('the call succeeded');
  else if (result.kind !== 'bad-response' || !/^Rancher sent a (plain http link|link) .*Keyfleet sends the connection’s credential only to https?:\/\/127\.0\.0\.1:\d+, so it did not follow the link\./.test(result.message)) {
    problems.push(`${result.kind}: ${result.message}`);
  }
  if (laptop() !== before.backend) problems.push('the key changed on the backend');
  if (operation !== 'rename (PUT self)' && operation !== 'delete (self)' && (await cache(site)) !== before.cache) problems.push('the cached inventory changed');
  cells.push({ operation, spelling, refused: problems.length === 0, problem: problems.join('; ') || undefined });
  // Back to the backend's own links for the next case.
  if (operation === 'rename (PUT self)' || operation === 'delete (self)') await core.api.sync.run({ connectionId });
}

describe('hostile links', () => {
  it('Rancher: every spelling of another server in next, actions and self links is refused; the other server gets nothing', async () => {
    const other = await startLoopbackServer((req, res) => {
      otherRequests++;
      if (req.headers.authorization) otherCredentials++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"collection","data":[]}');
    });
    try {
      await withSite(false, async (site) => {
        for (const operation of OPERATIONS) {
          for (const [spelling, link] of foreignSpellings(other.url)) await tryOperation(site, operation, spelling, link);
        }
      });
    } finally {
      await other.close();
    }
    expect(cells.filter((c) => !c.refused)).toEqual([]);
    expect([otherRequests, otherCredentials]).toEqual([0, 0]);
  }, 120_000);

  it('Rancher over https: a link to plain http on its own host and port is refused; nothing is sent in clear', async () => {
    await withSite(true, async (site) => {
      (site.proxy.server.server).on('tlsClientError', () => plaintextOnHttps++);
      const host = site.proxy.url.slice('https://'.length);
      const downgrades: Array<[string, string]> = [
        ['http://host', `http://${host}/v2-beta/apikeys`],
        ['http:\\\\host', `http:\\\\${host}/v2-beta/apikeys`],
        ['http:/host', `http:/${host}/v2-beta/apikeys`],
        ['leading space http://host', ` http://${host}/v2-beta/apikeys`],
      ];
      for (const operation of OPERATIONS) {
        for (const [spelling, link] of downgrades) await tryOperation(site, operation, `downgrade ${spelling}`, link);
      }
    });
    expect(cells.filter((c) => !c.refused)).toEqual([]);
    expect(plaintextOnHttps).toBe(0);
  }, 120_000);
});
