// Reading env zero answers defensively: every field the adapter relies on is checked, the rest is
// kept as raw (minus the secret) for the detail view. env zero answers bare JSON arrays, ISO
// dates that may be empty, and — depending on the server's age — project roles under either
// spelling, or not at all. What Keyfleet learns elsewhere (a User key's project roles and teams)
// it records in raw under its own names, with the names of the projects, roles and teams.
import { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import type { RemoteKey } from '../../model.ts';
import { answerReader, safeParseFast } from '../schema-check.ts';
import { withoutFields } from '../secret-fields.ts';

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

/** A team's members are users or User-role API keys, each named by `user_id` (client/team.go). */
export const teamSchema = z.looseObject({
  id,
  name: text,
  description: text,
  users: z.array(z.looseObject({ user_id: z.string().nullish() })).nullish(),
});
export type TeamJson = z.infer<typeof teamSchema>;

export interface NamedTeam {
  id: string;
  name: string;
}

/** Team membership by member id: a user's id, or a User-role API key's `id`. */
export function teamsByMember(teams: TeamJson[]): Map<string, NamedTeam[]> {
  const byMember = new Map<string, NamedTeam[]>();
  for (const team of teams) {
    for (const user of team.users ?? []) {
      if (!user.user_id) continue;
      byMember.set(user.user_id, [...(byMember.get(user.user_id) ?? []), { id: team.id, name: team.name || team.id }]);
    }
  }
  return byMember;
}

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
  /** A built-in role (Admin, Deployer, Planner, Viewer) or a custom role's id. */
  projectRole: string;
}

/** A project role as Keyfleet records it: with the project's and the role's names where known. */
export interface NamedProjectRole extends ProjectRole {
  project?: string;
  roleName?: string;
}

export const PROJECT_ROLES: readonly string[] = ['Admin', 'Deployer', 'Planner', 'Viewer'];

const projectRoleList = z.array(
  z.looseObject({ projectId: z.string().min(1), projectRole: z.string().min(1).optional(), role: z.string().min(1).optional() }),
);

export const parseOrThrow = answerReader('env zero');

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
    const parsed = safeParseFast(projectRoleList, candidate);
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
const isSecret = (field: string) => /secret/i.test(field);
export const withoutSecrets = (json: Record<string, unknown>) => withoutFields(json, isSecret);

/** What the adapter knows about a key beyond the key list's answer. */
export interface KeyContext {
  orgId: string;
  customRoles: ReadonlyMap<string, string>;
  /** Undefined when unknown (an Admin key, or nothing read). */
  projectRoles?: ProjectRole[];
  projectNames?: ReadonlyMap<string, string>;
  /** Undefined when the teams were not read. */
  teams?: NamedTeam[];
}

export function toRemoteKey(json: ApiKeyJson, ctx: KeyContext): RemoteKey {
  const raw = withoutSecrets(json);
  if (ctx.projectRoles !== undefined) {
    const named: NamedProjectRole[] = ctx.projectRoles.map((p) => {
      const project = ctx.projectNames?.get(p.projectId);
      const roleName = PROJECT_ROLES.includes(p.projectRole) ? undefined : ctx.customRoles.get(p.projectRole);
      return { ...p, ...(project ? { project } : {}), ...(roleName ? { roleName } : {}) };
    });
    raw.projectRoles = named;
  }
  if (ctx.teams !== undefined) raw.teams = ctx.teams;
  return {
    id: json.id,
    scopeId: ctx.orgId,
    name: json.name ?? '',
    description: null,
    type: 'organization',
    category: 'service',
    role: roleLabel(json.organizationRole, ctx.customRoles),
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

const namedRoleList = z.array(
  z.looseObject({ projectId: z.string().min(1), projectRole: z.string().min(1), project: z.string().optional(), roleName: z.string().optional() }),
);

/** The project roles Keyfleet knows for a cached key, wherever they came from, with names where recorded. */
export function knownProjectRoles(raw: Record<string, unknown>): NamedProjectRole[] {
  const recorded = namedRoleList.safeParse(raw.projectRoles);
  if (recorded.success) return recorded.data;
  const json = apiKeySchema.safeParse(raw);
  if (json.success) {
    try {
      return projectRolesIn(json.data) ?? [];
    } catch {
      // an unreadable echo is treated as unknown, as when there is none
    }
  }
  return [];
}

/** The teams Keyfleet recorded for a cached key; undefined when they were never read. */
export function knownTeams(raw: Record<string, unknown>): NamedTeam[] | undefined {
  const parsed = z.array(z.looseObject({ id: z.string().min(1), name: z.string() })).safeParse(raw.teams);
  return parsed.success ? parsed.data.map(({ id, name }) => ({ id, name })) : undefined;
}

/** "Data: Planner, Networking: Release manager": a key's project roles by name. */
export function describeProjectRoles(roles: NamedProjectRole[]): string {
  return roles.map((p) => `${p.project ?? p.projectId}: ${p.roleName ?? (PROJECT_ROLES.includes(p.projectRole) ? p.projectRole : `custom role ${p.projectRole}`)}`).join(', ');
}
