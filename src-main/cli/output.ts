// What the command line prints and where: data on stdout (text tables, or JSON with --json),
// everything meant for the person at the terminal (progress, warnings, errors) on stderr.
import type { InterruptSignal } from './exit.ts';

export interface Stream {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  isTTY?: boolean;
}

/** Where a run reads and writes: the process's own streams, or a test's. */
export interface Io {
  stdout: Stream;
  stderr: Stream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Ctrl-C, a kill: the run stops at its next safe point. */
  interrupt: Interrupt;
}

export interface Interrupt {
  readonly signal: InterruptSignal | null;
  /** Calls back once, on the first interrupt (at once if it already came). */
  onInterrupt(listener: (signal: InterruptSignal) => void): () => void;
}

export function createInterrupt(): Interrupt & { raise(signal: InterruptSignal): void } {
  let signal: InterruptSignal | null = null;
  const listeners = new Set<(signal: InterruptSignal) => void>();
  return {
    get signal() {
      return signal;
    },
    onInterrupt(listener) {
      if (signal) {
        listener(signal);
        return () => undefined;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    raise(next) {
      if (signal) return;
      signal = next;
      for (const listener of listeners) listener(next);
      listeners.clear();
    },
  };
}

/** Resolves once the text is handed to the OS, so an exit right after loses nothing of a pipe. */
export function write(stream: Stream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

export const line = (stream: Stream, text: string) => write(stream, `${text}\n`);

export const printJson = (io: Io, value: unknown) => write(io.stdout, `${JSON.stringify(value, null, 2)}\n`);

/**
 * Text from a backend or a person, fit for a terminal: control characters (an escape sequence
 * could rewrite the screen or the title), direction controls and invisible characters (a name
 * could read as another) are written out as \u escapes. A terminal has no bidi isolate to offer.
 */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Columns padded to their widest cell; the last column is not padded. Cells as terminalText. */
export function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const safe = rows.map((row) => row.map(terminalText));
  // A loop, not Math.max(...column): a listing of every key would overflow the call's arguments.
  const widths = headers.map((h) => h.length);
  for (const row of safe) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, (row[i] ?? '').length);
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[render(headers), ...safe.map(render)].join('\n')}\n`;
}

/** A day, in UTC: 2026-06-01. */
export const day = (at: number | null) => (at === null ? '—' : new Date(at).toISOString().slice(0, 10));

/** A moment, in UTC to the minute: 2026-06-01 09:30Z. */
export const moment = (at: number | null) => (at === null ? '—' : `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')}Z`);

export const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
