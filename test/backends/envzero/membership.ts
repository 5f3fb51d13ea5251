// Who belongs where: teams (paged with an opaque nextPageKey; one team; PUT replaces its whole
// membership) and project roles (read per project; assigned one user or User-role key at a time,
// with a built-in role or a custom role's id). A User-role API key is a member like a user
// (client/team.go, client/user_project_assignment.go, env0/resource_user_team_assignment.go).
import { badRequest, forbidden, memberJson, requireAdmin, roleOver, UUID, type Answer, type Route, type RouteContext } from './answers.ts';
import { PROJECT_ROLES, type Team } from './model.ts';

function teamJson(ctx: RouteContext, team: Team, members = true): Record<string, unknown> {
  const json: Record<string, unknown> = { id: team.id, name: team.name, description: team.description, organizationId: team.organizationId };
  if (members) json.users = team.userIds.map((id) => memberJson(ctx.model, id));
  return json;
}

function object(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('/body must be object');
  return body as Record<string, unknown>;
}

/** A role env zero accepts for a project: built in, or the id of a custom role of that organization. */
function validRole(ctx: RouteContext, orgId: string, role: unknown): role is string {
  if (typeof role !== 'string') return false;
  if ((PROJECT_ROLES as readonly string[]).includes(role)) return true;
  return UUID.test(role) && ctx.model.roles.get(role)?.organizationId === orgId;
}

export const MEMBERSHIP_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/teams\/organizations\/([^/]+)$/,
    handle: (ctx, [orgId]): Answer => {
      if (!ctx.model.reachable(ctx.caller).some((r) => r.org.id === orgId)) throw forbidden();
      const name = ctx.url.searchParams.get('name');
      const all = [...ctx.model.teams.values()].filter((t) => t.organizationId === orgId && (!name || t.name.includes(name)));
      const limit = Math.max(1, Math.min(Number(ctx.url.searchParams.get('limit') ?? 100) || 100, 100, ctx.options.teamsPageSize));
      const offsetKey = ctx.url.searchParams.get('offset');
      let start = 0;
      if (offsetKey) {
        const decoded = Number(Buffer.from(offsetKey, 'base64url').toString('utf8').replace(/^team#/, ''));
        if (!Number.isInteger(decoded) || decoded < 0) throw badRequest('/querystring/offset must be a valid page key');
        start = decoded;
      }
      const page = all.slice(start, start + limit);
      const more = start + limit < all.length;
      return {
        status: 200,
        json: { teams: page.map((t) => teamJson(ctx, t, ctx.options.teamListMembers)), ...(more ? { nextPageKey: Buffer.from(`team#${start + limit}`).toString('base64url') } : {}) },
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/teams\/([^/]+)$/,
    handle: (ctx, [id]): Answer => {
      const team = ctx.model.teams.get(id!);
      roleOver(ctx, team?.organizationId);
      return { status: 200, json: teamJson(ctx, team!) };
    },
  },
  {
    method: 'PUT',
    pattern: /^\/teams\/([^/]+)$/,
    handle: async (ctx, [id]): Promise<Answer> => {
      const team = ctx.model.teams.get(id!);
      requireAdmin({ role: roleOver(ctx, team?.organizationId) });
      const body = object(await ctx.body());
      const errors: string[] = [];
      if (typeof body.name !== 'string' || body.name.trim() === '') errors.push(typeof body.name === 'string' ? '/body/name must NOT have fewer than 1 characters' : "/body must have required property 'name'");
      if (body.description !== undefined && typeof body.description !== 'string') errors.push('/body/description must be string');
      // The client omits userIds when empty (omitempty); the list it sends replaces the membership.
      let userIds: string[] | undefined;
      if (body.userIds !== undefined) {
        if (!Array.isArray(body.userIds) || body.userIds.some((u) => typeof u !== 'string')) errors.push('/body/userIds must be array of string');
        else userIds = body.userIds as string[];
      }
      if (errors.length > 0) throw badRequest(...errors);
      const stranger = userIds?.find((u) => !ctx.model.isMember(team!.organizationId, u));
      if (stranger) throw badRequest(`User ${stranger} is not a member of this organization`);
      team!.name = body.name as string;
      team!.description = (body.description as string | undefined) ?? '';
      if (userIds) team!.userIds = [...new Set(userIds)];
      return { status: 200, json: teamJson(ctx, team!) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/permissions\/projects\/([^/]+)$/,
    handle: (ctx, [projectId]): Answer => {
      const project = ctx.model.projects.get(projectId!);
      requireAdmin({ role: roleOver(ctx, project?.organizationId) });
      return { status: 200, json: ctx.model.assignments.filter((a) => a.projectId === project!.id).map(({ id, userId, role }) => ({ id, userId, role })) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/permissions\/projects\/([^/]+)$/,
    handle: async (ctx, [projectId]): Promise<Answer> => {
      const project = ctx.model.projects.get(projectId!);
      requireAdmin({ role: roleOver(ctx, project?.organizationId) });
      const body = object(await ctx.body());
      const errors: string[] = [];
      if (typeof body.userId !== 'string') errors.push("/body must have required property 'userId'");
      if (!validRole(ctx, project!.organizationId, body.role)) errors.push('/body/role must be equal to one of the allowed values', '/body/role must match format "uuid"', '/body/role must match a schema in anyOf');
      if (errors.length > 0) throw badRequest(...errors);
      const userId = body.userId as string;
      if (!ctx.model.isMember(project!.organizationId, userId)) throw badRequest(`User ${userId} is not a member of this organization`);
      if (ctx.model.assignments.some((a) => a.projectId === project!.id && a.userId === userId)) throw badRequest(`User ${userId} is already assigned to this project`);
      const { id, role } = ctx.model.assign(project!.id, userId, body.role as string);
      return { status: 200, json: { id, userId, role } };
    },
  },
];
