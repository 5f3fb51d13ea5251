// The env zero routes the sandbox answers, after the gateway (rate limit, route match) and Basic
// auth have run: organizations, projects, custom roles and the API-key endpoints; teams and
// project roles are in membership.ts. Validation failures answer as env
// zero does: HTTP 400 with a plain-text, AJV-style, comma-joined message.
import { badRequest, forbidden, iso, memberJson, notFound, queryOrg, requireAdmin, roleOver, UUID, type Route, type RouteContext } from './answers.ts';
import { MEMBERSHIP_ROUTES } from './membership.ts';
import { PROJECT_ROLES, type ApiKey, type EnvZeroModel, type ProjectRole } from './model.ts';

export { EnvZeroError, type Answer, type PermissionsEcho, type RouteContext } from './answers.ts';

function projectRolesOf(model: EnvZeroModel, key: ApiKey): Array<{ projectId: string; projectRole: string }> {
  return model.assignments.filter((a) => a.userId === key.id).map((a) => ({ projectId: a.projectId, projectRole: a.role }));
}

export function keyJson(ctx: Pick<RouteContext, 'model' | 'options'>, key: ApiKey, secret?: string): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: key.id,
    name: key.name,
    apiKeyId: key.apiKeyId,
    ...(secret === undefined ? {} : { apiKeySecret: secret }),
    lastUsedAt: key.lastUsedAt === null ? null : iso(key.lastUsedAt),
    organizationId: key.organizationId,
    organizationRole: key.organizationRole,
    createdAt: iso(key.createdAt),
    createdBy: key.createdBy,
    createdByUser: memberJson(ctx.model, key.createdBy),
  };
  const echo = ctx.options.permissionsEcho;
  if (echo === 'permissions.projectsPermissions') {
    json.permissions = { organizationRole: key.organizationRole, projectsPermissions: projectRolesOf(ctx.model, key) };
  } else if (echo === 'projectPermissions') {
    json.projectPermissions = projectRolesOf(ctx.model, key);
  }
  return json;
}

function validateCreate(body: unknown): { name: string; organizationId: string; role: string; projects: Array<{ projectId: string; projectRole: ProjectRole }>; hasProjects: boolean } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('/body must be object');
  const b = body as Record<string, unknown>;
  const errors: string[] = [];
  if (!('name' in b)) errors.push("/body must have required property 'name'");
  else if (typeof b.name !== 'string') errors.push('/body/name must be string');
  else if (b.name.trim() === '') errors.push('/body/name must NOT have fewer than 1 characters');
  if (!('organizationId' in b)) errors.push("/body must have required property 'organizationId'");
  else if (typeof b.organizationId !== 'string') errors.push('/body/organizationId must be string');
  const permissions = b.permissions;
  let role = '';
  const projects: Array<{ projectId: string; projectRole: ProjectRole }> = [];
  let hasProjects = false;
  if (!('permissions' in b)) errors.push("/body must have required property 'permissions'");
  else if (permissions === null || typeof permissions !== 'object' || Array.isArray(permissions)) errors.push('/body/permissions must be object');
  else {
    const p = permissions as Record<string, unknown>;
    if (!('organizationRole' in p)) errors.push("/body/permissions must have required property 'organizationRole'");
    else if (typeof p.organizationRole !== 'string' || !(['Admin', 'User'].includes(p.organizationRole) || UUID.test(p.organizationRole))) {
      errors.push(
        '/body/permissions/organizationRole must be equal to one of the allowed values',
        '/body/permissions/organizationRole must match format "uuid"',
        '/body/permissions/organizationRole must match a schema in anyOf',
      );
    } else role = p.organizationRole;
    // Only this spelling counts: the older `projectPermissions` was silently ignored.
    const list = p.projectsPermissions;
    if (list !== undefined) {
      hasProjects = true;
      if (!Array.isArray(list)) errors.push('/body/permissions/projectsPermissions must be array');
      else {
        list.forEach((item: unknown, i) => {
          const entry = (item ?? {}) as Record<string, unknown>;
          if (typeof entry.projectId !== 'string') errors.push(`/body/permissions/projectsPermissions/${i} must have required property 'projectId'`);
          if (!PROJECT_ROLES.includes(entry.projectRole as ProjectRole)) {
            errors.push(`/body/permissions/projectsPermissions/${i}/projectRole must be equal to one of the allowed values`);
          }
          if (typeof entry.projectId === 'string' && PROJECT_ROLES.includes(entry.projectRole as ProjectRole)) {
            projects.push({ projectId: entry.projectId, projectRole: entry.projectRole as ProjectRole });
          }
        });
      }
    }
  }
  if (errors.length > 0) throw badRequest(...errors);
  return { name: b.name as string, organizationId: b.organizationId as string, role, projects, hasProjects };
}

export const ROUTES: Route[] = [
  ...MEMBERSHIP_ROUTES,
  {
    method: 'GET',
    pattern: /^\/organizations$/,
    handle: ({ model, caller }) => ({
      status: 200,
      json: model.reachable(caller).map(({ org, role }) => ({
        id: org.id,
        name: org.name,
        description: org.description,
        photoUrl: null,
        createdBy: org.createdBy,
        createdAt: iso(org.createdAt),
        updatedAt: iso(org.createdAt),
        role,
        maxTtl: null,
        defaultTtl: null,
        enableOidc: false,
        isSelfHostedK8s: false,
      })),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/projects$/,
    handle: (ctx) => {
      const { org, role } = queryOrg(ctx);
      const assigned = new Set(ctx.model.assignments.filter((a) => a.userId === (ctx.caller.kind === 'personal' ? ctx.caller.user.id : ctx.caller.key.id)).map((a) => a.projectId));
      const projects = [...ctx.model.projects.values()].filter((p) => p.organizationId === org.id && (role === 'Admin' || assigned.has(p.id)));
      return {
        status: 200,
        json: projects.map((p) => {
          const chain: string[] = [];
          for (let at: string | null = p.id; at; at = ctx.model.projects.get(at)?.parentProjectId ?? null) chain.unshift(at);
          return {
            id: p.id,
            name: p.name,
            description: p.description,
            organizationId: p.organizationId,
            ...(p.parentProjectId ? { parentProjectId: p.parentProjectId } : {}),
            hierarchy: chain.join('|'),
            isArchived: p.isArchived,
            role: role === 'Admin' ? 'Admin' : (ctx.model.assignments.find((a) => a.projectId === p.id)?.role ?? 'Viewer'),
            createdBy: p.createdBy,
            createdByUser: memberJson(ctx.model, p.createdBy),
            createdAt: iso(p.createdAt),
            updatedAt: iso(p.createdAt),
            tags: [],
          };
        }),
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/roles$/,
    handle: (ctx) => {
      const { org } = queryOrg(ctx);
      return { status: 200, json: [...ctx.model.roles.values()].filter((r) => r.organizationId === org.id) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api-keys\/oidc-sub$/,
    handle: (ctx) => {
      const { org } = queryOrg(ctx);
      return { status: 200, text: `auth0|oidc-${org.id.slice(0, 8)}` };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api-keys$/,
    handle: (ctx) => {
      const reached = queryOrg(ctx);
      requireAdmin(reached);
      return { status: 200, json: ctx.model.listedKeys(reached.org.id).map((k) => keyJson(ctx, k)) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api-keys$/,
    handle: async (ctx) => {
      const input = validateCreate(await ctx.body());
      const reached = ctx.model.reachable(ctx.caller).find((r) => r.org.id === input.organizationId);
      if (!reached) throw forbidden();
      requireAdmin(reached);
      const { model } = ctx;
      if (UUID.test(input.role) && model.roles.get(input.role)?.organizationId !== reached.org.id) {
        throw badRequest(`Role ${input.role} does not exist in this organization`);
      }
      if (input.role === 'Admin' && input.hasProjects && input.projects.length > 0) {
        throw badRequest('/body/permissions/projectsPermissions must NOT be set when organizationRole is Admin');
      }
      for (const p of input.projects) {
        if (model.projects.get(p.projectId)?.organizationId !== reached.org.id) throw badRequest(`Project ${p.projectId} does not exist in this organization`);
      }
      const { key, secret } = model.createKey(reached.org, input.name, input.role, model.creatorOf(ctx.caller), input.projects);
      return { status: 200, json: keyJson(ctx, key, secret) };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api-keys\/([^/]+)$/,
    handle: (ctx, [id]) => {
      const key = ctx.model.apiKeys.get(id!);
      if (!key || key.deletedAt !== null) throw notFound();
      requireAdmin({ role: roleOver(ctx, key.organizationId) });
      ctx.model.deleteKey(key);
      return { status: 200, text: '' };
    },
  },
];
