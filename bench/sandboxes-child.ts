// The benchmark's backends, in their own process so their CPU and memory are not the core's:
// real sandbox servers on 127.0.0.1 (Rancher, deepset, Onyx), bulk-seeded. It also reports which
// GETs each one served, so the floor can replay exactly the pages a sync fetched.
import { startDeepsetSandbox, type DeepsetSandbox } from '../test/backends/deepset/server.ts';
import { startOnyxSandbox, type OnyxSandbox } from '../test/backends/onyx/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../test/backends/rancher/server.ts';
import { serveCommands, type BenchConnection } from './lib.ts';

/** Kinds in the order connections are made: Rancher is the backbone, deepset and Onyx mixed in. */
const KINDS: Array<BenchConnection['kind']> = ['rancher', 'rancher', 'deepset', 'rancher', 'onyx', 'rancher', 'deepset', 'rancher', 'onyx', 'rancher'];

type Sandbox = RancherSandbox | DeepsetSandbox | OnyxSandbox;
const sandboxes: Array<{ origin: string; sandbox: Sandbox; marker: number }> = [];

async function start(input: { keys: number; connections: number }): Promise<BenchConnection[]> {
  const out: BenchConnection[] = [];
  const per = Math.floor(input.keys / input.connections);
  const counters: Record<string, number> = {};
  for (let i = 0; i < input.connections; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const n = (counters[kind] = (counters[kind] ?? 0) + 1) - 1;
    const seeded = i === 0 ? input.keys - per * (input.connections - 1) : per;
    const prefix = `${kind}${n}`;
    const name = `${kind === 'rancher' ? 'Rancher' : kind === 'deepset' ? 'deepset' : 'Onyx'} ${n}`;
    if (kind === 'rancher') {
      const sandbox = await startRancherSandbox({ settleMs: 5 });
      sandbox.seedKeys(sandbox.ids.user, seeded, { namePrefix: prefix });
      sandboxes.push({ origin: sandbox.url, sandbox, marker: 0 });
      out.push({ kind, name, origin: sandbox.url, seeded, prefix, add: { kind, name, baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } } });
    } else if (kind === 'deepset') {
      const sandbox = await startDeepsetSandbox();
      sandbox.seedKeys(seeded, { namePrefix: prefix });
      sandboxes.push({ origin: sandbox.url, sandbox, marker: 0 });
      out.push({
        kind,
        name,
        origin: sandbox.url,
        seeded,
        prefix,
        add: { kind, name, baseUrl: `${sandbox.url}/api/v1`, credential: { type: 'token', token: sandbox.credentials.admin }, credentialKind: 'user-token' },
      });
    } else {
      const sandbox = await startOnyxSandbox({ variant: 'groups' });
      sandbox.seedApiKeys(seeded, { namePrefix: prefix });
      sandboxes.push({ origin: sandbox.url, sandbox, marker: 0 });
      out.push({ kind, name, origin: sandbox.url, seeded, prefix, add: { kind, name, baseUrl: `${sandbox.url}/api/`, credential: { type: 'token', token: sandbox.credentials.adminPat } } });
    }
  }
  return out;
}

serveCommands(
  {
    start: (input) => start(input as { keys: number; connections: number }),
    /** Forget what was served so far (the next `served` reports only what follows). */
    clear: () => {
      for (const s of sandboxes) s.marker = s.sandbox.requests.length;
      return null;
    },
    /** Per sandbox origin: the GETs answered 200 since the last `clear`, in order. */
    served: () =>
      sandboxes.map((s) => ({
        origin: s.origin,
        gets: s.sandbox.requests
          .slice(s.marker)
          .filter((r) => r.method === 'GET' && r.status === 200)
          .map((r) => r.path),
      })),
  },
  async () => {
    await Promise.all(sandboxes.map((s) => s.sandbox.close()));
  },
);
