// The latency proxies in a process of their own (their timers and copying are not the core's
// CPU): one per sandbox origin, each adding the given RTT.
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.ts';
import { serveCommands } from './lib.ts';

const proxies = new Map<string, LatencyProxy>();

serveCommands(
  {
    /** One proxy per origin; answers each origin's proxy URL. */
    async start(input) {
      const { origins, rttMs } = input as { origins: string[]; rttMs: number };
      const out: Record<string, string> = {};
      for (const origin of origins) {
        const target = new URL(origin);
        const proxy = await startLatencyProxy({ host: target.hostname, port: Number(target.port) }, rttMs);
        proxies.set(proxy.url, proxy);
        out[origin] = proxy.url;
      }
      return out;
    },
    /** Closes every connection through the proxies. */
    drop: () => {
      for (const proxy of proxies.values()) proxy.drop();
      return null;
    },
    /** TCP connections opened through each proxy so far. */
    connections: () => Object.fromEntries([...proxies].map(([url, p]) => [url, p.connections()])),
    async stop() {
      await Promise.all([...proxies.values()].map((p) => p.close()));
      proxies.clear();
      return null;
    },
  },
  async () => {
    await Promise.all([...proxies.values()].map((p) => p.close()));
  },
);
