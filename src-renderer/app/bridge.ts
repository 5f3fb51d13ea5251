// The renderer's only way out: the bridge the preload put on window (every call resolves to its
// Result, the only form that survives Electron's contextBridge), turned on this side into the typed
// API the views call, which throws ApiError (kind, fields, choices) on failure.
import type { KeyfleetApi, KeyfleetBridge } from '../../src-preload/contract.ts';
import { typedApi } from '../../src-preload/typed-api.ts';

declare global {
  interface Window {
    keyfleet: KeyfleetBridge;
  }
}

export const api: KeyfleetApi = typedApi(window.keyfleet);

/** The shape of a failed call, read from the ApiError typedApi throws. */
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
