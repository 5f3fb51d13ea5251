// A rotation's twin of a LangWatch key: the same type, owner, bindings, permission mode and (for a
// restricted key) permissions, read fresh from GET /api/api-keys/{id} where the server has it. What
// no create form offers — CUSTOM bindings and the permission mode — travels as the plan's carry.
// And what a key's details show beyond the common fields (its creator is one): type, owner,
// permission mode.
import { AppError } from '../../errors.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import type { KeyFact, TwinPlan } from '../types.ts';
import { FORM_ROLES } from './form.ts';
import { bindingsIn, describeBindings, type BindingJson } from './parse.ts';

/** What only a rotation carries to createKey: the mode, and a restricted key's CUSTOM bindings and permissions. */
export interface LangwatchCarry {
  permissionMode?: string;
  permissions?: string[];
  customBindings?: BindingJson[];
}

export function carryOf(carry: Record<string, unknown> | undefined): LangwatchCarry {
  const out: LangwatchCarry = {};
  if (typeof carry?.permissionMode === 'string') out.permissionMode = carry.permissionMode;
  if (Array.isArray(carry?.permissions)) out.permissions = carry.permissions.filter((p): p is string => typeof p === 'string');
  if (Array.isArray(carry?.customBindings)) out.customBindings = bindingsIn({ roleBindings: carry.customBindings }).map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId }));
  return out;
}


function modeWords(raw: Record<string, unknown>): string | undefined {
  const mode = typeof raw.permissionMode === 'string' ? raw.permissionMode : undefined;
  if (!mode) return undefined;
  if (mode === 'restricted') {
    const permissions = Array.isArray(raw.permissions) ? raw.permissions.filter((p): p is string => typeof p === 'string') : [];
    return `restricted: ${permissions.join(', ') || 'no permission listed'}`;
  }
  return mode === 'all' ? 'all (what its bindings allow)' : mode;
}

function owner(raw: Record<string, unknown>): string | undefined {
  if (typeof raw.ownerName === 'string') return raw.ownerName;
  if (typeof raw.assignedToUserId === 'string') return `member ${raw.assignedToUserId}`;
  return undefined;
}

/**
 * The twin of `key`, whose raw holds the freshest facts Keyfleet has (a by-id read on ≥ v3.13).
 * `names` names the scopes its bindings point at.
 */
export function twinPlanOf(key: RemoteKey, scopes: RemoteScope[], names: ReadonlyMap<string, string>): TwinPlan {
  const { raw } = key;
  const bindings = bindingsIn(raw);
  const byId = new Map(scopes.map((s) => [s.id, s]));
  const grantOf = (b: BindingJson) => {
    const scope = byId.get(b.scopeId);
    if (!scope) throw new AppError('conflict', `“${key.name}” is bound to a ${b.scopeType.toLowerCase()} Keyfleet does not know (${b.scopeId}); sync, then rotate again.`);
    return { scope, role: b.role };
  };
  const custom = bindings.filter((b) => !FORM_ROLES.has(b.role));
  const builtIn = bindings.filter((b) => FORM_ROLES.has(b.role));
  const mode = typeof raw.permissionMode === 'string' ? raw.permissionMode : undefined;
  const permissions = Array.isArray(raw.permissions) ? raw.permissions.filter((p): p is string => typeof p === 'string') : [];
  if (custom.length > 0 && (mode !== 'restricted' || permissions.length === 0)) {
    throw new AppError('unsupported', `“${key.name}” has a CUSTOM binding but this LangWatch server does not say which permissions it grants, so Keyfleet cannot copy it. Rotate it in LangWatch.`);
  }
  const carry: LangwatchCarry = {};
  if (mode && mode !== 'all') carry.permissionMode = mode;
  if (mode === 'restricted') Object.assign(carry, { permissions, customBindings: custom.map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId })) });
  const keeps = [`Type: ${key.type}`];
  const ownedBy = owner(raw);
  if (key.type === 'personal' && ownedBy) keeps.push(`Owner: ${ownedBy}`);
  keeps.push(`Bindings: ${describeBindings(bindings, names) ?? 'none'}`);
  const words = modeWords(raw);
  if (words && mode !== 'all') keeps.push(`Permission mode: ${words}`);

  const plan: TwinPlan = { keeps, ...(Object.keys(carry).length > 0 ? { carry: { ...carry } } : {}) };
  if (key.type !== 'service') {
    plan.grants = builtIn.map(grantOf);
    if (typeof raw.assignedToUserId === 'string') plan.fields = { owner: raw.assignedToUserId };
    return plan;
  }
  const projects = builtIn.filter((b) => b.role === 'ADMIN' && b.scopeType === 'PROJECT');
  const others = builtIn.filter((b) => !projects.includes(b));
  // A service key made without projects holds the org-wide ADMIN LangWatch gave it; asking for none again does the same.
  const orgWide = custom.length === 0 && projects.length === 0 && others.length === 1 && others[0]!.role === 'ADMIN' && others[0]!.scopeType === 'ORGANIZATION';
  plan.scopes = projects.map((b) => grantOf(b).scope);
  plan.grants = orgWide ? [] : others.map(grantOf);
  return plan;
}

export function describeLangwatchKey(key: RemoteKey): KeyFact[] {
  const { raw } = key;
  // The common Type row names the type; only a guess needs saying.
  const facts: KeyFact[] = raw.keyTypeGuessed ? [{ label: 'Key type', value: `${key.type} (guessed: this LangWatch server does not say)` }] : [];
  if (key.type === 'personal' && 'assignedToUserId' in raw) facts.push({ label: 'Owner', value: owner(raw) ?? 'no one' });
  const words = modeWords(raw);
  if (words) facts.push({ label: 'Permission mode', value: words });
  return facts;
}
