// Starts the sync's writer thread from its source (Node runs the TypeScript as it is); the desktop
// app's bundle replaces this module with swap-worker-start.bundled.ts (electron.vite.config.ts).
import { Worker, type WorkerOptions } from 'node:worker_threads';

export default function startSwapWorker(options: WorkerOptions): Worker {
  return new Worker(new URL('./swap-worker.ts', import.meta.url), options);
}
