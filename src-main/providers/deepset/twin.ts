// A rotation's twin of a deepset key, and what a key's details show. The twin keeps the key's type,
// organization role, workspace role (role_id) and workspaces; a key scoped to one workspace gets
// an organization twin limited to that workspace, the one documented way to make such a key. Where
// deepset does not report one of these, the twin could not be made faithfully, and Keyfleet says so.
import { AppError, ProviderError } from '../../errors.ts';
import type { RemoteKey, RemoteScope } from '../../model.ts';
import type { KeyFact, TwinPlan } from '../types.ts';
import { limitedTo } from './parse.ts';

/** What a twin needs from the read model; deepset's reference does not promise any of them (UNCERTAIN). */
const NEEDED: Array<[field: string, words: string]> = [
  ['personal', 'type (personal or service)'],
  ['organization_role', 'organization role'],
  ['role_id', 'workspace role'],
];

function roleWords(raw: Record<string, unknown>, roleNames: ReadonlyMap<string, string>): string {
  const id = typeof raw.role_id === 'string' ? raw.role_id : null;
  if (!id) return 'deepset’s default (the role of whoever creates the key)';
  return roleNames.get(id) ?? (typeof raw.workspaceRoleName === 'string' ? raw.workspaceRoleName : `role ${id}`);
}

export function twinPlanOf(key: RemoteKey, scopes: RemoteScope[], organizationId: string, roleNames: ReadonlyMap<string, string>): TwinPlan {
  const { raw } = key;
  const inWorkspace = key.scopeId !== organizationId;
  const missing = NEEDED.filter(([field]) => !(field in raw)).map(([, words]) => words);
  if (!inWorkspace && raw.all_workspaces !== true && !Array.isArray(raw.workspaces)) missing.push('workspaces');
  if (missing.length > 0) {
    throw new AppError(
      'unsupported',
      `deepset does not report this key’s ${missing.join(', ')}, so Keyfleet cannot make a replacement with the same access. Create the replacement in deepset, then delete this key.`,
    );
  }
  const workspaces = scopes.filter((s) => s.kind === 'workspace');
  let limited: RemoteScope[];
  if (inWorkspace) {
    const own = workspaces.find((w) => w.id === key.scopeId);
    if (!own) throw new ProviderError('conflict', 'This key’s workspace no longer exists; create its replacement by hand.');
    limited = [own];
  } else {
    const names = limitedTo(raw, (id) => workspaces.find((w) => w.raw.workspace_id === id)?.name);
    limited = names ? workspaces.filter((w) => names.includes(w.name)) : [];
    // Never widen access: a twin of a key limited to workspaces that are gone would reach all of them.
    if (names && limited.length === 0) {
      throw new ProviderError('conflict', 'This key is limited to workspaces that no longer exist; create its replacement by hand.');
    }
  }
  const roleId = typeof raw.role_id === 'string' && raw.role_id ? raw.role_id : undefined;
  const keeps = [
    `Type: ${raw.personal === true ? 'personal' : 'service'}`,
    `Organization role: ${String(raw.organization_role)}`,
    `Workspace role: ${roleWords(raw, roleNames)}`,
    `Workspaces: ${limited.length > 0 ? limited.map((w) => w.name).join(', ') : 'all, including ones created later'}`,
  ];
  if (inWorkspace) keeps.push('Made as an organization key limited to this workspace: deepset documents no way to create a key inside a workspace.');
  return {
    scopeId: organizationId,
    name: typeof raw.name === 'string' ? raw.name : '',
    ...(typeof raw.organization_role === 'string' ? { role: raw.organization_role } : {}),
    scopes: limited,
    ...(roleId ? { fields: { workspaceRole: roleId } } : {}),
    keeps,
  };
}

/** The workspace role and workspaces of a key, as its details show them. */
export function describeDeepsetKey(key: RemoteKey): KeyFact[] {
  const { raw } = key;
  const facts: KeyFact[] = [];
  if ('role_id' in raw) facts.push({ label: 'Workspace role', value: roleWords(raw, new Map()) });
  if (raw.all_workspaces === true) facts.push({ label: 'Workspaces', value: 'all, including ones created later' });
  else {
    const names = limitedTo(raw, (id) => id);
    if (names) facts.push({ label: 'Workspaces', value: names.join(', ') });
  }
  return facts;
}
