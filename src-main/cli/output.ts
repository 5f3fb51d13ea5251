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

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[render(headers), ...rows.map(render)].join('\n')}\n`;
}

/** A day, in UTC: 2026-06-01. */
export const day = (at: number | null) => (at === null ? '—' : new Date(at).toISOString().slice(0, 10));

/** A moment, in UTC to the minute: 2026-06-01 09:30Z. */
export const moment = (at: number | null) => (at === null ? '—' : `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')}Z`);

export const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
