// The request bodies of /api/api-keys, checked the way LangWatch's zod v3 schemas do (app.ts,
// langwatch-and-onyx.md §1.5): field rules first, then the cross-field refinements, which zod runs
// only once every field passed. Unknown fields are stripped.
import type { Violation } from './errors.ts';
import type { Era, Role, ScopeType } from './model.ts';

export interface BindingInput {
  role: Role;
  scopeType: ScopeType;
  scopeId: string;
}

export interface CreateInput {
  keyType: 'personal' | 'service';
  name: string;
  description?: string;
  expiresAt?: number;
  assignedToUserId?: string;
  permissionMode: string;
  permissions?: string[];
  bindings?: BindingInput[];
  projectIds?: string[];
}

export interface UpdateInput {
  name?: string;
  description?: string | null;
  permissionMode?: string;
  permissions?: string[];
  bindings?: BindingInput[];
}

const MODES = ['all', 'readonly', 'restricted'];
const SCOPE_TYPES = ['ORGANIZATION', 'TEAM', 'PROJECT'];

function typeName(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

class Checker {
  readonly violations: Violation[] = [];

  invalidType(field: string, expected: string, value: unknown): void {
    const received = typeName(value);
    this.violations.push({ field, type: 'invalid_type', message: value === undefined ? 'Required' : `Expected ${expected}, received ${received}`, expected, received });
  }

  string(field: string, value: unknown, min: number, max: number): string | undefined {
    if (typeof value !== 'string') return void this.invalidType(field, 'string', value);
    if (value.length < min) this.violations.push({ field, type: 'too_small', message: `String must contain at least ${min} character(s)` });
    else if (value.length > max) this.violations.push({ field, type: 'too_big', message: `String must contain at most ${max} character(s)` });
    else return value;
    return undefined;
  }

  oneOf<T extends string>(field: string, value: unknown, options: readonly T[]): T | undefined {
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    const expected = options.map((o) => `'${o}'`).join(' | ');
    if (typeof value !== 'string') this.invalidType(field, expected, value);
    else this.violations.push({ field, type: 'invalid_enum_value', message: `Invalid enum value. Expected ${expected}, received '${value}'`, expected: options, received: value });
    return undefined;
  }

  array(field: string, value: unknown, min: number, max: number): unknown[] | undefined {
    if (!Array.isArray(value)) return void this.invalidType(field, 'array', value);
    const items: unknown[] = value;
    if (items.length < min) this.violations.push({ field, type: 'too_small', message: `Array must contain at least ${min} element(s)` });
    else if (items.length > max) this.violations.push({ field, type: 'too_big', message: `Array must contain at most ${max} element(s)` });
    else return items;
    return undefined;
  }

  bindings(field: string, value: unknown, era: Era, min: number): BindingInput[] | undefined {
    const list = this.array(field, value, min, 20);
    if (!list) return undefined;
    const roles: Role[] = era === 'A' ? ['ADMIN', 'MEMBER', 'VIEWER'] : ['ADMIN', 'MEMBER', 'VIEWER', 'CUSTOM'];
    return list.map((item, i) => {
      const at = `${field}.${i}`;
      const b = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
      if (!b) {
        this.invalidType(at, 'object', item);
        return { role: 'ADMIN', scopeType: 'PROJECT', scopeId: '' };
      }
      return {
        role: this.oneOf(`${at}.role`, b.role, roles) ?? 'ADMIN',
        scopeType: this.oneOf(`${at}.scopeType`, b.scopeType, SCOPE_TYPES as ScopeType[]) ?? 'PROJECT',
        scopeId: this.string(`${at}.scopeId`, b.scopeId, 1, Number.MAX_SAFE_INTEGER) ?? '',
      };
    });
  }

  permissions(value: unknown): string[] | undefined {
    const list = this.array('permissions', value, 0, Number.MAX_SAFE_INTEGER);
    return list?.map((p, i) => {
      if (typeof p === 'string' && /^[a-z_]+:[a-z_]+$/.test(p)) return p;
      this.violations.push({ field: `permissions.${i}`, type: 'custom', message: 'Permission must match resource:action' });
      return '';
    });
  }

  /** refineRestrictedPermissions: restricted mode, CUSTOM bindings and permissions come together. */
  restricted(mode: string | undefined, bindings: BindingInput[] | undefined, permissions: string[] | undefined): void {
    const custom = bindings?.some((b) => b.role === 'CUSTOM') ?? false;
    const listed = (permissions?.length ?? 0) > 0;
    if (mode !== 'restricted' && !custom && !listed) return;
    if (mode !== 'restricted') this.violations.push({ field: 'permissionMode', type: 'custom', message: "CUSTOM permissions require permissionMode 'restricted'" });
    if (!custom) this.violations.push({ field: 'bindings', type: 'custom', message: 'restricted mode requires at least one CUSTOM binding' });
    if (!listed) this.violations.push({ field: 'permissions', type: 'custom', message: 'restricted mode requires at least one permission' });
  }
}

function objectOf(body: unknown, check: Checker): Record<string, unknown> | undefined {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  check.invalidType('', 'object', body);
  return undefined;
}

export function validateCreate(era: Era, body: unknown): { violations: Violation[]; value: CreateInput } {
  const check = new Checker();
  const b = objectOf(body, check) ?? {};
  const keyType = b.keyType === undefined ? 'personal' : (check.oneOf('keyType', b.keyType, ['personal', 'service'] as const) ?? 'personal');
  const name = check.string('name', b.name, 1, 100) ?? '';
  const description = b.description === undefined ? undefined : check.string('description', b.description, 0, 500);
  let expiresAt: number | undefined;
  if (b.expiresAt !== undefined) {
    const ms = typeof b.expiresAt === 'number' ? b.expiresAt : typeof b.expiresAt === 'string' ? Date.parse(b.expiresAt) : NaN;
    if (Number.isFinite(ms)) expiresAt = ms;
    else check.violations.push({ field: 'expiresAt', type: 'invalid_date', message: 'Invalid date' });
  }
  const bindings = b.bindings === undefined ? undefined : check.bindings('bindings', b.bindings, era, 0);
  const projectIds = b.projectIds === undefined ? undefined : check.array('projectIds', b.projectIds, 0, 50)?.map((p, i) => check.string(`projectIds.${i}`, p, 1, Number.MAX_SAFE_INTEGER) ?? '');
  const value: CreateInput = { keyType, name, description, expiresAt, permissionMode: 'all', bindings, projectIds };
  if (era === 'B') {
    if (b.assignedToUserId !== undefined) value.assignedToUserId = check.string('assignedToUserId', b.assignedToUserId, 1, Number.MAX_SAFE_INTEGER);
    if (b.permissionMode !== undefined) value.permissionMode = check.oneOf('permissionMode', b.permissionMode, MODES) ?? 'all';
    if (b.permissions !== undefined) value.permissions = check.permissions(b.permissions);
  }
  if (check.violations.length > 0) return { violations: check.violations, value };
  if (keyType === 'personal' && !(bindings && bindings.length > 0)) check.violations.push({ field: 'bindings', type: 'custom', message: 'bindings are required for personal keys' });
  if (keyType === 'personal' && projectIds && projectIds.length > 0) {
    check.violations.push({ field: 'projectIds', type: 'custom', message: 'projectIds is only supported for service keys; use bindings instead' });
  }
  if (era === 'B') check.restricted(value.permissionMode, bindings, value.permissions);
  return { violations: check.violations, value };
}

export function validateUpdate(body: unknown): { violations: Violation[]; value: UpdateInput } {
  const check = new Checker();
  const b = objectOf(body, check) ?? {};
  const value: UpdateInput = {};
  if (b.name !== undefined) value.name = check.string('name', b.name, 1, 100);
  if (b.description !== undefined) value.description = b.description === null ? null : check.string('description', b.description, 0, 500);
  if (b.permissionMode !== undefined) value.permissionMode = check.oneOf('permissionMode', b.permissionMode, MODES);
  if (b.permissions !== undefined) value.permissions = check.permissions(b.permissions);
  if (b.bindings !== undefined) value.bindings = check.bindings('bindings', b.bindings, 'B', 1);
  if (check.violations.length === 0 && (value.permissionMode !== undefined || value.bindings !== undefined || value.permissions !== undefined)) {
    check.restricted(value.permissionMode, value.bindings, value.permissions);
  }
  return { violations: check.violations, value };
}
