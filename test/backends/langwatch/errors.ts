// LangWatch's error bodies as the sandbox sends them (langwatch-and-onyx.md §1.2, §1.10–1.12):
// phrase bodies for auth and permission refusals (both eras) and for every ≤ v3.12 domain error;
// coded handled-error bodies (error code, message, meta at top level, tips, docsUrl, fault,
// reasons) on ≥ v3.13; and the router's {"error":"Not Found"} for a path it has no route for.
import type { Era } from './model.ts';

export class LangwatchHttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const DOCS = 'https://docs.langwatch.ai/api-reference/api-keys';

const phrase = (status: number, error: string, message?: string) =>
  new LangwatchHttpError(status, message === undefined ? { error } : { error, message });

/** start.ts's rewrite of Hono's "404 Not Found" for any /api path without a route. */
export const routeNotFound = () => phrase(404, 'Not Found');

export const unauthorized = (reason: 'missing' | 'invalid' | 'legacy' | 'org') =>
  phrase(
    401,
    'Unauthorized',
    {
      missing: 'Authentication required. Use Authorization: Bearer <api-key>.',
      invalid: 'Invalid credentials.',
      legacy: 'This endpoint needs an organization API key. The key sent is a project API key.',
      org: 'Organization not found',
    }[reason],
  );

export const insufficient = (permission: string) => phrase(403, 'Forbidden', `Insufficient permissions. Required: ${permission}`);
export const forbidden = (message: string) => phrase(403, 'Forbidden', message);

function coded(status: number, code: string, message: string, extra: Record<string, unknown>, tips: string[], docs?: string): LangwatchHttpError {
  return new LangwatchHttpError(status, { error: code, message, ...extra, tips, ...(docs ? { docsUrl: `${DOCS}/${docs}` } : {}), fault: 'customer' });
}

export function keyNotFound(era: Era, id: string, reasons?: unknown[]): LangwatchHttpError {
  if (era === 'A') return phrase(404, 'Not Found', 'API key not found');
  const error = coded(404, 'api_key_not_found', `API Key not found: ${id}`, { id, apiKeyId: id }, ['Check the API key id — the key may have been deleted or never created', 'List the keys on the organization to find the right id'], 'overview');
  if (reasons) (error.body as Record<string, unknown>).reasons = reasons;
  return error;
}

export function keyNotOwned(era: Era, id: string): LangwatchHttpError {
  if (era === 'A') return forbidden('Not authorized to modify this API Key');
  return coded(403, 'api_key_not_owned', 'Not authorized to modify this API Key', { apiKeyId: id }, ["Ask the key's owner or an organization admin to make this change"], 'overview');
}

export const notOwnedReason = (id: string) => ({ code: 'api_key_not_owned', kind: 'api_key_not_owned', fault: 'customer', meta: { apiKeyId: id } });

export function alreadyRevoked(era: Era, id: string): LangwatchHttpError {
  if (era === 'A') return phrase(409, 'Conflict', 'API Key is already revoked');
  return coded(409, 'api_key_already_revoked', 'API Key is already revoked', { apiKeyId: id }, ['Revoked keys cannot be reactivated — create a new API key if you need one'], 'create-api-key');
}

export function scopeViolation(era: Era, message: string, meta: Record<string, unknown>): LangwatchHttpError {
  if (era === 'A') return forbidden(message);
  return coded(403, 'api_key_scope_violation', message, meta, ['A key cannot be granted a scope you do not hold yourself — lower the requested scope or ask an admin to create the key'], 'create-api-key');
}

export function reservedName(era: Era, name: string): LangwatchHttpError {
  const message = `The API key name "${name}" is reserved for keys LangWatch manages`;
  if (era === 'A') return phrase(422, 'Unprocessable Entity', message);
  return coded(422, 'api_key_reserved_name', message, { name }, ['This name is reserved for keys LangWatch manages on your behalf — pick a different name'], 'create-api-key');
}

export interface Violation {
  field: string;
  type: string;
  message: string;
  expected?: unknown;
  received?: unknown;
}

/** `phrase`: the validator hook before 2026-07-22; `coded`: validation.ts from then on (v3.12 too). */
export type ValidationStyle = 'phrase' | 'coded';

export function validationFailed(style: ValidationStyle, violations: Violation[]): LangwatchHttpError {
  const first = violations[0]!;
  if (style === 'phrase') return new LangwatchHttpError(422, { error: 'Unprocessable Entity', message: first.message, path: first.field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) });
  return new LangwatchHttpError(422, {
    error: 'validation_error',
    message: "The request body didn't match the expected shape.",
    target: 'json',
    fields: [...new Set(violations.map((v) => v.field))],
    tips: ['Read `reasons` — each names a field and what was wrong with it', 'Fix those fields and send the request again; the request is not retryable unchanged'],
    fault: 'customer',
    reasons: violations.map((meta) => ({ code: 'schema_failure', kind: 'schema_failure', fault: 'customer', meta })),
  });
}

export function malformed(style: ValidationStyle): LangwatchHttpError {
  if (style === 'phrase') return phrase(400, 'Bad Request', 'Malformed JSON in request body');
  return new LangwatchHttpError(400, {
    error: 'malformed_request',
    message: 'The request body could not be parsed.',
    target: 'json',
    detail: 'Malformed JSON in request body',
    tips: ['Send a valid JSON body with Content-Type: application/json'],
    fault: 'customer',
  });
}

export const internalError = () => phrase(500, 'Internal server error', 'An unknown error occurred');

/** Bodies for faults injected with a status and no body. */
export function defaultBody(status: number): unknown {
  switch (status) {
    case 401:
      return unauthorized('invalid').body;
    case 403:
      return insufficient('organization:manage').body;
    case 404:
      return { error: 'Not Found' };
    case 429:
      return { error: 'Too Many Requests', message: 'Rate limit exceeded' };
    case 500:
      return internalError().body;
    default:
      return { error: status >= 500 ? 'Service Unavailable' : 'Error', message: `HTTP ${status}` };
  }
}
