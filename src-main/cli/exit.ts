// The command line's exit codes, which scripts rely on, and how a failure becomes one of them
// plus a message for a person (never a secret: core errors are written from schemas and status
// codes, not from values).
import type { ErrorKind } from '../../src-preload/contract.ts';

export const EXIT = {
  ok: 0,
  /** A check failed: `health --fail-on` matched keys, or a policy refused a rotation. */
  checkFailed: 1,
  /** Bad usage: an unknown command or option, a missing or malformed value, a name that matches nothing. */
  usage: 2,
  /** A backend, the keychain or the data dir failed. */
  failed: 3,
} as const;

/** Interrupted: 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT: Record<InterruptSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** A failure with its exit code and the message to print. */
export class CliError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);

/** What the core's error kinds mean to a script. */
export function exitCodeOfKind(kind: ErrorKind): number {
  if (kind === 'validation' || kind === 'unsupported') return EXIT.usage;
  return EXIT.failed;
}

interface ErrorLike {
  kind?: unknown;
  message?: unknown;
  fields?: unknown;
}

/** A core failure (an ApiError, an AppError) as one or more lines: the message, then each field's. */
export function describeFailure(error: ErrorLike): string {
  const lines = [typeof error.message === 'string' ? error.message : 'Something went wrong inside Keyfleet. The log has the details.'];
  if (error.fields && typeof error.fields === 'object') {
    for (const [field, message] of Object.entries(error.fields as Record<string, string>)) lines.push(`  ${field}: ${message}`);
  }
  return lines.join('\n');
}

export function isCoreError(error: unknown): error is { kind: ErrorKind; message: string; fields?: Record<string, string> } {
  return error instanceof Error && typeof (error as ErrorLike).kind === 'string';
}

/** Any failure → its exit code and message. Unexpected errors (bugs) say so without their internals. */
export function failureOf(error: unknown): { code: number; message: string; bug?: true } {
  if (error instanceof CliError) return { code: error.code, message: error.message };
  if (isCoreError(error)) return { code: exitCodeOfKind(error.kind), message: describeFailure(error) };
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return { code: EXIT.failed, message: 'the output was closed before everything was written.' };
  return { code: EXIT.failed, message: 'Something went wrong inside Keyfleet. The log in the data dir has the details.', bug: true };
}
