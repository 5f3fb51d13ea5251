// What a launch of the desktop app reads before Electron is ready, with no electron import, so it
// is tested under Node: a `--review=<dir>` copy, the data dir made ready for app.setPath (which
// takes only an absolute path; data-dir.ts decides which), and the review's throwaway browser
// profile.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  /** `--review=<dir>`, made absolute against the working directory; undefined when not reviewing. */
  reviewDir: string | undefined;
}

export function readLaunch(argv: readonly string[], cwd: string): Launch {
  const review = argv.find((arg) => arg.startsWith('--review='))?.slice('--review='.length).trim();
  if (review === '') {
    throw new StartupError('--review= names no folder.', 'Start Keyfleet with --review=<folder>, the folder that holds the keyfleet.db you want to review.');
  }
  return { reviewDir: review === undefined ? undefined : resolve(cwd, review) };
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
