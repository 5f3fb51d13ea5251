// What every domain of the contract shares: backend and error kinds, the Result that crosses
// the bridge, the input atoms every schema is built from, and the channel helper.
import { z } from 'zod';

export const PROVIDER_KINDS = ['rancher', 'envzero', 'langwatch', 'onyx', 'deepset'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const ERROR_KINDS = [
  // backend failures (ARCHITECTURE.md rule 6)
  'auth',
  'forbidden',
  'not-found',
  'conflict',
  'invalid',
  'rate-limited',
  'unavailable',
  'timeout',
  'bad-response',
  'tls',
  'network',
  // local failures
  'validation',
  'keychain',
  'unsupported',
  'cancelled',
  'locked',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** What crosses the boundary when a call fails. Never carries a secret. */
export interface AppErrorShape {
  kind: ErrorKind;
  message: string;
  /** Field-level messages (form field name → message), for validation and backend 4xx. */
  fields?: Record<string, string>;
  /** For rate-limited: how long the backend asked us to wait. */
  retryAfterMs?: number;
  /** When the user must pick one of several (e.g. which organization a key should manage). */
  choices?: Choice[];
}

export interface Choice {
  id: string;
  label: string;
  hint?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

// ---------------------------------------------------------------- input atoms

export const id = z.string().min(1).max(256);
export const connectionId = z.uuid();
export const name = z.string().trim().min(1).max(512);
export const empty = z.strictObject({});

export const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address without credentials in it');

export const pem = z
  .string()
  .max(256 * 1024)
  .refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), 'must be a PEM certificate bundle');

export const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #3b82f6');

export const keyRef = z.strictObject({ connectionId, keyId: id });

/** The name of a backend-defined field or option: an identifier, never one of Object.prototype's. */
export const fieldName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/)
  .refine((name) => !(name in Object.prototype) && name !== 'prototype', 'a reserved name');

/**
 * A map of backend-defined fields or options (by fieldName) to their values, at most 16 of them.
 * An own `__proto__` (as JSON.parse makes it) is refused outright, not silently dropped.
 */
export function namedValues<T>(values: z.ZodType<Record<string, T>, Record<string, T>>) {
  return z
    .custom<Record<string, T>>((input) => typeof input === 'object' && input !== null && !Object.hasOwn(input, '__proto__'), 'a reserved name')
    .pipe(values.refine((map) => Object.keys(map).length <= 16, 'at most 16 names'));
}

/** Epoch milliseconds, within the range a JavaScript Date can hold. */
export const epochMs = z.int().min(0).max(8_640_000_000_000_000);

// ---------------------------------------------------------------- channels

/** Phantom marker carrying a channel's output type. */
export type Out<T> = { readonly __out?: T };
export const out = <T>(): Out<T> => ({});

export function channel<S extends z.ZodType, T>(input: S, output: Out<T>) {
  return { input, output };
}
