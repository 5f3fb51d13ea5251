// Shared pieces of the benchmark: child processes spoken to over Node IPC, an in-memory
// keychain (the bench measures the cache, not the OS keychain), statistics and formatting.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** What the sandbox child hands to the rest of the bench, per connection. */
export interface BenchConnection {
  kind: 'rancher' | 'deepset' | 'onyx';
  name: string;
  /** Origin of the sandbox (http://127.0.0.1:port). */
  origin: string;
  /** What connections.add gets. */
  add: {
    kind: 'rancher' | 'deepset' | 'onyx';
    name: string;
    baseUrl: string;
    credential: { type: 'key-pair'; accessKey: string; secretKey: string } | { type: 'token'; token: string };
    credentialKind?: string;
  };
  /** Keys seeded in bulk for this connection (besides the sandbox's default world). */
  seeded: number;
  /** The prefix of the seeded keys' names. */
  prefix: string;
}

/** The bench's sandbox credentials never reach the real keychain. */
export { memorySecretStore } from '../test/support/memory-secret-store.ts';

interface Envelope {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** A child process running one of bench/*-child.ts, answering `call(command, input)` over IPC. */
export interface Child {
  process: ChildProcess;
  call<T>(command: string, input?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export function startChild(file: string, args: string[] = [], execArgv: string[] = []): Promise<Child> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...execArgv, '--disable-warning=ExperimentalWarning'],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  child.on('message', (message: Envelope | { ready: true }) => {
    if ('ready' in message) return;
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new Error(`${file}: ${message.error}`));
  });
  child.on('exit', (code) => {
    exited = true;
    for (const pending of waiting.values()) pending.reject(new Error(`${file} exited with ${code}`));
    waiting.clear();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.once('message', () =>
      resolve({
        process: child,
        call<T>(command: string, input?: unknown) {
          const id = nextId++;
          return new Promise<T>((res, rej) => {
            waiting.set(id, { resolve: res as (v: unknown) => void, reject: rej });
            child.send({ id, command, input });
          });
        },
        stop() {
          if (exited) return Promise.resolve();
          return new Promise<void>((res) => {
            child.once('exit', () => res());
            child.send({ id: 0, command: 'exit' });
            setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
          });
        },
      }),
    );
  });
}

/** The child side: answers commands with the handlers given, `exit` ends the process. */
export function serveCommands(handlers: Record<string, (input: unknown) => unknown>, onExit?: () => Promise<void> | void): void {
  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    // Never outlive the bench: clean up, but exit even if cleaning up hangs.
    setTimeout(() => process.exit(0), 10_000).unref();
    void Promise.resolve()
      .then(() => onExit?.())
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('disconnect', exit);
  process.on('message', (message: { id: number; command: string; input: unknown }) => {
    if (message.command === 'exit') return exit();
    const handler = handlers[message.command];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.command}`);
        return handler(message.input);
      })
      .then(
        (value) => process.send!({ id: message.id, ok: true, value }),
        (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.send!({ ready: true });
}

/** Samples this process's RSS every `everyMs` until stopped; returns the peak. */
export function rssSampler(everyMs = 25) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p% of the values at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export const median = (values: number[]) => percentile(values, 50);

export const MB = 1024 * 1024;
