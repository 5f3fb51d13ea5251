// The core in a process of its own, syncing every connection: wall time, keys/s and the
// process's RSS (peak while syncing, and after), without the bench's own memory.
import { performance } from 'node:perf_hooks';
import { createCore, type Core } from '../src-main/core.ts';
import { memorySecretStore, rssSampler, serveCommands, type BenchConnection } from './lib.ts';

let core: Core | undefined;

async function open(input: { dataDir: string; connections: BenchConnection[] }) {
  core = createCore({
    dataDir: input.dataDir,
    secretStore: memorySecretStore(),
    syncIntervalMs: 0,
    http: { timeoutMs: 60_000, retries: 0 },
  });
  await core.ready;
  const ids: string[] = [];
  for (const c of input.connections) ids.push((await core.api.connections.add(c.add)).id);
  return ids;
}

async function syncAll() {
  if (!core) throw new Error('open first');
  const sampler = rssSampler();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await core.api.sync.all();
  const wallMs = performance.now() - started;
  const cpuUsed = process.cpuUsage(cpu);
  const peakRss = sampler.stop();
  const failed = result.runs.filter((r) => r.result !== 'ok');
  if (failed.length) throw new Error(`sync failed: ${JSON.stringify(failed)}`);
  const total = (await core.api.keys.list({ offset: 0, limit: 1 })).total;
  return {
    wallMs,
    keys: total,
    cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
    peakRss,
    rssAfter: process.memoryUsage().rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

serveCommands(
  {
    open: (input) => open(input as { dataDir: string; connections: BenchConnection[] }),
    sync: () => syncAll(),
  },
  async () => {
    await core?.close();
  },
);
