// One cold start of the core, in a fresh process: open the database and run migrations, then the
// whole createCore until ready, then the first page of keys. Prints one line of JSON.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const dataDir = process.argv[2]!;
const t0 = performance.now();
const { openDatabase } = await import('../src-main/store/db.ts');
const { createCore, DATABASE_FILE } = await import('../src-main/core.ts');
const { memorySecretStore } = await import('./lib.ts');
const importMs = performance.now() - t0;

// The database alone: open, pragmas, migrations (all applied: checked against their checksums).
const t1 = performance.now();
const db = openDatabase(join(dataDir, DATABASE_FILE));
const openMs = performance.now() - t1;
db.close();

// The composition root: store, services, recovery of a previous run; then the first page.
const t2 = performance.now();
const core = createCore({ dataDir, secretStore: memorySecretStore(), syncIntervalMs: 0 });
await core.ready;
const createCoreMs = performance.now() - t2;
const t3 = performance.now();
const page = await core.api.keys.list({ offset: 0, limit: 200 });
const firstPageMs = performance.now() - t3;
const rss = process.memoryUsage().rss;
await core.close();
process.stdout.write(JSON.stringify({ importMs, openMs, createCoreMs, firstPageMs, total: page.total, rss, sinceProcessStartMs: performance.now() }) + '\n');
