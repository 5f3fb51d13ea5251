// The env zero calls the adapter needs, each answer parsed defensively: organizations, projects,
// teams (all pages, or one), custom roles, API keys, the project role assignments that reveal a
// User key's project roles when the key list does not carry them; and the two writes that make a
// User key a member like a user: a project role, and a place in a team.
import { mapLimit } from '../../concurrency.ts';
import { ProviderError } from '../../errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/client.ts';
import { addPage } from '../paging.ts';
import { explainRateLimit } from './errors.ts';
import {
  apiKeySchema,
  assignmentSchema,
  organizationSchema,
  parseList,
  parseOrThrow,
  projectSchema,
  roleSchema,
  teamSchema,
  teamsPageSchema,
  type ApiKeyJson,
  type OrganizationJson,
  type ProjectJson,
  type ProjectRole,
  type RoleJson,
  type TeamJson,
} from './parse.ts';

const TEAM_PAGE = 100;
const MAX_TEAM_PAGES = 1000;
/** Project-permission and team reads in flight at once: each path counts against its own rate limit. */
const ASSIGNMENT_CONCURRENCY = 4;

export type EnvZeroApi = ReturnType<typeof createEnvZeroApi>;

export function createEnvZeroApi(http: HttpClient) {
  async function call<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    try {
      return await http.request<T>(req);
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'rate-limited') throw explainRateLimit(error);
      throw error;
    }
  }

  const get = async (path: string, query?: Record<string, string>) => (await call({ method: 'GET', path, query })).body;

  return {
    call,

    async organizations(): Promise<OrganizationJson[]> {
      return parseList(organizationSchema, await get('/organizations'), 'a list of organizations', 'an organization');
    },

    async projects(orgId: string): Promise<ProjectJson[]> {
      return parseList(projectSchema, await get('/projects', { organizationId: orgId }), 'a list of projects', 'a project');
    },

    async teams(orgId: string): Promise<TeamJson[]> {
      const teams: TeamJson[] = [];
      const seen = new Set<string>();
      let offset: string | undefined;
      for (let page = 0; ; page++) {
        if (page >= MAX_TEAM_PAGES) throw new ProviderError('bad-response', "env zero's pagination of teams does not end; stopped reading.");
        const query: Record<string, string> = { limit: String(TEAM_PAGE) };
        if (offset) query.offset = offset;
        const body = parseOrThrow(teamsPageSchema, await get(`/teams/organizations/${encodeURIComponent(orgId)}`, query), 'a page of teams');
        const items = Array.isArray(body) ? body : body.teams;
        addPage(teams, items.map((item) => parseOrThrow(teamSchema, item, 'a team')), 'env zero', 'teams');
        const next = Array.isArray(body) ? undefined : (body.nextPageKey ?? undefined);
        if (!next) return teams;
        if (seen.has(next)) throw new ProviderError('bad-response', "env zero's pagination of teams repeats a page; stopped reading.");
        seen.add(next);
        offset = next;
      }
    },

    async team(teamId: string): Promise<TeamJson> {
      return parseOrThrow(teamSchema, await get(`/teams/${encodeURIComponent(teamId)}`), 'a team');
    },

    /**
     * The teams with their members. env zero's own clients read members from GET /teams/{id} only;
     * a list that leaves them out is completed team by team, so no membership is taken for none.
     */
    async teamsWithMembers(teams: TeamJson[]): Promise<TeamJson[]> {
      return mapLimit(teams, ASSIGNMENT_CONCURRENCY, async (team) => (team.users == null ? this.team(team.id) : team));
    },

    /** PUT /teams/{id} replaces the whole membership: read it fresh, add one member, write it back. Answers the team's name. */
    async addToTeam(teamId: string, memberId: string): Promise<string> {
      const team = await this.team(teamId);
      const userIds = (team.users ?? []).flatMap((u) => (u.user_id ? [u.user_id] : []));
      if (userIds.includes(memberId)) return team.name ?? '';
      await call({
        method: 'PUT',
        path: `/teams/${encodeURIComponent(teamId)}`,
        body: { name: team.name ?? '', description: team.description ?? '', userIds: [...userIds, memberId] },
      });
      return team.name ?? '';
    },

    /** A project role for a user or a User-role key: built in, or a custom role's id. */
    async assignProjectRole(projectId: string, userId: string, role: string): Promise<void> {
      await call({ method: 'POST', path: `/permissions/projects/${encodeURIComponent(projectId)}`, body: { userId, role } });
    },

    async roles(orgId: string): Promise<RoleJson[]> {
      return parseList(roleSchema, await get('/roles', { organizationId: orgId }), 'a list of roles', 'a role');
    },

    async keys(orgId: string): Promise<ApiKeyJson[]> {
      return parseList(apiKeySchema, await get('/api-keys', { organizationId: orgId }), 'a list of API keys', 'an API key');
    },

    /** Project roles by user id (a User key's `id` is its user id), read project by project, in the tree's order. */
    async assignments(projectIds: string[]): Promise<Map<string, ProjectRole[]>> {
      const lists = await mapLimit(projectIds, ASSIGNMENT_CONCURRENCY, async (projectId) =>
        parseList(assignmentSchema, await get(`/permissions/projects/${encodeURIComponent(projectId)}`), 'the project roles of a project', 'a project role'),
      );
      const byUser = new Map<string, ProjectRole[]>();
      lists.forEach((list, i) => {
        for (const a of list) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), { projectId: projectIds[i]!, projectRole: a.role }]);
      });
      return byUser;
    },
  };
}
