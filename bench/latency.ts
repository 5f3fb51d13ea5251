// The latency scenario: the same connections behind delaying proxies on 127.0.0.1 (RTT per
// request, one more per new TCP connection), "Sync all" into a fresh cache with no connection
// open (as the first sync after a start: the sockets adding the connections left are closed
// first), against the floor computed in the same run from the GETs that sync needed
// (bench/chains.ts), which counts the first connection's handshake.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { latencyFloor } from './chains.ts';
import { startChild, type BenchConnection, type Child } from './lib.ts';

export interface LatencyFigures {
  keys: number;
  rttMs: number;
  wallMs: number;
  floorMs: number;
  floorRtts: number;
  requests: number;
  /** TCP connections opened through the proxies during the sync. */
  tcpConnections: number;
  hosts: number;
  perHost: Array<{ origin: string; requests: number; rounds: number }>;
  runs: number[];
}

export async function measureLatency(input: {
  sandboxes: Child;
  connections: BenchConnection[];
  rttMs: number;
  repeat: number;
  workDir: string;
  log: (line: string) => void;
}): Promise<LatencyFigures> {
  const proxyChild = await startChild('./proxy-child.ts');
  try {
    const proxied = await proxyChild.call<Record<string, string>>('start', { origins: input.connections.map((c) => c.origin), rttMs: input.rttMs });
    const connections = input.connections.map((c) => ({ ...c, add: { ...c.add, baseUrl: c.add.baseUrl.replace(c.origin, proxied[c.origin]!) } }));
    let best: LatencyFigures | undefined;
    const runs: number[] = [];
    for (let round = 0; round < input.repeat; round++) {
      const dataDir = join(input.workDir, `latency-${round}`);
      mkdirSync(dataDir, { recursive: true });
      const sync = await startChild('./sync-child.ts');
      try {
        await sync.call('open', { dataDir, connections });
        await input.sandboxes.call('clear');
        await proxyChild.call('drop');
        // The core sees the closes before it syncs (a request on a socket closing under it would fail).
        await new Promise((resolve) => setTimeout(resolve, 200));
        const before = await proxyChild.call<Record<string, number>>('connections');
        const result = await sync.call<{ wallMs: number; keys: number }>('sync');
        const after = await proxyChild.call<Record<string, number>>('connections');
        const served = await input.sandboxes.call<Array<{ origin: string; gets: string[] }>>('served');
        const floor = latencyFloor(served);
        const figures: LatencyFigures = {
          keys: result.keys,
          rttMs: input.rttMs,
          wallMs: result.wallMs,
          floorMs: floor.rtts * input.rttMs,
          floorRtts: floor.rtts,
          requests: served.reduce((n, s) => n + s.gets.length, 0),
          tcpConnections: Object.keys(after).reduce((n, url) => n + after[url]! - (before[url] ?? 0), 0),
          hosts: served.length,
          perHost: floor.perHost,
          runs,
        };
        runs.push(result.wallMs);
        input.log(
          `latency ${input.rttMs} ms RTT, ${result.keys} keys: sync ${Math.round(result.wallMs)} ms, floor ${figures.floorMs} ms (${floor.rtts} RTT), ${figures.requests} GETs over ${figures.tcpConnections} TCP connections`,
        );
        if (!best || figures.wallMs < best.wallMs) best = figures;
      } finally {
        await sync.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    return { ...best!, runs };
  } finally {
    await proxyChild.stop();
  }
}
