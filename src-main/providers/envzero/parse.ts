// Reading env zero answers defensively: every field the adapter relies on is checked, the rest is
// kept as raw (minus the secret) for the detail view. env zero answers bare JSON arrays, ISO
// dates that may be empty, and — depending on the server's age — project roles under either
// spelling, or not at all.
import { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import type { RemoteKey } from '../../model.ts';

const id = z.string().min(1).max(256);
const text = z.string().nullish();

export const organizationSchema = z.looseObject({ id, name: text, role: text });
export type OrganizationJson = z.infer<typeof organizationSchema>;

export const projectSchema = z.looseObject({
  id,
  name: text,
  description: text,
  organizationId: text,
  parentProjectId: text,
  isArchived: z.boolean().nullish(),
});
export type ProjectJson = z.infer<typeof projectSchema>;

export const teamSchema = z.looseObject({ id, name: text, description: text });
export type TeamJson = z.infer<typeof teamSchema>;

/** The teams endpoint pages with an opaque key; older servers answered a bare array. */
export const teamsPageSchema = z.union([
  z.array(z.unknown()),
  z.looseObject({ teams: z.array(z.unknown()), nextPageKey: z.string().nullish() }),
]);

export const roleSchema = z.looseObject({ id, name: text });
export type RoleJson = z.infer<typeof roleSchema>;

export const assignmentSchema = z.looseObject({ userId: z.string().min(1), role: z.string().min(1) });

export const apiKeySchema = z.looseObject({
  id,
  name: text,
  apiKeyId: z.string().max(512).nullish(),
  apiKeySecret: z.string().nullish(),
  lastUsedAt: text,
  organizationId: text,
  organizationRole: text,
  createdAt: text,
  createdBy: text,
  createdByUser: z.unknown().optional(),
  permissions: z.unknown().optional(),
  projectsPermissions: z.unknown().optional(),
  projectPermissions: z.unknown().optional(),
});
export type ApiKeyJson = z.infer<typeof apiKeySchema>;

export const listSchema = z.array(z.unknown());

export interface ProjectRole {
  projectId: string;
  projectRole: string;
}

const projectRoleList = z.array(
  z.looseObject({ projectId: z.string().min(1), projectRole: z.string().min(1).optional(), role: z.string().min(1).optional() }),
);

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` (field ${issue.path.join('.')})` : '';
    throw new ProviderError('bad-response', `env zero sent ${what} Keyfleet could not read${where}.`);
  }
  return result.data;
}

export function parseList<T>(schema: z.ZodType<T>, value: unknown, what: string, each: string): T[] {
  return parseOrThrow(listSchema, value, what).map((item) => parseOrThrow(schema, item, each));
}

/**
 * A key's project roles when the answer carries them: `projectsPermissions` (current spelling) or
 * `projectPermissions` (clients before December 2025), at the top or under `permissions`.
 * Undefined when the answer says nothing about them.
 */
export function projectRolesIn(json: ApiKeyJson): ProjectRole[] | undefined {
  const nested = json.permissions && typeof json.permissions === 'object' ? (json.permissions as Record<string, unknown>) : {};
  for (const candidate of [nested.projectsPermissions, nested.projectPermissions, json.projectsPermissions, json.projectPermissions]) {
    if (candidate === undefined || candidate === null) continue;
    const parsed = projectRoleList.safeParse(candidate);
    if (!parsed.success) throw new ProviderError('bad-response', 'env zero sent project permissions of a key Keyfleet could not read.');
    return parsed.data.flatMap((p) => {
      const role = p.projectRole ?? p.role;
      return role ? [{ projectId: p.projectId, projectRole: role }] : [];
    });
  }
  return undefined;
}

function time(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function creatorName(json: ApiKeyJson): string | null {
  const user = json.createdByUser;
  if (user && typeof user === 'object') {
    const { name, email } = user as Record<string, unknown>;
    if (typeof name === 'string' && name.trim()) return name;
    if (typeof email === 'string' && email.trim()) return email;
  }
  return json.createdBy || null;
}

/** Custom roles are ids; show their names when known. */
export function roleLabel(role: string | null | undefined, customRoles: ReadonlyMap<string, string>): string | null {
  if (!role) return null;
  if (role === 'Admin' || role === 'User') return role;
  const name = customRoles.get(role);
  return name ? name : `custom role ${role}`;
}

/** Any field that holds a secret. env zero has one (`apiKeySecret`); the pattern guards future ones. */
export function withoutSecrets(json: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) if (!/secret/i.test(key)) copy[key] = value;
  return copy;
}

export function toRemoteKey(json: ApiKeyJson, orgId: string, customRoles: ReadonlyMap<string, string>, projectRoles: ProjectRole[] | undefined): RemoteKey {
  const raw = withoutSecrets(json);
  // Where the list does not echo them, Keyfleet records what it learned elsewhere under its own name.
  if (projectRoles !== undefined && projectRolesIn(json) === undefined) raw.projectRoles = projectRoles;
  return {
    id: json.id,
    scopeId: orgId,
    name: json.name ?? '',
    description: null,
    type: 'organization',
    category: 'service',
    role: roleLabel(json.organizationRole, customRoles),
    status: 'active',
    statusDetail: null,
    maskedValue: json.apiKeyId || null,
    createdAt: time(json.createdAt),
    createdBy: creatorName(json),
    expiresAt: null,
    lastUsedAt: time(json.lastUsedAt),
    raw,
  };
}

/** The project roles Keyfleet knows for a cached key, wherever they came from. */
export function knownProjectRoles(raw: Record<string, unknown>): ProjectRole[] {
  const json = apiKeySchema.safeParse(raw);
  if (json.success) {
    try {
      const echoed = projectRolesIn(json.data);
      if (echoed) return echoed;
    } catch {
      // an unreadable echo is treated as unknown, as when there is none
    }
  }
  const parsed = projectRoleList.safeParse(raw.projectRoles);
  return parsed.success ? parsed.data.flatMap((p) => (p.projectRole ? [{ projectId: p.projectId, projectRole: p.projectRole }] : [])) : [];
}
