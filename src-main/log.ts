// A small JSON-lines log in the data dir. Callers pass event names and known-safe fields only
// (ids, kinds, counts, messages of AppErrors, which never hold secrets); every text is cleaned all
// the same (an unexpected error's message may quote a backend), and the file is the user's alone.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from './errors.ts';
import { privateDir, privateFile } from './private-files.ts';
import { cleanText } from './redact.ts';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, error: unknown, fields?: LogFields): void;
}

export const LOG_FILE = 'keyfleet.log';

export function createFileLogger(dataDir: string, echo = false): Logger {
  const dir = privateDir(join(dataDir, 'logs'));
  const file = privateFile(join(dir, LOG_FILE));
  const write = (level: string, event: string, fields: LogFields = {}) => {
    const clean = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? cleanText(v, k === 'stack' ? 4000 : 1000) : v]));
    const line = JSON.stringify({ at: new Date().toISOString(), level, event: cleanText(event, 200), ...clean });
    try {
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
    } catch {
      // A full disk must not take the app down with it.
    }
    if (echo) console.log(line);
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, error, fields) => write('error', event, { ...fields, ...describeError(error) }),
  };
}

function describeError(error: unknown): LogFields {
  if (error instanceof AppError) return { kind: error.kind, message: error.message };
  if (error instanceof Error) {
    // Unexpected errors are bugs: keep the stack, cut to a sane size.
    return { kind: 'internal', name: error.name, message: error.message, stack: error.stack };
  }
  return { kind: 'internal', message: 'non-error thrown' };
}
