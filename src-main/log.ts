// A small JSON-lines log in the data dir. Callers pass event names and known-safe fields only
// (ids, kinds, counts, messages of AppErrors, which never hold secrets).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from './errors.ts';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, error: unknown, fields?: LogFields): void;
}

export function createFileLogger(dataDir: string, echo = false): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'keyfleet.log');
  const write = (level: string, event: string, fields: LogFields = {}) => {
    const line = JSON.stringify({ at: new Date().toISOString(), level, event, ...fields });
    try {
      appendFileSync(file, `${line}\n`);
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
    return { kind: 'internal', name: error.name, message: error.message.slice(0, 500), stack: error.stack?.slice(0, 4000) };
  }
  return { kind: 'internal', message: 'non-error thrown' };
}
