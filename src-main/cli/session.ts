// The command line's core: the same createCore as the desktop app, on the same data dir, with
// the same keychain; headless (none of the app's background work). Also how a command finds the
// connection or key a person named.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionView, KeyfleetApi, KeyView } from '../../src-preload/contract.ts';
import { createCore, DATABASE_FILE, type Core, type CoreOptions } from '../core.ts';
import { appNameOf, dataDirFor, DATA_DIR_ENV } from '../data-dir.ts';
import { CliError, EXIT, describeFailure, isCoreError, usageError } from './exit.ts';
import type { Io } from './output.ts';

export interface Session {
  core: Core;
  api: KeyfleetApi;
  dataDir: string;
  close(): Promise<void>;
}

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string; productName?: string; version?: string };

export const VERSION = packageJson.version ?? 'dev';

/** The data dir the desktop app uses on this machine, or KEYFLEET_DATA_DIR. */
export function dataDirOf(io: Pick<Io, 'env' | 'cwd'>): string {
  return dataDirFor(appNameOf(packageJson), { platform: process.platform, env: io.env, home: io.env.HOME || homedir(), cwd: io.cwd });
}

export function openSession(io: Io, options: Partial<CoreOptions> = {}): Session {
  const dataDir = dataDirOf(io);
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    throw new CliError(
      EXIT.failed,
      `There is no Keyfleet data in ${dataDir} (no ${DATABASE_FILE}). Start the Keyfleet app once and add a connection, or set ${DATA_DIR_ENV} to the data dir to use.`,
    );
  }
  let core: Core;
  try {
    core = createCore({ dataDir, headless: true, version: VERSION, ...options });
  } catch (error) {
    // A data dir from a newer Keyfleet, a damaged database: nothing was changed in it.
    throw new CliError(EXIT.failed, `Keyfleet cannot open ${dataDir}: ${isCoreError(error) ? describeFailure(error) : (error as Error).message}`);
  }
  return { core, api: core.api, dataDir, close: () => core.close() };
}

/** A connection by id or by its exact name. */
export async function findConnection(api: KeyfleetApi, ref: string): Promise<ConnectionView> {
  const connections = await api.connections.list();
  const byId = connections.find((c) => c.id === ref);
  if (byId) return byId;
  const named = connections.filter((c) => c.name === ref);
  if (named.length === 1) return named[0]!;
  const known = connections.map((c) => `  ${c.id}  ${c.name}`).join('\n') || '  (none yet)';
  if (named.length > 1) throw usageError(`Several connections are named “${ref}”; give its id:\n${known}`);
  throw usageError(`There is no connection “${ref.slice(0, 80)}”. Connections:\n${known}`);
}

/** The id of the connection `--connection` names, if it names one. */
export async function connectionIdOf(api: KeyfleetApi, ref: unknown): Promise<string | undefined> {
  return typeof ref === 'string' ? (await findConnection(api, ref)).id : undefined;
}

/** Every cached key matching a query, a page at a time. */
export async function everyKey(api: KeyfleetApi, input: Omit<Parameters<KeyfleetApi['keys']['list']>[0], 'offset' | 'limit'>): Promise<KeyView[]> {
  const rows: KeyView[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await api.keys.list({ ...input, offset, limit: 1000 });
    for (const row of page.rows) rows.push(row);
    if (page.rows.length === 0 || rows.length >= page.total) return rows;
  }
}

/** A key by id, or by its name (or Keyfleet label) when that is unique; gone keys are not candidates. */
export async function findKey(api: KeyfleetApi, ref: string, connectionId?: string): Promise<KeyView> {
  const candidates = (await everyKey(api, { connectionId, query: ref })).filter((k) => k.goneSince === null);
  const byId = candidates.filter((k) => k.id === ref);
  const matches = byId.length > 0 ? byId : candidates.filter((k) => k.name === ref || k.localLabel === ref);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw usageError(`No key “${ref.slice(0, 80)}” in the cached inventory${connectionId ? ' of that connection' : ''}. Run “keyfleet keys list” to see the keys, or “keyfleet sync” to refresh them.`);
  }
  const list = matches.map((k) => `  ${k.connectionId}  ${k.id}  ${k.localLabel ?? k.name}`).join('\n');
  throw usageError(`Several keys match “${ref.slice(0, 80)}”; name one by its id, with --connection:\n${list}`);
}
