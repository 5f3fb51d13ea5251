// The renderer's only way out: the typed API the preload (or the web harness) put on window.
import type { KeyfleetApi } from '../../src-preload/contract.ts';

declare global {
  interface Window {
    keyfleet: KeyfleetApi;
  }
}

export const api: KeyfleetApi = window.keyfleet;

/** The shape of a failed call (the ApiError class lives on the other side of the bridge). */
export interface CallError {
  kind: string;
  message: string;
  fields?: Record<string, string>;
  choices?: Array<{ id: string; label: string; hint?: string }>;
}

export function asCallError(error: unknown): CallError {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { kind?: unknown; message: unknown; fields?: unknown; choices?: unknown };
    return {
      kind: typeof e.kind === 'string' ? e.kind : 'internal',
      message: String(e.message),
      fields: e.fields && typeof e.fields === 'object' ? (e.fields as Record<string, string>) : undefined,
      choices: Array.isArray(e.choices) ? (e.choices as CallError['choices']) : undefined,
    };
  }
  return { kind: 'internal', message: 'Something went wrong.' };
}
