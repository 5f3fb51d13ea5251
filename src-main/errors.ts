// Errors that reach the user. Every failure the core reports is one of these kinds with a
// message written for a person; none of them ever carries a secret. Messages often quote a
// backend, so each is cleaned where it is made: known secrets redacted, its length capped.
import type { AppErrorShape, Choice, ErrorKind } from '../src-preload/contract.ts';
import { LIMITS } from './limits.ts';
import { cleanText } from './redact.ts';

export type ProviderErrorKind =
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'rate-limited'
  | 'unavailable'
  | 'timeout'
  | 'bad-response'
  | 'tls'
  | 'network'
  | 'unsupported';

export interface ErrorDetails {
  fields?: Record<string, string>;
  choices?: Choice[];
  retryAfterMs?: number;
  /** HTTP status, when the failure was an answer from the backend. */
  status?: number;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly fields: Record<string, string> | undefined;
  readonly retryAfterMs: number | undefined;
  readonly choices: Choice[] | undefined;

  constructor(kind: ErrorKind, message: string, details: ErrorDetails = {}) {
    super(plainMessage(message));
    this.name = 'AppError';
    this.kind = kind;
    this.fields = details.fields && cleanFields(details.fields);
    this.retryAfterMs = details.retryAfterMs;
    // An id longer than the contract takes back could never be chosen.
    this.choices = details.choices?.filter((c) => c.id.length <= 256).slice(0, LIMITS.fieldCount).map(cleanChoice);
  }

  toShape(): AppErrorShape {
    const shape: AppErrorShape = { kind: this.kind, message: this.message };
    if (this.fields && Object.keys(this.fields).length > 0) shape.fields = this.fields;
    if (this.retryAfterMs !== undefined) shape.retryAfterMs = this.retryAfterMs;
    if (this.choices) shape.choices = this.choices;
    return shape;
  }
}

/**
 * A message is prose that may quote a backend: cleaned, and any direction control in it written
 * out ("\u202E"), so a quoted name cannot turn the rest of the sentence around.
 */
function plainMessage(text: string, maxChars: number = LIMITS.messageChars): string {
  return cleanText(text, maxChars).replace(/[\u202A-\u202E\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Field names are a form's (or a backend's, echoed): short, and never more than a form has. */
function cleanFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .slice(0, LIMITS.fieldCount)
      .map(([field, text]) => [cleanText(field, 64), plainMessage(String(text), LIMITS.fieldChars)]),
  );
}

function cleanChoice(choice: Choice): Choice {
  const clean: Choice = { id: choice.id, label: cleanText(choice.label, LIMITS.fieldChars) };
  if (choice.hint !== undefined) clean.hint = cleanText(choice.hint, LIMITS.fieldChars);
  return clean;
}

/** A backend call failed. Thrown by the HTTP module and by provider adapters only. */
export class ProviderError extends AppError {
  readonly status: number | undefined;

  constructor(kind: ProviderErrorKind, message: string, details: ErrorDetails = {}) {
    super(kind, message, details);
    this.name = 'ProviderError';
    this.status = details.status;
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/** The shape sent to the renderer. Unknown errors become a generic message; details go to the log. */
export function toErrorShape(error: unknown): AppErrorShape {
  if (error instanceof AppError) return error.toShape();
  return { kind: 'internal', message: 'Something went wrong inside Keyfleet. The log has the details.' };
}
