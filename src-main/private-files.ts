// The data dir and what Keyfleet writes into it are the user's alone: folders 0700, files 0600.
// A mode given when creating a file or folder does nothing to one that already exists (a folder
// made by hand, an older version, a restored backup), so the mode is set on every start as well.
// Windows has no such modes; its per-user profile folder already keeps others out.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

const POSIX = process.platform !== 'win32';

/** Creates `dir` if needed and makes it private (0700). Returns `dir`. */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (POSIX) chmodSync(dir, 0o700);
  return dir;
}

/** Creates `file` empty if it is missing and makes it private (0600). Returns `file`. */
export function privateFile(file: string): string {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  if (POSIX) chmodSync(file, 0o600);
  return file;
}

/** Makes each of `files` that exists private (0600); missing ones are left missing. */
export function privateIfPresent(files: string[]): void {
  if (!POSIX) return;
  for (const file of files) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
