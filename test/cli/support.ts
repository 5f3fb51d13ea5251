// What the command-line tests share: the real `keyfleet` bin run as a child process (its exit
// code, stdout and stderr), the same command line in this process with streams that may claim to
// be terminals, and a data dir with one connection per backend, made and synced by a core as the
// desktop app would, against the sandboxes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createCore, type Core, type CoreOptions } from '../../src-main/core.ts';
import { runCli } from '../../src-main/cli/main.ts';
import { createInterrupt, type Stream } from '../../src-main/cli/output.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox, type EnvZeroSandbox } from '../backends/envzero/server.ts';
import { startLangwatchSandbox, type LangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox, type OnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { expect } from 'vitest';
import { needlesIn, sandboxNeedles } from '../support/leaks.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';

export const BIN = fileURLToPath(new URL('../../bin/keyfleet.js', import.meta.url));

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The bin as a script runs it: its own process, the project's Node, the data dir from the environment. */
export function startKeyfleet(args: string[], env: Record<string, string | undefined>, node = process.execPath): ChildProcessWithoutNullStreams & { output: () => Ran; done: Promise<Ran> } {
  const child = spawn(node, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const output = () => ({ code: child.exitCode, signal: child.signalCode, stdout, stderr });
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(child, { output, done });
}

export function keyfleet(args: string[], env: Record<string, string | undefined>, node?: string): Promise<Ran> {
  const child = startKeyfleet(args, env, node);
  child.stdin.end();
  return child.done;
}

/** Output the way a stream collects it; `tty` makes it claim to be a terminal. */
function collector(tty: boolean): Stream & { text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY: tty,
    write(chunk, callback) {
      chunks.push(chunk);
      callback?.(null);
      return true;
    },
    text: () => chunks.join(''),
  };
}

/** The same command line in this process: for terminals (isTTY) and for a core option now and then. */
export async function keyfleetHere(args: string[], dataDir: string, options: { tty?: { stdout?: boolean; stderr?: boolean }; core?: Partial<CoreOptions> } = {}) {
  const stdout = collector(options.tty?.stdout ?? false);
  const stderr = collector(options.tty?.stderr ?? false);
  const code = await runCli(args, { stdout, stderr, env: { ...process.env, KEYFLEET_DATA_DIR: dataDir }, cwd: process.cwd(), interrupt: createInterrupt() }, options.core);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

export interface Fleet {
  dir: ReturnType<typeof tempDir>;
  env: { KEYFLEET_DATA_DIR: string };
  rancher: RancherSandbox;
  envzero: EnvZeroSandbox;
  langwatch: LangwatchSandbox;
  onyx: OnyxSandbox;
  deepset: DeepsetSandbox;
  ids: { rancher: string; envzero: string; langwatch: string; onyx: string; deepset: string };
  /** Every secret the sandboxes issued and every credential they seeded. */
  needles(): string[];
  /** Where none of those may be: any file in the data dir (database, WAL, logs), and `printed`. */
  expectNoSecrets(printed: string[]): void;
  /** A core on the fleet's data dir, as the desktop app opens it. */
  open(options?: Partial<CoreOptions>): Core;
  close(): Promise<void>;
}

export const CORE_HTTP = { timeoutMs: 3000, retries: 0, backoffMs: 5 };

/** One connection per backend in a fresh data dir, synced, and the core that made it closed again. */
export async function startFleet(): Promise<Fleet> {
  const dir = tempDir('keyfleet-cli-');
  const [rancher, envzero, langwatch, onyx, deepset] = await Promise.all([
    startRancherSandbox({ settleMs: 5 }),
    startEnvZeroSandbox({ listLagMs: 0 }),
    startLangwatchSandbox({ era: 'B' }),
    startOnyxSandbox({ variant: 'groups' }),
    startDeepsetSandbox(),
  ]);
  const open = (options: Partial<CoreOptions> = {}) => createCore({ dataDir: dir.path, http: CORE_HTTP, syncIntervalMs: 0, ...options });
  const core = open();
  const added = await Promise.all([
    core.api.connections.add({ kind: 'rancher', name: 'Rancher prod', baseUrl: rancher.url, credential: { type: 'key-pair', ...rancher.credentials.user } }),
    core.api.connections.add({
      kind: 'envzero',
      name: 'env zero',
      baseUrl: `${envzero.url}/`,
      credential: { type: 'key-pair', accessKey: envzero.credentials.admin.apiKeyId, secretKey: envzero.credentials.admin.apiKeySecret },
    }),
    core.api.connections.add({ kind: 'langwatch', name: 'LangWatch', baseUrl: `${langwatch.url}/api/api-keys`, credential: { type: 'token', token: langwatch.credentials.admin } }),
    core.api.connections.add({ kind: 'onyx', name: 'Onyx', baseUrl: `${onyx.url}/api/`, credential: { type: 'token', token: onyx.credentials.adminPat } }),
    core.api.connections.add({ kind: 'deepset', name: 'deepset', baseUrl: `${deepset.url}/api/v1`, credential: { type: 'token', token: deepset.credentials.admin }, credentialKind: 'user-token' }),
  ]);
  const ids = { rancher: added[0].id, envzero: added[1].id, langwatch: added[2].id, onyx: added[3].id, deepset: added[4].id };
  await core.close();
  const sandboxes = [rancher, envzero, langwatch, onyx, deepset];
  const needles = () => [...new Set(sandboxes.flatMap((s) => sandboxNeedles(s)))];
  return {
    dir,
    env: { KEYFLEET_DATA_DIR: dir.path },
    rancher,
    envzero,
    langwatch,
    onyx,
    deepset,
    ids,
    needles,
    expectNoSecrets(printed) {
      const all = needles();
      expect(scanForSecrets(dir.path, all)).toEqual([]);
      expect(needlesIn(printed.join('\n'), all)).toEqual([]);
    },
    open,
    async close() {
      // The credentials leave the keychain with their connections.
      const last = open();
      for (const connectionId of Object.values(ids)) await last.api.connections.remove({ connectionId }).catch(() => undefined);
      await last.close();
      await Promise.all(sandboxes.map((s) => s.close()));
      dir.cleanup();
    },
  };
}
