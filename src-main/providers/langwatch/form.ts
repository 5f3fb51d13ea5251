// What LangWatch can do with organization API keys, per API era, said honestly: ≤ v3.12 (era A)
// lists, creates and revokes; ≥ v3.13 (era B) also renames in place. Neither regenerates nor
// deactivates. The create form offers personal keys (role bindings) and service keys (projects).
import type { ActionSupport, Capabilities, Choice, KeyTypeOption } from '../../../src-preload/contract.ts';
import type { ConnectionSettings } from '../../model.ts';

export type Era = 'A' | 'B';

export function eraOf(settings: ConnectionSettings | undefined): Era | undefined {
  const era = settings?.era;
  return era === 'A' || era === 'B' ? era : undefined;
}

/** The roles a form offers for a binding; CUSTOM needs a permission list only a rotation carries over. */
export const FORM_ROLES: ReadonlySet<string> = new Set(['ADMIN', 'MEMBER', 'VIEWER']);

const ROLES: Choice[] = [
  { id: 'ADMIN', label: 'Admin', hint: 'Manage everything in the scope, including its settings and members.' },
  { id: 'MEMBER', label: 'Member', hint: 'Work in the scope: traces, datasets, prompts, evaluations.' },
  { id: 'VIEWER', label: 'Viewer', hint: 'Read only.' },
];

const TEXT = {
  name: { required: true, maxLength: 100 },
  description: { supported: true, maxLength: 500 },
  expiry: 'optional' as const,
};

export const SERVICE_EMPTY = 'Without projects, a service key gets organization-wide ADMIN.';

const PERSONAL: KeyTypeOption = {
  id: 'personal',
  label: 'Personal key',
  scopeKinds: ['organization'],
  hint: 'Acts as its owner (the connection’s user unless you choose another member, which needs an organization admin): each binding is capped by the owner’s own access, and the key stops working if the owner is deactivated.',
  ...TEXT,
  grants: {
    label: 'Role bindings',
    scopeKinds: ['organization', 'team', 'project'],
    roles: ROLES,
    // LangWatch needs at least one binding; createKey checks it, counting the CUSTOM bindings a
    // rotation carries for a restricted key, which this form does not show.
    min: 0,
    max: 20,
    hint: 'At least one: what the key may do, and where. Custom permission sets (LangWatch’s CUSTOM role) are not offered here.',
  },
};

const SERVICE: KeyTypeOption = {
  id: 'service',
  label: 'Service key',
  scopeKinds: ['organization'],
  hint: 'Not tied to a person, for CI and automation. Only organization admins can create one.',
  ...TEXT,
  scopeSet: {
    label: 'Projects',
    scopeKinds: ['project'],
    max: 50,
    hint: 'The key gets ADMIN on each chosen project.',
    emptyMeans: SERVICE_EMPTY,
    emptyIsWarning: true,
  },
};

const RENAME: Record<Era, ActionSupport> = {
  A: {
    mode: 'composed',
    note: 'This LangWatch server (v3.12 or older) cannot rename a key. Keyfleet keeps the new name as a label on this computer only; LangWatch keeps the original name.',
  },
  B: { mode: 'native', note: 'LangWatch renames a key and changes its description in place; the key itself stays the same.' },
};

const ROTATE: Record<Era, ActionSupport> = {
  A: {
    mode: 'composed',
    note: 'LangWatch cannot regenerate a key. Keyfleet creates a twin with the same bindings, shows it once, then revokes the old key. This server (v3.12 or older) does not say whether a key is personal or service; Keyfleet takes a key bound only as ADMIN on projects for a service key and any other for your personal key.',
  },
  B: {
    mode: 'composed',
    note: 'LangWatch cannot regenerate a key. Keyfleet creates a twin of the same type, owner, bindings and permission mode (a restricted key’s permissions too), shows it once, then revokes the old key.',
  },
};

const NO_STATE = 'LangWatch keys cannot be deactivated; they can only be revoked, which is permanent.';

export function langwatchCapabilities(era: Era | undefined): Capabilities {
  // Until the era is known (a connection being added), promise only what both eras do.
  const e = era ?? 'A';
  return {
    actions: {
      create: { mode: 'native' },
      rename: RENAME[e],
      rotate: ROTATE[e],
      activate: { mode: 'unavailable', note: NO_STATE },
      deactivate: { mode: 'unavailable', note: NO_STATE },
      delete: { mode: 'native', note: 'Revoking is permanent: LangWatch never reactivates a revoked key, and drops it from its list.' },
    },
    createForm: { types: [PERSONAL, SERVICE] },
  };
}
