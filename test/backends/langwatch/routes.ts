// The LangWatch sandbox's routes, in LangWatch's middleware order (§1.4): an unknown path is the
// router's 404 (before any auth), then org auth (401), route permission (403), body parsing and
// validation (400/422), then the handler's domain errors. Era A (≤ v3.12) has only list, create
// and revoke; era B adds get-by-id and PATCH, the CUSTOM role and the admin-only mint rules.
import * as E from './errors.ts';
import type { ApiKey, Binding, Era, LangwatchModel, User } from './model.ts';
import { RESERVED_NAMES } from './model.ts';
import { validateCreate, validateUpdate, type BindingInput } from './validate.ts';

export interface Caller {
  key: ApiKey;
  user: User | null;
}

export interface RouteInput {
  model: LangwatchModel;
  method: string;
  segments: string[];
  query: URLSearchParams;
  /** The JSON body, read lazily after auth: `malformed` when it did not parse. */
  body: () => unknown;
  caller: () => Caller;
  validation: E.ValidationStyle;
  enterprise: boolean;
}

export interface Answer {
  status: number;
  body: unknown;
}

export const MALFORMED = Symbol('malformed');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function keyInfo(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    description: k.description,
    createdAt: iso(k.createdAt),
    expiresAt: iso(k.expiresAt),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
    roleBindings: k.bindings.map((b) => ({ id: b.id, role: b.role, scopeType: b.scopeType, scopeId: b.scopeId })),
  };
}

function keyDetail(k: ApiKey) {
  const { roleBindings, ...info } = keyInfo(k);
  return {
    id: info.id,
    name: info.name,
    description: info.description,
    keyType: k.userId ? 'personal' : 'service',
    assignedToUserId: k.userId,
    createdByUserId: k.createdByUserId,
    permissionMode: k.permissionMode,
    permissions: k.permissionMode === 'restricted' ? [...k.permissions].sort() : [],
    createdAt: info.createdAt,
    expiresAt: info.expiresAt,
    lastUsedAt: info.lastUsedAt,
    revokedAt: info.revokedAt,
    roleBindings,
    bindings: roleBindings.map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId })),
  };
}

function require(input: RouteInput, permission: string): Caller {
  const caller = input.caller();
  if (!input.model.orgPermissions(caller.key, caller.user).has(permission)) throw E.insufficient(permission);
  return caller;
}

function parsedBody(input: RouteInput): unknown {
  const body = input.body();
  if (body === MALFORMED) throw E.malformed(input.validation);
  return body;
}

/** ApiKeyService's scope checks and ceiling (§1.5): every binding inside the org, and inside the owner's access. */
function checkBindings(model: LangwatchModel, era: Era, bindings: BindingInput[], owner: User | null): void {
  const orgId = model.organization.id;
  for (const b of bindings) {
    if (b.scopeType === 'ORGANIZATION' && b.scopeId !== orgId) {
      throw E.scopeViolation(era, "Organization scope must match the API key's organization", { scopeId: b.scopeId, organizationId: orgId });
    }
    if (b.scopeType === 'TEAM' && !model.teams.has(b.scopeId)) {
      throw E.scopeViolation(era, `Team ${b.scopeId} not found in this organization`, { teamId: b.scopeId, organizationId: orgId });
    }
    if (b.scopeType === 'PROJECT') {
      const project = model.projects.get(b.scopeId);
      if (!project || project.archived) throw E.scopeViolation(era, `Project ${b.scopeId} not found or archived`, { projectId: b.scopeId });
    }
    if (owner && !model.withinCeiling(owner, b.role, b.scopeType, b.scopeId)) {
      const type = { ORGANIZATION: 'org', TEAM: 'team', PROJECT: 'project' }[b.scopeType];
      throw E.scopeViolation(era, `Cannot create API key with ${b.role} permissions — exceeds your own access at ${type}:${b.scopeId}`, { role: b.role, scope: { type, id: b.scopeId } });
    }
  }
}

function findKey(model: LangwatchModel, id: string): ApiKey | undefined {
  const key = model.keys.get(id);
  return key && !RESERVED_NAMES.includes(key.name) ? key : undefined;
}

function list(input: RouteInput): Answer {
  const { model } = input;
  const caller = require(input, 'organization:view');
  if (model.era === 'B' && !caller.key.userId && !model.orgPermissions(caller.key, null).has('organization:manage')) {
    throw E.forbidden('Listing every API key in the organization requires the organization:manage permission');
  }
  return { status: 200, body: { data: model.listedFor(caller.key).map(keyInfo) } };
}

function create(input: RouteInput): Answer {
  const { model } = input;
  const era = model.era;
  const caller = require(input, 'organization:manage');
  const { violations, value } = validateCreate(era, parsedBody(input));
  if (violations.length > 0) throw E.validationFailed(input.validation, violations);
  const isService = value.keyType === 'service';
  const callerUserId = caller.key.userId;
  let ownerId: string | null = isService ? null : callerUserId;
  if (era === 'B') {
    const assignedToAnother = !isService && !!value.assignedToUserId && value.assignedToUserId !== callerUserId;
    ownerId = isService ? null : (value.assignedToUserId ?? callerUserId);
    if ((ownerId === null || assignedToAnother) && !model.isAdmin(caller.key, caller.user)) {
      throw E.forbidden(
        isService
          ? 'Only organization admins can create service API keys'
          : assignedToAnother
            ? 'Only organization admins can create API keys for other users'
            : 'Only organization admins can create API keys that no member owns',
      );
    }
  }
  if (RESERVED_NAMES.includes(value.name)) throw E.reservedName(era, value.name);
  const owner = ownerId ? model.users.get(ownerId) : null;
  if (ownerId && !owner) throw E.scopeViolation(era, 'Not a member of this organization', { userId: ownerId, organizationId: model.organization.id });
  const bindings: Array<Omit<Binding, 'id'>> = [
    ...(value.bindings ?? []),
    ...(isService ? (value.projectIds ?? []) : []).map((id): Omit<Binding, 'id'> => ({ role: 'ADMIN', scopeType: 'PROJECT', scopeId: id })),
  ];
  if (isService && bindings.length === 0) bindings.push({ role: 'ADMIN', scopeType: 'ORGANIZATION', scopeId: model.organization.id });
  checkBindings(model, era, bindings, owner ?? null);
  const { key, token } = model.createKey({
    name: value.name,
    description: value.description ?? null,
    userId: ownerId,
    createdByUserId: callerUserId,
    bindings,
    expiresAt: value.expiresAt ?? null,
    permissionMode: value.permissionMode,
    permissions: value.permissions,
  });
  return { status: 201, body: { token, apiKey: { id: key.id, name: key.name, createdAt: iso(key.createdAt) } } };
}

function readOne(input: RouteInput, id: string): Answer {
  const { model } = input;
  const caller = require(input, 'organization:view');
  const key = findKey(model, id);
  const canReadAny = model.isAdmin(caller.key, caller.user) && model.orgPermissions(caller.key, caller.user).has('organization:manage');
  if (!key || (!canReadAny && !model.readableBy(key, caller.key))) throw E.keyNotFound('B', id);
  return { status: 200, body: keyDetail(key) };
}

function update(input: RouteInput, id: string): Answer {
  const { model } = input;
  const caller = require(input, 'organization:manage');
  const { violations, value } = validateUpdate(parsedBody(input));
  if (violations.length > 0) throw E.validationFailed(input.validation, violations);
  const key = findKey(model, id);
  if (!key) throw E.keyNotFound('B', id);
  if (value.name !== undefined && RESERVED_NAMES.includes(value.name)) throw E.reservedName('B', value.name);
  const admin = model.isAdmin(caller.key, caller.user);
  // Editing someone else's key answers as reading it does: a 404 that does not confirm the id.
  if (!admin && (!key.userId || key.userId !== caller.key.userId)) throw E.keyNotFound('B', id, [E.notOwnedReason(id)]);
  if (key.revokedAt !== null) throw E.alreadyRevoked('B', id);
  if (value.bindings) checkBindings(model, 'B', value.bindings, key.userId ? (model.users.get(key.userId) ?? null) : null);
  if (value.name !== undefined) key.name = value.name;
  if (value.description !== undefined) key.description = value.description;
  if (value.permissionMode !== undefined) key.permissionMode = value.permissionMode;
  if (value.permissions !== undefined) key.permissions = value.permissions;
  if (value.bindings) key.bindings = value.bindings.map((b, i) => ({ ...b, id: `rb_${model.nanoid()}${i}` }));
  return { status: 200, body: keyDetail(key) };
}

function revoke(input: RouteInput, id: string): Answer {
  const { model } = input;
  const era = model.era;
  const caller = require(input, 'organization:manage');
  const key = findKey(model, id);
  if (!key) throw E.keyNotFound(era, id);
  // Era A passed callerIsAdmin: true, so any organization:manage holder revoked any key.
  const admin = era === 'A' || model.isAdmin(caller.key, caller.user);
  if (!admin && (!key.userId || key.userId !== caller.key.userId)) throw E.keyNotOwned(era, id);
  if (key.revokedAt !== null) throw E.alreadyRevoked(era, id);
  key.revokedAt = model.now();
  return { status: 200, body: { success: true } };
}

function page(input: RouteInput): { page: number; limit: number } {
  const read = (name: string, fallback: number, max: number): number => {
    const raw = input.query.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw E.validationFailed(input.validation, [{ field: name, type: n > max ? 'too_big' : 'too_small', message: n > max ? `Number must be less than or equal to ${max}` : 'Number must be greater than 0' }]);
    }
    return n;
  };
  return { page: read('page', 1, Number.MAX_SAFE_INTEGER), limit: read('limit', 50, 1000) };
}

function paged<T>(input: RouteInput, items: T[]): Answer {
  const { page: p, limit } = page(input);
  return { status: 200, body: { data: items.slice((p - 1) * limit, p * limit), pagination: { page: p, limit, total: items.length } } };
}

function teams(input: RouteInput): Answer {
  const { model } = input;
  require(input, 'team:view');
  const orgId = model.organization.id;
  const rows = [...model.teams.values()].map((t) => ({ id: t.id, name: t.name, slug: t.slug, organizationId: orgId, createdAt: iso(t.createdAt), updatedAt: iso(t.createdAt) }));
  return paged(input, rows);
}

function projects(input: RouteInput): Answer {
  const { model } = input;
  const caller = input.caller();
  const rows = model
    .visibleProjects(caller.key, caller.user)
    .map((p) => ({ id: p.id, name: p.name, slug: p.slug, language: p.language, framework: p.framework, teamId: p.teamId, createdAt: iso(p.createdAt), updatedAt: iso(p.createdAt) }));
  return paged(input, rows);
}

/** The management API's gate (createManagementService): permission (403), then the Enterprise plan (402). */
function management(input: RouteInput, permission: string): Caller {
  const caller = require(input, permission);
  if (!input.enterprise) {
    throw new E.LangwatchHttpError(402, { error: 'enterprise_plan_required', message: 'The management API requires an Enterprise plan.' });
  }
  return caller;
}

/** GET /api/organization/members: the members with their organization role; disabled ones only when asked. */
function members(input: RouteInput): Answer {
  management(input, 'organization:view');
  const includeDisabled = input.query.get('includeDisabled') === 'true';
  const offset = Number(input.query.get('offset') ?? 0);
  const limit = Number(input.query.get('limit') ?? 200);
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw E.validationFailed(input.validation, [{ field: 'limit', type: 'too_big', message: 'Number must be less than or equal to 200' }]);
  }
  const all = [...input.model.users.values()].filter((u) => includeDisabled || !u.deactivated);
  const at = iso(input.model.now());
  return {
    status: 200,
    body: {
      members: all.slice(offset, offset + limit).map((u) => ({
        userId: u.id,
        role: u.orgRole,
        disabled: u.deactivated,
        disabledAt: u.deactivated ? at : null,
        createdAt: at,
        updatedAt: at,
        user: { id: u.id, name: u.name, email: u.email },
      })),
      totalCount: all.length,
    },
  };
}

function organization(input: RouteInput): Answer {
  management(input, 'organization:view');
  const { id, name, slug } = input.model.organization;
  return { status: 200, body: { id, name, slug, supportContact: null, presenceEnabled: true, traceSharingEnabled: false } };
}

/** Routes one request; `segments` is the path after /api. */
export function route(input: RouteInput): Answer {
  const { method, segments, model } = input;
  const [family, id, ...rest] = segments;
  if (family === 'api-keys' && rest.length === 0) {
    if (id === undefined) {
      if (method === 'GET') return list(input);
      if (method === 'POST') return create(input);
    } else {
      if (method === 'DELETE') return revoke(input, decodeURIComponent(id));
      if (model.era === 'B' && method === 'GET') return readOne(input, decodeURIComponent(id));
      if (model.era === 'B' && method === 'PATCH') return update(input, decodeURIComponent(id));
    }
  }
  if (family === 'teams' && id === undefined && method === 'GET') return teams(input);
  if (family === 'projects' && id === undefined && method === 'GET') return projects(input);
  if (family === 'organization' && id === undefined && method === 'GET' && model.era === 'B') return organization(input);
  if (family === 'organization' && id === 'members' && rest.length === 0 && method === 'GET' && model.era === 'B') return members(input);
  throw E.routeNotFound();
}
