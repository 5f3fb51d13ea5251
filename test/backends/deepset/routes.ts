// The sandbox's key routes: paged lists of the organization and of one workspace, create (the
// documented organization route; one-time secret), retrieve and delete, with FastAPI-style 422 bodies and deepset's rules: only organization
// Admins list or manage keys, and API keys cannot create, modify or delete keys at all.
import type { IncomingMessage } from 'node:http';
import type { DeepsetSandboxOptions } from './server.ts';
import { ORG_ROLES, type ApiKey, type Caller, type DeepsetModel, type OrgRole } from './model.ts';

/** An error answered as FastAPI does: {"detail": …}. */
export class DeepsetError extends Error {
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string>;
  constructor(status: number, detail: unknown, headers: Record<string, string> = {}) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME_MAX = 100;

type Issue = { type: string; loc: Array<string | number>; msg: string; input?: unknown };
const issue = (type: string, loc: Array<string | number>, msg: string, input?: unknown): Issue => ({ type, loc, msg, input });

export interface KeyRouteContext {
  model: DeepsetModel;
  req: IncomingMessage;
  url: URL;
  rest: string[];
  method: string;
  options: DeepsetSandboxOptions;
  authenticate(req: IncomingMessage): Caller;
  keyJson: (key: ApiKey) => Record<string, unknown>;
}

function integer(query: URLSearchParams, name: string, fallback: number, min: number, max: number, issues: Issue[]): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) {
    issues.push(issue('int_parsing', ['query', name], 'Input should be a valid integer, unable to parse string as an integer', raw));
    return fallback;
  }
  const value = Number(raw);
  if (value < min) issues.push(issue('greater_than_equal', ['query', name], `Input should be greater than or equal to ${min}`, raw));
  if (value > max) issues.push(issue('less_than_equal', ['query', name], `Input should be less than or equal to ${max}`, raw));
  return value;
}

/** deepset's page-based or cursor-based paging (never both), over items in their list order. */
export function paged<T extends { id: string }>(url: URL, options: DeepsetSandboxOptions, items: T[], json: (item: T) => Record<string, unknown>) {
  const query = url.searchParams;
  const issues: Issue[] = [];
  const limit = integer(query, 'limit', 10, 1, options.maxLimit ?? 100, issues);
  const page = integer(query, 'page_number', 1, 1, Number.MAX_SAFE_INTEGER, issues);
  const cursor = { before: query.get('before'), after: query.get('after') };
  for (const [name, value] of Object.entries(cursor)) {
    if (value !== null && !UUID.test(value)) issues.push(issue('uuid_parsing', ['query', name], 'Input should be a valid UUID', value));
  }
  if (query.has('page_number') && (cursor.before || cursor.after)) {
    issues.push(issue('value_error', ['query', 'page_number'], 'Value error, use either page_number or before/after, not both'));
  }
  if (issues.length) throw new DeepsetError(422, issues);
  let window = items;
  if (cursor.after) window = items.slice(items.findIndex((k) => k.id === cursor.after) + 1);
  if (cursor.before) window = items.slice(0, Math.max(0, items.findIndex((k) => k.id === cursor.before)));
  const start = cursor.before || cursor.after ? 0 : (page - 1) * limit;
  const data = window.slice(start, start + limit);
  return { data: data.map(json), has_more: window.length > start + limit, total: items.length };
}

function mayList(caller: Caller): void {
  if (caller.role !== 'ADMIN') throw new DeepsetError(403, 'You do not have the permission to view API keys.');
}

function mayManage(caller: Caller): void {
  if (caller.kind === 'api-key') throw new DeepsetError(403, "API keys can't be used to create, modify, or delete other API tokens.");
  if (caller.role !== 'ADMIN') throw new DeepsetError(403, 'Only organization admins can manage API keys.');
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DeepsetError(422, [issue('json_invalid', ['body', 0], 'JSON decode error')]);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new DeepsetError(422, [issue('model_attributes_type', ['body'], 'Input should be a valid dictionary or object to extract fields from', value)]);
  }
  return value as Record<string, unknown>;
}

/** The create body, checked as deepset's pydantic model would. */
function validateCreate(model: DeepsetModel, body: Record<string, unknown>) {
  const issues: Issue[] = [];
  const at = (field: string) => ['body', field];
  const bool = (field: string, fallback: boolean) => {
    const v = body[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') issues.push(issue('bool_type', at(field), 'Input should be a valid boolean', v));
    return v === true;
  };
  let name: string | null = null;
  if (body.name !== undefined && body.name !== null) {
    if (typeof body.name !== 'string') issues.push(issue('string_type', at('name'), 'Input should be a valid string', body.name));
    else if (body.name.length > NAME_MAX) issues.push(issue('string_too_long', at('name'), `String should have at most ${NAME_MAX} characters`, body.name));
    else name = body.name || null;
  }
  const expires = bool('expires', true);
  const personal = bool('personal', true);
  let expiresAt: number | null = null;
  if (expires) {
    const raw = body.expires_at;
    const ms = typeof raw === 'string' ? Date.parse(raw) : NaN;
    if (raw === undefined || raw === null) issues.push(issue('value_error', at('expires_at'), 'Value error, expires_at is required when expires is true'));
    else if (!Number.isFinite(ms)) issues.push(issue('datetime_from_date_parsing', at('expires_at'), 'Input should be a valid datetime or date', raw));
    else if (ms <= Date.now()) issues.push(issue('value_error', at('expires_at'), 'Value error, expires_at must be in the future', raw));
    else expiresAt = ms;
  }
  const role = body.organization_role ?? 'MEMBER';
  if (!ORG_ROLES.includes(role as OrgRole)) issues.push(issue('enum', at('organization_role'), "Input should be 'ADMIN', 'MEMBER' or 'EXTERNAL'", role));
  const roleId = body.role_id ?? null;
  if (roleId !== null && (typeof roleId !== 'string' || !UUID.test(roleId))) issues.push(issue('uuid_parsing', at('role_id'), 'Input should be a valid UUID', roleId));
  else if (roleId !== null && !model.roles.has(roleId)) issues.push(issue('value_error', at('role_id'), `Value error, Role '${roleId}' does not exist`, roleId));
  let workspaces: string[] | null = null;
  if (body.workspaces !== undefined && body.workspaces !== null) {
    if (!Array.isArray(body.workspaces)) issues.push(issue('list_type', at('workspaces'), 'Input should be a valid list', body.workspaces));
    else if (body.workspaces.length === 0) issues.push(issue('too_short', at('workspaces'), 'List should have at least 1 item after validation, not 0', []));
    else {
      body.workspaces.forEach((w, i) => {
        if (typeof w !== 'string' || !model.workspaces.has(w)) issues.push(issue('value_error', ['body', 'workspaces', i], `Value error, Workspace '${String(w)}' does not exist`, w));
      });
      workspaces = body.workspaces as string[];
    }
  }
  if (issues.length) throw new DeepsetError(422, issues);
  return { name, expiresAt, personal, organizationRole: role as OrgRole, roleId: roleId as string | null, workspaces };
}

function keyById(ctx: KeyRouteContext, id: string): ApiKey {
  if (!UUID.test(id)) throw new DeepsetError(422, [issue('uuid_parsing', ['path', 'api_token_id'], 'Input should be a valid UUID', id)]);
  const key = ctx.model.keys.get(id);
  if (!key) throw new DeepsetError(404, 'API token not found.');
  return key;
}

/** Answers the key routes; undefined when the path is not one of them. */
export async function routeKeys(ctx: KeyRouteContext): Promise<{ status: number; body: unknown } | undefined> {
  const { model, rest, method, req, options } = ctx;
  // The one documented create: an organization key, for every workspace or the chosen ones.
  const create = async (caller: Caller) => {
    mayManage(caller);
    const input = validateCreate(model, await readBody(req));
    const key = model.addKey({
      ...input,
      // role_id "defaults to the role of the user who created it".
      roleId: input.roleId ?? caller.user!.workspaceRoleId,
      ownerId: input.personal ? caller.user!.id : null,
      createdBy: caller.user!.id,
      scope: 'organization',
      createdAt: Date.now(),
    });
    return { status: 200, body: options.createEchoesId ? { api_token: key.secret, api_token_id: key.id } : { api_token: key.secret } };
  };

  if (rest[0] === 'token' && rest.length === 1) {
    if (method !== 'GET' && method !== 'POST') throw new DeepsetError(405, 'Method Not Allowed');
    const caller = ctx.authenticate(req);
    if (method === 'POST') return create(caller);
    mayList(caller);
    return { status: 200, body: paged(ctx.url, options, model.keysNewestFirst(), ctx.keyJson) };
  }
  if (rest[0] === 'token' && rest.length === 2) {
    if (method !== 'GET' && method !== 'DELETE') throw new DeepsetError(405, 'Method Not Allowed');
    const caller = ctx.authenticate(req);
    if (method === 'GET') {
      mayList(caller);
      return { status: 200, body: ctx.keyJson(keyById(ctx, rest[1]!)) };
    }
    mayManage(caller);
    const key = keyById(ctx, rest[1]!);
    if (key.scope === 'workspace' && options.workspaceDeleteViaToken === false) throw new DeepsetError(404, 'API token not found.');
    model.keys.delete(key.id);
    return { status: 200, body: null };
  }
  if (rest[0] === 'workspaces' && rest.length === 3 && rest[2] === 'token') {
    // Only the list is documented here; keys scoped to one workspace are made in deepset's web app.
    if (method !== 'GET') throw new DeepsetError(405, 'Method Not Allowed');
    const caller = ctx.authenticate(req);
    const workspace = rest[1]!;
    if (!model.reachable(caller).some((w) => w.name === workspace)) throw new DeepsetError(404, 'Workspace not found.');
    mayList(caller);
    return { status: 200, body: paged(ctx.url, options, model.keysNewestFirst((k) => k.scope === 'workspace' && k.workspaces?.[0] === workspace), ctx.keyJson) };
  }
  return undefined;
}
