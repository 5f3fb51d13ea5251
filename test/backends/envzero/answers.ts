// What every env zero route shares: the answer shapes (JSON, or env zero's plain-text errors), the
// request context, and the checks that come first — which organization, and whether the caller is
// one of its admins.
import type { Caller, EnvZeroModel, Organization, User } from './model.ts';

export type PermissionsEcho = 'none' | 'permissions.projectsPermissions' | 'projectPermissions';

export interface RouteOptions {
  teamsPageSize: number;
  permissionsEcho: PermissionsEcho;
  teamListMembers: boolean;
}

/** What a route answers: JSON, or a raw text body (the OIDC sub, plain-text errors). */
export type Answer = { status: number; json: unknown } | { status: number; text: string };

export class EnvZeroError extends Error {
  readonly answer: Answer;
  constructor(answer: Answer) {
    super(`HTTP ${answer.status}`);
    this.answer = answer;
  }
}

export const badRequest = (...messages: string[]) => new EnvZeroError({ status: 400, text: messages.join(', ') });
export const forbidden = () => new EnvZeroError({ status: 403, json: { message: 'Forbidden' } });
export const notFound = () => new EnvZeroError({ status: 404, text: 'Not Found' });

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const iso = (ms: number) => new Date(ms).toISOString();

export interface RouteContext {
  model: EnvZeroModel;
  options: RouteOptions;
  caller: Caller;
  url: URL;
  body: () => Promise<unknown>;
}

export type Route = { method: string; pattern: RegExp; handle: (ctx: RouteContext, params: string[]) => Promise<Answer> | Answer };

/** A user as env zero's clients read it (client/common_models.go User). */
function userJson(user: User | undefined, fallback: { id: string; name: string }): Record<string, unknown> {
  if (!user) return { user_id: fallback.id, name: fallback.name, email: '', given_name: '', family_name: '', picture: '', created_at: '', last_login: '', app_metadata: {} };
  return {
    created_at: iso(user.createdAt),
    email: user.email,
    family_name: user.familyName,
    given_name: user.givenName,
    name: user.name,
    picture: `https://avatars.example/${encodeURIComponent(user.email)}.png`,
    user_id: user.id,
    last_login: iso(user.createdAt),
    app_metadata: {},
  };
}

/** A user, or a User-role API key standing where a user would (a creator, a team member). */
export function memberJson(model: EnvZeroModel, id: string): Record<string, unknown> {
  const byKey = model.apiKeys.get(id);
  return userJson(model.users.get(id), { id, name: byKey ? byKey.name : id });
}

/** The organization named by ?organizationId=, which the caller must reach. */
export function queryOrg(ctx: RouteContext): { org: Organization; role: string } {
  const id = ctx.url.searchParams.get('organizationId');
  if (!id) throw badRequest("/querystring must have required property 'organizationId'");
  const reached = ctx.model.reachable(ctx.caller).find((r) => r.org.id === id);
  if (!reached) throw forbidden();
  return reached;
}

/** Only organization admins manage API keys, teams and project roles (Derived from the docs; a User key gets 403). */
export function requireAdmin(reached: { role: string }): void {
  if (reached.role !== 'Admin') throw forbidden();
}

/** The caller's role in the organization that owns a resource; a resource elsewhere does not exist for it. */
export function roleOver(ctx: RouteContext, orgId: string | undefined): string {
  const role = orgId === undefined ? undefined : ctx.model.roleIn(ctx.caller, orgId);
  if (role === undefined) throw notFound();
  return role;
}
