// The core in a process of its own, syncing every connection: wall time, keys/s, the process's
// RSS (peak while syncing, and after), without the bench's own memory, the main thread's long
// tasks, and (asked to) the key rows the sync wrote, counted by triggers in the database file.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createCore, DATABASE_FILE, type Core } from '../src-main/core.ts';
import { memorySecretStore, rssSampler, serveCommands, type BenchConnection } from './lib.ts';

let core: Core | undefined;

/** A CPU profile of the main thread (--cpu-profile), to see where a sync's time goes. */
async function startProfile(file: string) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
let dataDir = '';

/**
 * Tasks that held the main thread over 50 ms: gaps in a 5 ms timer during which this thread itself
 * used more than 50 ms of CPU (a gap the OS scheduler made, on a busy machine, is not one).
 */
function longTaskSampler(thresholdMs = 50, everyMs = 5) {
  const tasks: number[] = [];
  let last = performance.now();
  let lastCpu = process.threadCpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.threadCpuUsage();
    const busy = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    if (now - last - everyMs > thresholdMs && busy > thresholdMs) tasks.push(busy);
    last = now;
    lastCpu = cpu;
  }, everyMs);
  return () => {
    clearInterval(timer);
    return { longTasks: tasks.length, longestTaskMs: Math.max(0, ...tasks) };
  };
}

/**
 * Counts key rows inserted, updated or deleted from now on, by triggers in the file (from another
 * connection), and among them the updates that left every column the backend fills as it was.
 */
function countKeyWrites() {
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.exec('CREATE TABLE IF NOT EXISTS bench_key_writes (n INTEGER NOT NULL, same INTEGER NOT NULL); DELETE FROM bench_key_writes; INSERT INTO bench_key_writes VALUES (0, 0)');
  const same = ['scope_id', 'name', 'description', 'type', 'category', 'role', 'status', 'status_detail', 'masked_value', 'created_at', 'created_by', 'expires_at', 'last_used_at', 'raw_json', 'gone_since', 'hidden']
    .map((c) => `old.${c} IS new.${c}`)
    .join(' AND ');
  for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
    const sameRow = op === 'UPDATE' ? `(${same})` : '0';
    db.exec(`CREATE TRIGGER IF NOT EXISTS bench_count_${op.toLowerCase()} AFTER ${op} ON keys BEGIN UPDATE bench_key_writes SET n = n + 1, same = same + ${sameRow}; END`);
  }
  return () => {
    const counts = db.prepare('SELECT n, same FROM bench_key_writes').get() as { n: number; same: number };
    for (const op of ['insert', 'update', 'delete']) db.exec(`DROP TRIGGER bench_count_${op}`);
    db.exec('DROP TABLE bench_key_writes');
    db.close();
    return counts;
  };
}

async function open(input: { dataDir: string; connections: BenchConnection[] }) {
  dataDir = input.dataDir;
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

/**
 * Waits until the core has been idle for `quietMs` (every 10 ms timer on time): work a previous
 * step left running (the key table's search text, built in steps after a page was asked for) is
 * done, as it is long before a background re-sync 15 minutes later.
 */
async function settle(quietMs = 200) {
  let quietSince = performance.now();
  for (;;) {
    const asked = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = performance.now();
    if (now - asked > 15) quietSince = now;
    else if (now - quietSince >= quietMs) return;
  }
}

async function syncAll(options: { countWrites?: boolean; profile?: string } = {}) {
  if (!core) throw new Error('open first');
  await settle();
  const written = options.countWrites ? countKeyWrites() : undefined;
  const profiled = options.profile ? await startProfile(options.profile) : undefined;
  const sampler = rssSampler();
  const longTasks = longTaskSampler();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await core.api.sync.all();
  const wallMs = performance.now() - started;
  if (profiled) await profiled();
  const cpuUsed = process.cpuUsage(cpu);
  const peakRss = sampler.stop();
  const tasks = longTasks();
  const keyRowsWritten = written?.() ?? null;
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
    ...tasks,
    keyRowsWritten,
  };
}

serveCommands(
  {
    open: (input) => open(input as { dataDir: string; connections: BenchConnection[] }),
    sync: (input) => syncAll((input ?? {})),
  },
  async () => {
    await core?.close();
  },
);
