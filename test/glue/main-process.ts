// Starts the built main bundle under the Electron stand-in in a child process (test/glue/child.ts)
// and gives the test the record of Electron calls, a way to fire OS events, and the exit code.
import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallRecord, Scenario } from '../electron-stand-in/main/scenario.ts';
import { tempDir } from '../support/temp.ts';
import type { Op } from './child.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface MainProcess {
  records: CallRecord[];
  /** The first record of `type` (matching `where`), waiting for it if it has not come yet. */
  waitFor(type: string, where?: (record: CallRecord) => boolean, timeoutMs?: number): Promise<CallRecord>;
  all(type: string): CallRecord[];
  send(op: Op): Promise<unknown>;
  /** The exit code, or null when the process is still running after `timeoutMs`. */
  exitCode(timeoutMs?: number): Promise<number | null>;
  stderr(): string;
  kill(): void;
}

export interface LaunchOptions extends Partial<Scenario> {
  /** A folder of the test's own: appData and temp are made inside it unless given. */
  root: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export async function launchMain(options: LaunchOptions): Promise<MainProcess> {
  const { root, env = {}, cwd = root, ...given } = options;
  const scenario: Scenario = {
    platform: 'linux',
    packaged: false,
    appData: join(root, 'config'),
    temp: join(root, 'tmp'),
    args: [],
    autoReady: true,
    idleState: 'active',
    ...given,
  };
  mkdirSync(scenario.appData, { recursive: true });
  mkdirSync(scenario.temp, { recursive: true });
  const child = fork(CHILD, [], {
    cwd,
    env: { ...process.env, KEYFLEET_DATA_DIR: undefined, ...env, KEYFLEET_STAND_IN: JSON.stringify(scenario) },
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const records: CallRecord[] = [];
  const waiters = new Set<() => void>();
  const replies = new Map<number, (message: { value?: unknown; error?: string }) => void>();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume();
  let code: number | null = null;
  const exited = new Promise<void>((resolve) => child.once('exit', (exitCode) => ((code = exitCode ?? -1), resolve())));
  const loaded = new Promise<void>((resolve, reject) => {
    child.once('exit', () => reject(new Error(`The main process exited while loading:\n${stderr}`)));
    child.on('message', (message: { record?: CallRecord; reply?: number; loaded?: true; value?: unknown; error?: string }) => {
      if (message.loaded) resolve();
      if (message.record) {
        records.push(message.record);
        for (const wake of waiters) wake();
      }
      if (message.reply !== undefined) replies.get(message.reply)?.(message);
    });
  });
  let nextId = 0;
  const find = (type: string, where?: (record: CallRecord) => boolean) => records.find((r) => r.type === type && (!where || where(r)));
  await loaded.catch(() => undefined);
  return {
    records,
    all: (type) => records.filter((r) => r.type === type),
    waitFor(type, where, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find(type, where);
          if (!found) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`No ${type} record within ${timeoutMs} ms. Records: ${JSON.stringify(records.map((r) => r.type))}\n${stderr}`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    send(op) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        replies.set(id, (message) => (message.error === undefined ? resolve(message.value) : reject(new Error(message.error))));
        child.send({ id, ...op });
      });
    },
    async exitCode(timeoutMs = 10_000) {
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      return code;
    },
    stderr: () => stderr,
    kill: () => {
      if (code === null) child.kill('SIGKILL');
    },
  };
}

/** Vitest's onTestFinished: what a concurrent test cleans up with. */
export type OnFinished = (fn: () => void) => void;

/** A temporary folder of the test's own, removed when the test ends. */
export function folder(onFinished: OnFinished): string {
  const dir = tempDir('keyfleet-glue-');
  onFinished(dir.cleanup);
  return dir.path;
}

/** A launch in a folder of the test's own (unless given), killed when the test ends if it still runs. */
export async function launch(onFinished: OnFinished, options: Omit<LaunchOptions, 'root'> & { root?: string } = {}): Promise<MainProcess & { root: string }> {
  const root = options.root ?? folder(onFinished);
  const main = await launchMain({ ...options, root });
  onFinished(() => main.kill());
  return Object.assign(main, { root });
}
