// Files the user chooses: where to save one, which one to open. The desktop app asks with the OS
// dialogs; the web harness and the tests answer with paths of their own. Files Keyfleet writes
// that hold secrets (a .env export) or could be attacked offline (a vault backup) are created
// readable by their owner only (0600), whole or not at all.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../errors.ts';

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface FilePicker {
  /** The path to save to, or null when the user cancelled. */
  chooseSave(request: { title: string; defaultName: string; filters: FileFilter[] }): Promise<string | null>;
  /** The file to open, or null when the user cancelled. */
  chooseOpen(request: { title: string; filters: FileFilter[] }): Promise<string | null>;
}

export const noFilePicker: FilePicker = {
  chooseSave: () => Promise.reject(new AppError('unsupported', 'Saving a file needs the desktop app.')),
  chooseOpen: () => Promise.reject(new AppError('unsupported', 'Opening a file needs the desktop app.')),
};

/**
 * Writes `content` to `path` with mode 0600: into a new file beside it (created 0600, exclusive),
 * flushed, then renamed over the target, so an existing file with looser permissions is replaced
 * rather than reused, and a crash leaves the old file or the new one, never half of one.
 */
export function writePrivateFile(path: string, content: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // The umask cannot widen 0600, but a platform default might: set it outright.
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new AppError('unavailable', `Keyfleet could not write ${basename(path)} (${code}). Nothing was written.`);
  }
}

/** Reads a chosen file, refusing one larger than `maxBytes` before reading it. */
export async function readChosenFile(path: string, maxBytes: number): Promise<string> {
  try {
    if (statSync(path).size > maxBytes) throw new AppError('validation', `${basename(path)} is larger than any file Keyfleet writes; nothing was read.`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new AppError('unavailable', `Keyfleet could not read ${basename(path)} (${code}).`);
  }
}
