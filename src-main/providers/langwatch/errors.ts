// LangWatch's error bodies (langwatch-and-onyx.md §1.2, §1.10–1.12), read in both eras: the
// HTTP-phrase bodies ({error:"Not Found", message}) of ≤ v3.12 and of every auth or permission
// refusal, and the coded bodies ({error:"api_key_not_found", message, …meta, reasons}) of ≥ v3.13.
// The router's own 404 for a path it does not have is {"error":"Not Found"} with no message
// (start.ts turns Hono's "404 Not Found" into it): that is how a missing endpoint is told apart.
import { z } from 'zod';
import type { ErrorDescription, HttpMethod } from '../../http/client.ts';

const errorBodySchema = z.looseObject({
  error: z.unknown().optional(),
  message: z.unknown().optional(),
  path: z.unknown().optional(),
  fields: z.unknown().optional(),
  reasons: z.unknown().optional(),
});

const reasonSchema = z.looseObject({ meta: z.looseObject({ field: z.string().optional(), message: z.string().optional() }).optional() });

/** Request fields as the create form names them. */
const FORM_FIELDS: Record<string, string> = {
  name: 'name',
  description: 'description',
  expiresAt: 'expiresAt',
  bindings: 'grants',
  projectIds: 'scopeIds',
  keyType: 'type',
};

interface Body {
  code: string | undefined;
  message: string | undefined;
  raw: z.infer<typeof errorBodySchema> | undefined;
}

function read(body: unknown): Body {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return { code: undefined, message: undefined, raw: undefined };
  const code = typeof parsed.data.error === 'string' ? parsed.data.error : undefined;
  const message = typeof parsed.data.message === 'string' ? clip(parsed.data.message) : undefined;
  return { code, message, raw: parsed.data };
}

/** A server sentence, kept short; it names ids and permissions, never a credential. */
function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}…` : flat;
}

/** The router's answer for a path it has no route for: this server does not offer the operation. */
export function isMissingRoute(status: number, body: unknown): boolean {
  if (status !== 404) return false;
  if (typeof body === 'string') return /^\s*(404 )?not found\s*$/i.test(body);
  const { code, message } = read(body);
  return code === 'Not Found' && message === undefined;
}

/** Field errors from a 422: the coded body's reasons (≥ v3.13, and v3.12) or the old {path} hook. */
function fieldErrors(raw: NonNullable<Body['raw']>, message: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  const put = (path: string, text: string) => {
    const field = FORM_FIELDS[path.split('.')[0] ?? ''] ?? path.split('.')[0] ?? '';
    if (field && !fields[field]) fields[field] = text;
  };
  if (Array.isArray(raw.reasons)) {
    for (const reason of raw.reasons) {
      const parsed = reasonSchema.safeParse(reason);
      const meta = parsed.success ? parsed.data.meta : undefined;
      if (meta?.field) put(meta.field, meta.message ? clip(meta.message) : 'LangWatch rejected this value.');
    }
  }
  if (Array.isArray(raw.path) && raw.path.length > 0 && message) put(String(raw.path.join('.')), message);
  if (Array.isArray(raw.fields)) {
    for (const f of raw.fields) if (typeof f === 'string') put(f, 'LangWatch rejected this value.');
  }
  return fields;
}

/** Turns a LangWatch error answer into a clear message, kind and field errors. */
export function describeLangwatchError(status: number, body: unknown, method: HttpMethod): ErrorDescription | undefined {
  const { code, message, raw } = read(body);
  if (isMissingRoute(status, body)) {
    return {
      kind: 'unsupported',
      message: `This LangWatch server has no such endpoint (HTTP 404 on ${method}); it may run v3.12 or older, which can only list, create and revoke keys.`,
    };
  }
  switch (status) {
    case 401:
      return { kind: 'auth', message: unauthorized(message) };
    case 403:
      return forbidden(code, message);
    case 404:
      return {
        kind: 'not-found',
        message:
          'LangWatch does not know this key, or it belongs to another member whose keys the connection’s key may not see or change (LangWatch answers both with 404). Sync to refresh.',
      };
    case 409:
      return { kind: 'conflict', message: 'LangWatch says this key is already revoked; a revoked key cannot be used or reactivated.' };
    case 400:
      if (code === 'malformed_request') return { kind: 'invalid', message: 'LangWatch could not read the request Keyfleet sent (malformed request).' };
      return undefined;
    case 422: {
      if (code === 'api_key_reserved_name' || /reserved/i.test(message ?? '')) {
        return { kind: 'invalid', message: `${message ?? 'This name is reserved by LangWatch'}. Choose another name.`, fields: { name: 'This name is reserved for keys LangWatch manages itself.' } };
      }
      const fields = raw ? fieldErrors(raw, message) : {};
      const listed = Object.entries(fields)
        .map(([field, text]) => `${field}: ${text}`)
        .join('; ');
      return {
        kind: 'invalid',
        message: listed ? `LangWatch rejected the request (${listed}).` : `LangWatch rejected the request${message ? `: ${message}` : ''}.`,
        fields: Object.keys(fields).length ? fields : undefined,
      };
    }
    default:
      return undefined;
  }
}

function unauthorized(message: string | undefined): string {
  if (message && /project api key/i.test(message)) {
    return 'LangWatch refused the key: it is a project API key. Keyfleet needs an organization API key (sk-lw-…_…), created under Settings → API keys.';
  }
  if (message && /organization not found/i.test(message)) {
    return 'LangWatch says the organization of this key no longer exists (HTTP 401). Reconnect with a key of an existing organization.';
  }
  if (message && /authentication required/i.test(message)) {
    return 'LangWatch did not receive the key (HTTP 401: authentication required). Check that nothing between Keyfleet and LangWatch removes the Authorization header.';
  }
  return 'LangWatch did not accept the connection’s key (HTTP 401: invalid credentials). It may have been revoked, expired, mistyped, or its owner deactivated; reconnect with a valid organization API key.';
}

function forbidden(code: string | undefined, message: string | undefined): ErrorDescription {
  const required = message ? /Required:\s*([a-z_]+:[a-z_]+)/i.exec(message)?.[1] : undefined;
  if (required) {
    return {
      kind: 'forbidden',
      message: `The connection’s key lacks the ${required} permission in LangWatch. Managing keys needs a key with an ADMIN binding on the organization, owned by an organization admin.`,
    };
  }
  if (code === 'api_key_not_owned' || (message && /not authorized to modify/i.test(message))) {
    return { kind: 'forbidden', message: 'This key belongs to another member; LangWatch lets only its owner or an organization admin revoke it.' };
  }
  if (message && /only organization admins/i.test(message)) {
    return { kind: 'forbidden', message: `${message} (LangWatch). The connection’s key must belong to an organization admin for this.`, fields: { type: 'Only organization admins may create this kind of key.' } };
  }
  if (message && /listing every api key/i.test(message)) {
    return { kind: 'forbidden', message: 'This service key may not list every key in the organization: it lacks organization:manage. Connect with a key that has an ADMIN binding on the organization.' };
  }
  if (code === 'api_key_scope_violation' || code === 'personal_workspace_not_managed_here' || code === 'Forbidden') {
    return {
      kind: 'forbidden',
      message: `LangWatch refused the bindings: ${message ?? 'a requested scope is outside what the key’s owner holds'}.`,
      fields: { grants: 'A binding is outside what the key’s owner may grant, or names a scope outside this organization.' },
    };
  }
  return { kind: 'forbidden', message: `LangWatch refused this for the connection’s key (HTTP 403${message ? `: ${message}` : ''}).` };
}
