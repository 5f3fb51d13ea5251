// The core behind the web harness, in a process of its own, for the renderer measurements: its
// RSS is the core's (plus the harness's small HTTP server), sampled the whole time it serves.
import { performance } from 'node:perf_hooks';
import { startHarness, type Harness } from '../test/harness/server.ts';
import { memorySecretStore, rssSampler, serveCommands } from './lib.ts';

let harness: Harness | undefined;
let sampler: ReturnType<typeof rssSampler> | undefined;

serveCommands(
  {
    async start(input) {
      const { dataDir } = input as { dataDir: string };
      const started = performance.now();
      harness = await startHarness({ dataDir, secretStore: memorySecretStore(), syncIntervalMs: 0 });
      await harness.core.ready;
      sampler = rssSampler(50);
      return { pageUrl: harness.pageUrl, url: harness.url, token: harness.token, startMs: performance.now() - started };
    },
    memory() {
      const usage = process.memoryUsage();
      return { rss: usage.rss, peakRss: sampler?.peak() ?? usage.rss, heapUsed: usage.heapUsed, external: usage.external };
    },
  },
  async () => {
    sampler?.stop();
    await harness?.close();
  },
);
