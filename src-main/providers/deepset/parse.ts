// Reading deepset answers defensively: every field the adapter relies on is checked, everything
// else is kept as raw (minus secrets) for the detail view. Read fields beyond id, name, mask and
// expiry are not documented (see api.ts), so each one is optional and has a fallback. deepset
// reports neither when a key was made nor when it was last used.
import { z } from 'zod';
import type { KeyStatus } from '../../../src-preload/contract.ts';
import type { RemoteKey } from '../../model.ts';
import { answerReader } from '../schema-check.ts';
import { namedIn, withoutFields } from '../secret-fields.ts';

const text = z.string().nullish();

export const meSchema = z.looseObject({
  user_id: z.string().min(1),
  given_name: text,
  family_name: text,
  email: text,
  organization: z
    .looseObject({
      organization_id: z.string().min(1),
      name: z.string().min(1),
      role: text,
    })
    .nullish(),
});
export type MeJson = z.infer<typeof meSchema>;

export const organizationSchema = z.looseObject({ name: z.string().min(1), organization_id: text });

export const workspaceSchema = z.looseObject({ name: z.string().min(1), workspace_id: text });
export type WorkspaceJson = z.infer<typeof workspaceSchema>;
export const workspaceListSchema = z.array(workspaceSchema);

/** A workspace reference inside a key: a name, or an object with a name and/or id (UNCERTAIN which). */
const workspaceRef = z.union([z.string(), z.looseObject({ name: text, workspace_id: text })]);

export const tokenSchema = z.looseObject({
  api_token_id: z.string().min(1).max(256),
  name: text,
  masked_token: text,
  expires: z.boolean().nullish(),
  expires_at: text,
  all_workspaces: z.boolean().nullish(),
  personal: z.boolean().nullish(),
  organization_role: text,
  role_id: text,
  workspaces: z.array(workspaceRef).nullish(),
  /** The 2023 SDK's UserName: the owner of a personal key. */
  user: z.looseObject({ given_name: text, family_name: text }).nullish(),
});
export type TokenJson = z.infer<typeof tokenSchema>;

/** A workspace role: its id under `role_id` or `id` (see api.ts), and its name. */
export const roleSchema = z.looseObject({ role_id: text, id: text, name: text });

export interface WorkspaceRole {
  id: string;
  name: string;
}

export const pageSchema = z.looseObject({
  data: z.array(z.unknown()),
  has_more: z.boolean(),
  total: z.number().nullish(),
});

/** Fields that could hold a secret. Never kept. */
const isSecret = namedIn(['api_token', 'token', 'secret']);

export const parseOrThrow = answerReader('deepset');

export const withoutSecrets = (json: Record<string, unknown>) => withoutFields(json, isSecret);

function time(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export function personName(user: { given_name?: string | null; family_name?: string | null; email?: string | null; user_id?: string | null }): string {
  const full = [user.given_name, user.family_name].filter(Boolean).join(' ');
  return full || user.email || user.user_id || '';
}

/** deepset pads the hidden middle with mask characters; a run of them reads better as one ellipsis. */
export function compactMask(masked: string | null | undefined): string | null {
  if (!masked) return null;
  return masked.replace(/[*•●·]{3,}/g, '…');
}

export type DeepsetKeyType = 'personal' | 'service';

/** personal is echoed on read only maybe; a key with an owner is personal, one without a service key. */
export function typeOf(json: TokenJson): DeepsetKeyType {
  if (json.personal === true) return 'personal';
  if (json.personal === false) return 'service';
  return json.user ? 'personal' : 'service';
}

/** The names of the workspaces an organization key is limited to; null when it reaches all of them. */
export function limitedTo(json: { all_workspaces?: unknown; workspaces?: unknown }, nameOfId: (id: string) => string | undefined): string[] | null {
  if (json.all_workspaces === true || !Array.isArray(json.workspaces)) return null;
  const names: string[] = [];
  for (const ref of json.workspaces as unknown[]) {
    if (typeof ref === 'string') names.push(nameOfId(ref) ?? ref);
    else if (ref && typeof ref === 'object') {
      const { name, workspace_id: id } = ref as { name?: unknown; workspace_id?: unknown };
      if (typeof name === 'string' && name) names.push(name);
      else if (typeof id === 'string') names.push(nameOfId(id) ?? id);
    }
  }
  return names.length > 0 ? names : null;
}

export function toRemoteKey(json: TokenJson, scopeId: string, roles?: ReadonlyMap<string, string>, now = Date.now()): RemoteKey {
  const expiresAt = json.expires === false ? null : time(json.expires_at);
  const status: KeyStatus = expiresAt !== null && expiresAt <= now ? 'expired' : 'active';
  const type = typeOf(json);
  const raw = withoutSecrets(json);
  const roleName = json.role_id ? roles?.get(json.role_id) : undefined;
  if (roleName) raw.workspaceRoleName = roleName;
  return {
    id: json.api_token_id,
    scopeId,
    // A nameless key goes by its id, as deepset itself shows it.
    name: json.name || json.api_token_id,
    description: null,
    type,
    category: type,
    role: json.organization_role ?? null,
    status,
    statusDetail: null,
    maskedValue: compactMask(json.masked_token),
    createdAt: null,
    createdBy: json.user ? personName(json.user) || null : null,
    expiresAt,
    lastUsedAt: null,
    raw,
  };
}
