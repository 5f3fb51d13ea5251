// Where a launch puts its data, decided before Electron is ready and with no electron import, so
// it is tested under Node: the data dir (KEYFLEET_DATA_DIR or Electron's userData, carrying over
// the folder older versions used), a `--review=<dir>` copy, and the review's throwaway browser
// profile. Every path handed to Electron is absolute: app.setPath refuses anything else.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DATABASE_FILE } from './core.ts';

/** A start that cannot go on: what failed, in the user's words, and what to do about it. */
export class StartupError extends Error {
  readonly advice: string;

  constructor(message: string, advice: string) {
    super(message);
    this.name = 'StartupError';
    this.advice = advice;
  }
}

export interface Launch {
  /** KEYFLEET_DATA_DIR, made absolute against the working directory; undefined when unset. */
  dataDir: string | undefined;
  /** `--review=<dir>`, made absolute; undefined when not reviewing. */
  reviewDir: string | undefined;
}

/** Reads the launch's environment and arguments; a relative path counts from `cwd`. */
export function readLaunch(env: Record<string, string | undefined>, argv: readonly string[], cwd: string): Launch {
  const dataDir = env.KEYFLEET_DATA_DIR?.trim();
  const review = argv.find((arg) => arg.startsWith('--review='))?.slice('--review='.length).trim();
  if (review === '') {
    throw new StartupError('--review= names no folder.', 'Start Keyfleet with --review=<folder>, the folder that holds the keyfleet.db you want to review.');
  }
  return {
    dataDir: dataDir ? absolute(dataDir, cwd) : undefined,
    reviewDir: review === undefined ? undefined : absolute(review, cwd),
  };
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

/** The name of the data folder before Keyfleet had a product name (Electron used package.json's "name"). */
export const LEGACY_FOLDER_NAME = 'keyfleet';

/**
 * The data dir to use when KEYFLEET_DATA_DIR is not set. Electron's userData is appData/<product
 * name> ("Keyfleet"); versions before the product name was set used appData/keyfleet. On a
 * case-sensitive file system (Linux) those are two folders: the old one is renamed to the new name
 * when the new one does not exist yet, and used where it is when both exist and only the old one
 * holds a database. Case-insensitive systems (macOS, Windows) see one folder and nothing moves.
 */
export function carryOverDataFolder(appData: string, userData: string): { path: string; moved: boolean } {
  const legacy = join(appData, LEGACY_FOLDER_NAME);
  if (legacy === userData || existsSync(join(userData, DATABASE_FILE)) || !existsSync(join(legacy, DATABASE_FILE))) {
    return { path: userData, moved: false };
  }
  if (!existsSync(userData)) {
    try {
      renameSync(legacy, userData);
      return { path: userData, moved: true };
    } catch {
      // Keep the data where it is rather than start empty.
    }
  }
  return { path: legacy, moved: false };
}

/** Creates the data dir if needed (owner only), so app.setPath accepts it. */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

const PROFILE_PREFIX = 'keyfleet-review-profile-';
const OWNER_FILE = 'keyfleet-owner-pid';

/**
 * A throwaway browser profile for a review, under `tmp`. Profiles that earlier reviews left behind
 * (a crash, or Chromium writing after the quit) are removed first when the process that made them
 * is gone.
 */
export function createReviewProfile(tmp: string, pid = process.pid): string {
  for (const name of readdirSync(tmp)) {
    if (!name.startsWith(PROFILE_PREFIX)) continue;
    const dir = join(tmp, name);
    if (!isAlive(readOwner(dir))) rmSync(dir, { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(tmp, PROFILE_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(pid));
  return dir;
}

function readOwner(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
