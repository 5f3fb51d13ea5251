// Reading Onyx answers defensively (langwatch-and-onyx.md Part 2): service-account keys in either
// body dialect (api_key_role on ≤ v4.6, groups on main), personal access tokens, the caller, groups;
// and Onyx's error bodies turned into clear kinds and messages. The one-time `api_key` / `token`
// never reaches `raw`.
import { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import type { ErrorDescription } from '../../http/client.ts';
import type { RemoteKey } from '../../model.ts';
import { answerReader } from '../schema-check.ts';

export type Variant = 'roles' | 'groups';

export const TENANT_SCOPE_ID = 'service-accounts';
export const USER_SCOPE_ID = 'personal-access-tokens';

const groupRefSchema = z.looseObject({ id: z.number().int(), name: z.string() });

export const apiKeySchema = z.looseObject({
  api_key_id: z.number().int(),
  api_key_display: z.string().nullish(),
  api_key: z.string().nullish(),
  api_key_name: z.string().nullish(),
  api_key_role: z.string().optional(),
  groups: z.array(groupRefSchema).optional(),
  user_id: z.string().nullish(),
});
export type ApiKeyJson = z.infer<typeof apiKeySchema>;

export const patSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().nullish(),
  token_display: z.string().nullish(),
  token: z.string().nullish(),
  created_at: z.string().nullish(),
  expires_at: z.string().nullish(),
  last_used_at: z.string().nullish(),
  scopes: z.array(z.string()).nullish(),
});
export type PatJson = z.infer<typeof patSchema>;

/** One of GET /api/user/pats/scopes: a scope a token may be limited to, with its words. */
export const patScopeSchema = z.looseObject({ scope: z.string().min(1), group_label: z.string().nullish(), label: z.string().nullish(), description: z.string().nullish() });

export const meSchema = z.looseObject({
  id: z.string().min(1),
  email: z.string(),
  role: z.string().optional(),
  account_type: z.string().optional(),
  effective_permissions: z.array(z.string()).optional(),
  /** The organization's name on Onyx Cloud (UserInfo.team_name); null on a self-hosted server. */
  team_name: z.string().nullish(),
});
export type MeJson = z.infer<typeof meSchema>;

export const userGroupSchema = z.looseObject({ id: z.number().int(), name: z.string(), is_default: z.boolean().nullish() });

export const listSchema = z.array(z.unknown());

export const parseOrThrow = answerReader('Onyx');

/** Which body dialect a key shows: ≤ v4.6 carries api_key_role, main carries groups. */
export function variantOf(json: ApiKeyJson): Variant | undefined {
  if (json.api_key_role !== undefined) return 'roles';
  if (json.groups !== undefined) return 'groups';
  return undefined;
}

/** GET /me on ≤ v4.6 has `role`; main dropped it for account_type and effective permissions. */
export function variantOfMe(me: MeJson): Variant {
  return me.role !== undefined ? 'roles' : 'groups';
}

export const apiKeyId = (json: ApiKeyJson) => `key-${json.api_key_id}`;
export const patId = (json: PatJson) => `pat-${json.id}`;

/** The backend's numeric id of a key Keyfleet holds, from raw (or, failing that, the id). */
export function backendId(key: RemoteKey): number {
  const raw = key.type === 'pat' ? key.raw.id : key.raw.api_key_id;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  const match = /^(?:key|pat)-(\d+)$/.exec(key.id);
  if (!match) throw new ProviderError('bad-response', `Keyfleet cannot tell which Onyx key “${key.name || key.id}” is; sync and try again.`);
  return Number(match[1]);
}

function time(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** What a person calls a key's access: its role, or its groups (none means limited). */
export function accessOf(json: ApiKeyJson): string | null {
  if (json.api_key_role !== undefined) return json.api_key_role;
  if (json.groups !== undefined) return json.groups.length ? json.groups.map((g) => g.name).join(', ') : 'limited (no groups)';
  return null;
}

export function apiKeyToRemote(json: ApiKeyJson): RemoteKey {
  const { api_key: _secret, ...raw } = json;
  return {
    id: apiKeyId(json),
    scopeId: TENANT_SCOPE_ID,
    name: json.api_key_name ?? '',
    description: null,
    type: 'api-key',
    category: 'service',
    role: accessOf(json),
    status: 'active',
    statusDetail: null,
    maskedValue: json.api_key_display ?? null,
    createdAt: null,
    createdBy: null,
    expiresAt: null,
    lastUsedAt: null,
    raw,
  };
}

/** A token; `admin`: its user is an Onyx admin, so an unscoped token of theirs can do everything. */
export function patToRemote(json: PatJson, now = Date.now(), admin = false): RemoteKey {
  const { token: _secret, ...raw } = json;
  const expiresAt = time(json.expires_at);
  return {
    privileged: admin && !json.scopes?.length,
    id: patId(json),
    scopeId: USER_SCOPE_ID,
    name: json.name ?? '',
    description: null,
    type: 'pat',
    category: 'personal',
    role: json.scopes?.length ? json.scopes.join(', ') : null,
    status: expiresAt !== null && expiresAt <= now ? 'expired' : 'active',
    statusDetail: null,
    maskedValue: json.token_display ?? null,
    createdAt: time(json.created_at),
    createdBy: null,
    expiresAt,
    lastUsedAt: time(json.last_used_at),
    raw,
  };
}

/** The masked forms Onyx shows for a token (build_displayable_api_key / build_displayable_pat). */
export function displayOf(token: string): string {
  if (token.startsWith('onyx_pat_')) return `${token.slice(0, 12)}****${token.slice(-4)}`;
  const rest = token.startsWith('on_') ? token.slice(3) : token;
  return `on_${rest.slice(0, 4)}********${rest.slice(-4)}`;
}

// ---------------------------------------------------------------- errors

const errorBodySchema = z.looseObject({
  detail: z.unknown().optional(),
  message: z.unknown().optional(),
  error_code: z.unknown().optional(),
});

const FIELD_OF: Record<string, { field: string; label: string }> = {
  name: { field: 'name', label: 'name' },
  role: { field: 'role', label: 'role' },
  group_ids: { field: 'groupIds', label: 'groups' },
  expiration_days: { field: 'expiresAt', label: 'expiry' },
  scopes: { field: 'scopes', label: 'token scopes' },
};

/** Field errors out of FastAPI's flattened message: "… 'loc': ('body', 'name'), 'msg': '…' …". */
export function validationFields(message: string): Array<{ field: string; label: string; msg: string }> {
  const out: Array<{ field: string; label: string; msg: string }> = [];
  const pattern = /'loc': \(([^)]*)\), 'msg': (?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const match of message.matchAll(pattern)) {
    const parts = (match[1] ?? '').split(',').map((p) => p.trim().replace(/^'|'$/g, ''));
    const name = parts[0] === 'body' ? parts[1] : undefined;
    const known = name ? FIELD_OF[name] : undefined;
    if (known) out.push({ ...known, msg: (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1') });
  }
  return out;
}

const sentence = (text: string) => (text.endsWith('.') ? text : `${text}.`);

/** Onyx's quirks made plain: 403 for a bad credential, 400 for an unknown id, 422 for validation. */
export function describeOnyxError(status: number, body: unknown): ErrorDescription | undefined {
  const parsed = errorBodySchema.safeParse(body);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const detail = parsed.success ? str(parsed.data.detail) : '';
  const message = parsed.success ? str(parsed.data.message) : '';
  const code = parsed.success ? str(parsed.data.error_code) : '';
  const text = message || detail;

  if (status === 403) {
    if (/not authenticated|unauthorized|token has expired/i.test(detail)) {
      return {
        kind: 'auth',
        message:
          'Onyx did not accept the connection’s credential (HTTP 403: the user is not authenticated). The API key may have been deleted, regenerated or mistyped, or the personal access token revoked or expired; reconnect with a valid one.',
      };
    }
    if (/limited permissions|role is limited/i.test(detail)) {
      return {
        kind: 'forbidden',
        message: 'Onyx refused this (HTTP 403): the connection’s credential is a limited key. Managing keys needs an admin API key or an admin’s personal access token.',
      };
    }
    if (/scopes do not permit/i.test(detail)) {
      return { kind: 'forbidden', message: 'Onyx refused this (HTTP 403): the connection’s personal access token is scoped and its scopes do not allow it. Use an unscoped token.' };
    }
    return {
      kind: 'forbidden',
      message: `Onyx refused this (HTTP 403${code === 'INSUFFICIENT_PERMISSIONS' ? ', insufficient permissions' : ''}): the connection’s credential lacks the permission. Managing service-account keys needs an admin API key or an admin’s unscoped personal access token.`,
    };
  }
  if (status === 400) {
    if (/^Group IDs do not exist/i.test(text)) {
      return {
        kind: 'invalid',
        message: `Onyx does not know some of the chosen groups (“${text}”). Open the form again to see the current groups.`,
        fields: { groupIds: 'One of the chosen groups no longer exists in Onyx.' },
      };
    }
    if (/does not exist/i.test(text)) {
      return { kind: 'not-found', message: `Onyx no longer has this key (it answered “${text}”); it may have been deleted elsewhere. Sync to refresh.` };
    }
    if (text) return { kind: 'invalid', message: `Onyx rejected the request: ${sentence(text)}` };
  }
  if (status === 404 && (code === 'NOT_FOUND' || /token not found/i.test(detail))) {
    return { kind: 'not-found', message: 'Onyx no longer has this personal access token (it was revoked, expired or is not yours). Sync to refresh.' };
  }
  if (status === 404) {
    return { kind: 'not-found', message: 'Onyx answered “Not Found” (HTTP 404). Check that the server URL is your Onyx address (e.g. https://cloud.onyx.app); if it is, sync to refresh.' };
  }
  if (status === 422) {
    const fields = validationFields(message);
    if (fields.length > 0) {
      const first = fields[0]!;
      return {
        kind: 'invalid',
        message: `Onyx rejected the ${first.label}: ${sentence(first.msg.charAt(0).toLowerCase() + first.msg.slice(1))}`,
        fields: Object.fromEntries(fields.map((f) => [f.field, sentence(f.msg)])),
      };
    }
    return { kind: 'invalid', message: 'Onyx rejected the request as invalid (HTTP 422).' };
  }
  return undefined;
}
