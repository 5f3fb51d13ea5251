// typedApi(bridge): the API as code likes to call it, built from a bridge whose calls resolve to
// Results: the value comes back, a failure is thrown as an ApiError the caller can branch on. The
// renderer builds it on its side of Electron's contextBridge (a thrown error would not survive the
// crossing), the core for in-process callers. It reads the bridge's own keys and imports only
// types, so the renderer's bundle carries neither the contract's schemas nor zod.
import type { AppErrorShape, ErrorKind, KeyfleetApi, KeyfleetBridge, Result } from './contract.ts';

/** A failed call: a kind to branch on, a message to show, and what a form needs (fields, choices). */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly fields: Record<string, string> | undefined;
  readonly retryAfterMs: number | undefined;
  readonly choices: AppErrorShape['choices'];

  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.kind = shape.kind;
    this.fields = shape.fields;
    this.retryAfterMs = shape.retryAfterMs;
    this.choices = shape.choices;
  }
}

type Call = (input?: unknown) => Promise<Result<unknown>>;

export function typedApi(bridge: KeyfleetBridge): KeyfleetApi {
  const api: Record<string, unknown> = {};
  for (const [namespace, methods] of Object.entries(bridge)) {
    if (typeof methods !== 'object' || methods === null) continue;
    const typed: Record<string, (input?: unknown) => Promise<unknown>> = {};
    for (const [name, call] of Object.entries(methods as Record<string, Call>)) {
      typed[name] = async (input) => {
        const result = await call(input);
        if (result.ok) return result.value;
        throw new ApiError(result.error);
      };
    }
    api[namespace] = Object.freeze(typed);
  }
  return Object.freeze({ ...api, on: bridge.on }) as unknown as KeyfleetApi;
}
