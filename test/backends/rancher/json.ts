// How cattle writes JSON (rancher-1x.md §3, §8): forward slashes escaped, null fields included,
// dates as whole-second UTC ISO strings with an epoch-millisecond twin, and one error body shape;
// and what differs between the Rancher 1.x releases (the cattle each one ships).
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

/** A Rancher 1.x release, by the cattle it ships (rancher-1x.md errata 1). */
export type Variant = '1.2' | '1.3' | '1.4' | '1.5' | '1.6';
export const VARIANTS: readonly Variant[] = ['1.2', '1.3', '1.4', '1.5', '1.6'];

export interface VariantTraits {
  /** X-Rancher-Version */
  version: string;
  /** X-API-User-Id: cattle v0.176.2 on (Rancher 1.4); before, only X-API-Account-Id. */
  userIdHeader: boolean;
  /** X-API-Account-Kind and -Name: cattle v0.183.70 on (Rancher 1.6.26). */
  accountKindHeaders: boolean;
  /** The `restore` action on removed keys: gone from cattle v0.179 (Rancher 1.6). */
  restore: boolean;
}

// baseType is sent by every one of them (cattle v0.170, "Send base type for resources").
export const VARIANT_TRAITS: Record<Variant, VariantTraits> = {
  '1.2': { version: 'v1.2.4', userIdHeader: false, accountKindHeaders: false, restore: true },
  '1.3': { version: 'v1.3.5', userIdHeader: false, accountKindHeaders: false, restore: true },
  '1.4': { version: 'v1.4.3', userIdHeader: true, accountKindHeaders: false, restore: true },
  '1.5': { version: 'v1.5.10', userIdHeader: true, accountKindHeaders: false, restore: true },
  '1.6': { version: 'v1.6.30', userIdHeader: true, accountKindHeaders: true, restore: false },
};

/** Cattle's Jackson mapper escapes '/' (escapeForwardSlashes). A '/' only ever occurs inside strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}

/** Dates are stored with whole seconds (MySQL datetime). */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `2018-05-01T21:46:35Z` */
export function isoSeconds(ms: number): string {
  return new Date(wholeSeconds(ms)).toISOString().replace('.000Z', 'Z');
}

/** Adds `field` and, when the date is set, `fieldTS` (WrappedResource). */
export function dateFields(field: string, ms: number | null): Record<string, unknown> {
  return ms === null ? { [field]: null } : { [field]: isoSeconds(ms), [`${field}TS`]: wholeSeconds(ms) };
}

/** Reason texts of cattle's messages.properties; other statuses use Node's standard text. */
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method not allowed',
  409: 'Conflict',
  500: 'Internal Server Error',
};

export function reason(status: number): string {
  return REASONS[status] ?? STATUS_CODES[status] ?? 'Error';
}

/** An error answered with cattle's error body. 422s are validation errors (message null, fieldName). */
export class RancherError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldName: string | undefined;
  constructor(status: number, code?: string, fieldName?: string) {
    super(code ?? reason(status));
    this.status = status;
    this.code = code ?? reason(status);
    this.fieldName = fieldName;
  }
}

export function errorBody(status: number, code?: string, fieldName?: string): Record<string, unknown> {
  const validation = status === 422;
  const body: Record<string, unknown> = { id: randomUUID(), type: 'error', links: {}, actions: {}, baseType: 'error' };
  body.status = status;
  body.code = code ?? reason(status);
  body.message = validation ? null : (code ?? reason(status));
  body.detail = null;
  if (validation) body.fieldName = fieldName ?? null;
  return body;
}

export const CHALLENGE = 'Basic realm="Enter API access key and secret key as username and password"';
