// The Onyx sandbox's routes under /api, in FastAPI's order: match the path (404) and method (405),
// run the auth dependency (403), then validate path and body (422), then the handler (400 for a
// ValueError, 404 for an OnyxError NOT_FOUND).
import {
  insufficient,
  laxInt,
  limited,
  methodNotAllowed,
  missing,
  notEnum,
  notFound,
  notList,
  notString,
  onyxError,
  OnyxHttpError,
  validationError,
  valueError,
  type PydanticError,
} from './errors.ts';
import { KNOWN_PERMISSIONS, SELECTABLE_PAT_SCOPES, USER_ROLES, type Access, type ApiKey, type OnyxModel, type Pat, type User, type UserRole } from './model.ts';

export interface Caller {
  user: User;
  pat: Pat | null;
}

export interface RouteInput {
  model: OnyxModel;
  method: string;
  segments: string[];
  query: URLSearchParams;
  body: { present: boolean; value: unknown };
  caller: () => Caller;
}

export interface Answer {
  status: number;
  body: unknown;
}

const ok = (body: unknown): Answer => ({ status: 200, body });

/** Pydantic datetimes: microseconds and Z. Onyx's end-of-day expiry ends in .999999. */
function iso(ms: number | null): string | null {
  if (ms === null) return null;
  const text = new Date(ms).toISOString();
  return ms % 1000 === 999 ? text.replace(/\.999Z$/, '.999999Z') : text.replace(/\.(\d{3})Z$/, '.$1000Z');
}

function requireAdmin(model: OnyxModel, caller: Caller): void {
  if (model.level(caller.user) === 'limited') throw limited();
  // A scoped PAT never reaches admin routes, whoever owns it.
  if (caller.pat?.scopes || model.level(caller.user) !== 'admin') throw insufficient();
}

function requireBasic(model: OnyxModel, caller: Caller): void {
  if (model.level(caller.user) === 'limited') throw limited();
  if (caller.pat?.scopes) throw insufficient();
}

/** POST /user/pats: any basic user on ≤ v4.6; on main, a group must grant create:user_api_keys (admins hold all). */
function requireTokenCreation(model: OnyxModel, caller: Caller): void {
  requireBasic(model, caller);
  if (model.variant === 'groups' && !model.permissionsOf(caller.user).includes('create:user_api_keys')) throw insufficient();
}

function pathInt(value: string, name: string): number {
  const parsed = laxInt(value, ['path', name]);
  if (typeof parsed !== 'number') throw validationError([parsed]);
  return parsed;
}

function objectBody(body: RouteInput['body']): Record<string, unknown> {
  if (!body.present) throw validationError([missing(['body'])]);
  const value = body.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw validationError([{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: value }]);
  }
  return value as Record<string, unknown>;
}

// ---------------------------------------------------------------- API keys

function keyJson(model: OnyxModel, key: ApiKey, secret: string | null = null): Record<string, unknown> {
  const user = model.users.get(key.userId)!;
  const json: Record<string, unknown> = { api_key_id: key.id, api_key_display: key.display, api_key: secret, api_key_name: key.name };
  if (model.variant === 'roles') json.api_key_role = user.role;
  else json.groups = [...user.groupIds].sort((a, b) => a - b).map((id) => ({ id, name: model.groups.get(id)?.name ?? String(id) }));
  json.user_id = key.userId;
  return json;
}

/** APIKeyArgs: {name, role='basic'} on ≤ v4.6, {name, group_ids=[]} on main. Omitted = default. */
function apiKeyArgs(model: OnyxModel, body: RouteInput['body']): { name: string | null; access: Access } {
  const value = objectBody(body);
  const errors: PydanticError[] = [];
  let name: string | null = null;
  if (value.name !== undefined && value.name !== null) {
    if (typeof value.name === 'string') name = value.name;
    else errors.push(notString(['body', 'name'], value.name));
  }
  let access: Access;
  if (model.variant === 'roles') {
    let role: UserRole = 'basic';
    if (value.role !== undefined) {
      if (typeof value.role === 'string' && (USER_ROLES as readonly string[]).includes(value.role)) role = value.role as UserRole;
      else errors.push(notEnum(['body', 'role'], value.role, USER_ROLES));
    }
    access = { role };
  } else {
    const ids: number[] = [];
    if (value.group_ids !== undefined) {
      if (!Array.isArray(value.group_ids)) errors.push(notList(['body', 'group_ids'], value.group_ids));
      else
        value.group_ids.forEach((item, i) => {
          const id = laxInt(item, ['body', 'group_ids', i]);
          if (typeof id === 'number') ids.push(id);
          else errors.push(id);
        });
    }
    access = { groupIds: ids };
  }
  if (errors.length > 0) throw validationError(errors);
  return { name, access };
}

/** set_user_groups__no_commit refuses unknown ids, after the key itself was found. */
function checkGroups(model: OnyxModel, access: Access): void {
  if (!('groupIds' in access)) return;
  const unknown = model.missingGroups(access.groupIds);
  if (unknown.length > 0) throw valueError(`Group IDs do not exist: [${unknown.join(', ')}]`);
}

function existingKey(model: OnyxModel, id: number): ApiKey {
  const key = model.apiKeys.get(id);
  if (!key) throw valueError(`API key with id ${id} does not exist`);
  return key;
}

function apiKeys(input: RouteInput, rest: string[]): Answer {
  const { model, method } = input;
  if (rest.length === 0) {
    if (method !== 'GET' && method !== 'POST') throw methodNotAllowed();
    const caller = input.caller();
    requireAdmin(model, caller);
    if (method === 'GET') return ok([...model.apiKeys.values()].map((k) => keyJson(model, k)));
    const args = apiKeyArgs(model, input.body);
    checkGroups(model, args.access);
    const { key, secret } = model.createApiKey(args.name, args.access, caller.user.id);
    return ok(keyJson(model, key, secret));
  }
  if (rest.length === 2 && rest[1] === 'regenerate') {
    if (method !== 'POST') throw methodNotAllowed();
    requireAdmin(model, input.caller());
    const key = existingKey(model, pathInt(rest[0]!, 'api_key_id'));
    const secret = model.regenerate(key);
    return ok(keyJson(model, key, secret));
  }
  if (rest.length !== 1) throw notFound();
  if (method !== 'PATCH' && method !== 'DELETE') throw methodNotAllowed();
  requireAdmin(model, input.caller());
  const id = pathInt(rest[0]!, 'api_key_id');
  if (method === 'DELETE') {
    model.removeApiKey(existingKey(model, id));
    return ok(null);
  }
  const args = apiKeyArgs(model, input.body);
  const key = existingKey(model, id);
  checkGroups(model, args.access);
  model.updateApiKey(key, args.name, args.access);
  return ok(keyJson(model, key));
}

// ---------------------------------------------------------------- personal access tokens

/** GET /user/pats/scopes: _ASSIGNABLE_SCOPES with the computed `implies`. */
const PAT_SCOPE_OPTIONS = [
  { scope: 'read:search', group_label: 'Search', label: 'Read', description: 'Use search and query endpoints.', min_tier: 'community', implies: [] },
  { scope: 'read:chat', group_label: 'Chat', label: 'Read', description: 'View chat sessions and messages.', min_tier: 'community', implies: [] },
  { scope: 'write:chat', group_label: 'Chat', label: 'Write', description: 'Create sessions and send messages.', min_tier: 'community', implies: ['read:chat'] },
  { scope: 'use:llm_gateway', group_label: 'LLM Gateway', label: 'Use', description: 'Call the LLM gateway from external tools.', min_tier: 'enterprise', implies: [] },
];

function patJson(pat: Pat, secret?: string): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: pat.id,
    name: pat.name,
    token_display: pat.display,
    created_at: iso(pat.createdAt),
    expires_at: iso(pat.expiresAt),
    last_used_at: iso(pat.lastUsedAt),
    scopes: pat.scopes,
  };
  if (secret !== undefined) json.token = secret;
  return json;
}

function createTokenRequest(body: RouteInput['body']): { name: string; days: number | null; scopes: string[] | null } {
  const value = objectBody(body);
  const errors: PydanticError[] = [];
  let name = '';
  if (value.name === undefined) errors.push(missing(['body', 'name'], value));
  else if (typeof value.name !== 'string') errors.push(notString(['body', 'name'], value.name));
  else if (value.name.length < 1) errors.push({ type: 'string_too_short', loc: ['body', 'name'], msg: 'String should have at least 1 character', input: value.name, ctx: { min_length: 1 } });
  else if (value.name.length > 100) errors.push({ type: 'string_too_long', loc: ['body', 'name'], msg: 'String should have at most 100 characters', input: value.name, ctx: { max_length: 100 } });
  else name = value.name;
  let days: number | null = null;
  if (value.expiration_days !== undefined && value.expiration_days !== null) {
    const parsed = laxInt(value.expiration_days, ['body', 'expiration_days']);
    if (typeof parsed !== 'number') errors.push(parsed);
    else if (parsed < 1) errors.push({ type: 'greater_than_equal', loc: ['body', 'expiration_days'], msg: 'Input should be greater than or equal to 1', input: parsed, ctx: { ge: 1 } });
    else days = parsed;
  }
  let scopes: string[] | null = null;
  if (value.scopes !== undefined && value.scopes !== null) {
    if (!Array.isArray(value.scopes)) errors.push(notList(['body', 'scopes'], value.scopes));
    else {
      scopes = [];
      value.scopes.forEach((s, i) => {
        if (typeof s === 'string' && KNOWN_PERMISSIONS.includes(s)) scopes!.push(s);
        else errors.push(notEnum(['body', 'scopes', i], s, KNOWN_PERMISSIONS));
      });
    }
  }
  if (errors.length > 0) throw validationError(errors);
  if (scopes !== null) {
    if (scopes.length === 0) throw onyxError(400, 'INVALID_INPUT', 'A scoped token must include at least one scope.');
    const unsupported = scopes.filter((s) => !SELECTABLE_PAT_SCOPES.includes(s));
    if (unsupported.length > 0) throw onyxError(400, 'INVALID_INPUT', `Unsupported token scope(s): ${unsupported.join(', ')}`);
  }
  return { name, days, scopes };
}

function pats(input: RouteInput, rest: string[]): Answer {
  const { model, method } = input;
  if (rest.length === 0) {
    if (method !== 'GET' && method !== 'POST') throw methodNotAllowed();
    const caller = input.caller();
    if (method === 'GET') {
      requireBasic(model, caller);
      return ok(model.patsOf(caller.user.id).map((p) => patJson(p)));
    }
    requireTokenCreation(model, caller);
    const args = createTokenRequest(input.body);
    const { pat, secret } = model.createPat(caller.user.id, args.name, args.days, args.scopes);
    return ok(patJson(pat, secret));
  }
  if (rest.length !== 1) throw notFound();
  if (rest[0] === 'scopes') {
    if (method !== 'GET') throw methodNotAllowed();
    requireBasic(model, input.caller());
    return ok(PAT_SCOPE_OPTIONS);
  }
  if (method !== 'DELETE') throw methodNotAllowed();
  const caller = input.caller();
  requireBasic(model, caller);
  const id = pathInt(rest[0]!, 'token_id');
  if (!model.revokePat(caller.user.id, id)) throw onyxError(404, 'NOT_FOUND', 'Token not found or not owned by user');
  return ok({ message: 'Token deleted successfully' });
}

// ---------------------------------------------------------------- the rest

function me(model: OnyxModel, caller: Caller): Record<string, unknown> {
  const { user } = caller;
  const base: Record<string, unknown> = { id: user.id, email: user.email, is_active: true, is_superuser: false, is_verified: true };
  const preferences = { shortcut_enabled: false, chosen_assistants: null, default_model: null, hidden_assistants: [], pinned_assistants: [], visible_assistants: [] };
  if (model.variant === 'roles') return { ...base, role: user.role, preferences, token_expires_at: null, is_cloud_superuser: false, team_name: null };
  const effective = model.permissionsOf(user);
  return { ...base, account_type: user.accountType, preferences, token_expires_at: null, is_cloud_superuser: false, team_name: null, effective_permissions: effective, is_group_manager: false, admin_capabilities: effective };
}

function userGroups(input: RouteInput): Answer {
  if (input.method !== 'GET') throw methodNotAllowed();
  requireAdmin(input.model, input.caller());
  const includeDefault = ['true', '1', 'yes', 'on'].includes((input.query.get('include_default') ?? '').toLowerCase());
  const groups = [...input.model.groups.values()].filter((g) => includeDefault || !g.isDefault);
  return ok(
    groups.map((g) => ({
      id: g.id,
      name: g.name,
      users: [],
      manager_ids: [],
      cc_pairs: [],
      document_sets: [],
      personas: [],
      is_up_to_date: true,
      is_up_for_deletion: false,
      is_default: g.isDefault,
      incognito_enabled: false,
      permissions: { manage: true },
    })),
  );
}

/** Routes one request; `segments` is the path after /api. */
export function route(input: RouteInput): Answer {
  const [a, b, c, ...rest] = input.segments;
  if (a === 'me' && b === undefined) {
    if (input.method !== 'GET') throw methodNotAllowed();
    return ok(me(input.model, input.caller()));
  }
  if (a === 'admin' && b === 'api-key') return apiKeys(input, [c, ...rest].filter((s): s is string => s !== undefined));
  if (a === 'user' && b === 'pats') return pats(input, [c, ...rest].filter((s): s is string => s !== undefined));
  if (a === 'manage' && b === 'admin' && c === 'user-group' && rest.length === 0) return userGroups(input);
  throw new OnyxHttpError(404, { detail: 'Not Found' });
}
