// What the error dialog says when Keyfleet cannot start: what failed, in words a person can act
// on, and what to do. No electron import: the glue shows the text, tests read it under Node.
import { join } from 'node:path';
import { DATABASE_FILE } from './core.ts';
import { AppError } from './errors.ts';
import { StartupError } from './launch.ts';
import { SchemaVersionError } from './store/db.ts';

export const START_FAILURE_TITLE = 'Keyfleet could not start';

export interface StartContext {
  /** The data dir this launch uses (or the folder under review). */
  dataDir: string | undefined;
  review: boolean;
}

/** SQLite's codes for a file that is not (or no longer) a database. */
const DAMAGED = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);
/** File system and SQLite codes for a folder Keyfleet cannot create, open or write. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOENT', 'ENOSPC', 'EISDIR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_IOERR']);

/** The error's code; SQLite's extended codes (SQLITE_IOERR_WRITE) by their primary code. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return '';
  return /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
}

/** What failed and what to do, for the error dialog. */
export function describeStartFailure(error: unknown, context: StartContext): { title: string; content: string } {
  const { what, advice } = explain(error, context);
  const where = context.dataDir ? `\n\n${context.review ? 'Folder under review' : 'Data folder'}: ${context.dataDir}` : '';
  return { title: START_FAILURE_TITLE, content: `${what}\n\n${advice}${where}` };
}

function explain(error: unknown, { dataDir, review }: StartContext): { what: string; advice: string } {
  const message = error instanceof Error ? error.message : String(error);
  const database = dataDir ? join(dataDir, DATABASE_FILE) : DATABASE_FILE;
  if (error instanceof StartupError) return { what: message, advice: error.advice };
  if (error instanceof SchemaVersionError) {
    return review
      ? { what: message, advice: 'Open this copy with the Keyfleet version that wrote it.' }
      : {
          what: message,
          advice: 'Install the newest Keyfleet to keep using this data, or start this version with another data folder (set KEYFLEET_DATA_DIR to an empty folder).',
        };
  }
  if (review && error instanceof AppError && error.kind === 'not-found') {
    return { what: `That folder is not a Keyfleet data folder: ${message}`, advice: 'Start Keyfleet with --review=<folder>, where the folder holds a keyfleet.db copied from a Keyfleet data folder.' };
  }
  const code = codeOf(error);
  if (DAMAGED.has(code)) {
    return {
      what: `The database ${database} is damaged or is not a Keyfleet database (${code}).`,
      advice: review
        ? 'Copy the folder again from its source and review the new copy.'
        : 'Move keyfleet.db out of the data folder (or restore it from a backup) and start Keyfleet again; it starts with an empty inventory, and a sync fetches your keys again once you add your connections.',
    };
  }
  if (UNWRITABLE.has(code)) {
    return {
      what: `Keyfleet cannot use its data folder (${code}: ${message}).`,
      advice: review
        ? 'Make sure the folder exists and you may read it, and that the system temporary folder is writable.'
        : 'Make sure the folder exists and your user may write to it (and the disk has room), or start Keyfleet with KEYFLEET_DATA_DIR set to a folder you own.',
    };
  }
  return { what: `Keyfleet stopped while starting: ${message}`, advice: 'Start Keyfleet again. If this happens again, report this message.' };
}
