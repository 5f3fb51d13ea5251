// What a deepset connection can do, honestly: create and delete natively (with a user access
// token only), rename as a local label, rotate as a composed twin-then-delete, no deactivation.
import type { Capabilities, Choice, KeyTypeOption } from '../../../src-preload/contract.ts';
import type { ConnectionSettings } from '../../model.ts';
import { NAME_MAX_LENGTH } from './api.ts';
import { READ_ONLY_NOTE } from './credential.ts';

export const ORGANIZATION_ROLES: Choice[] = [
  { id: 'ADMIN', label: 'Admin', hint: 'Everything in the organization, including users and API keys.' },
  { id: 'MEMBER', label: 'Member', hint: 'Works in the workspaces it is given; no organization settings.' },
  { id: 'EXTERNAL', label: 'External', hint: 'Limited access for people or systems outside the organization.' },
];

const COMMON: Omit<KeyTypeOption, 'id' | 'label' | 'hint'> = {
  scopeKinds: ['organization', 'workspace'],
  name: { required: false, maxLength: NAME_MAX_LENGTH },
  description: { supported: false, maxLength: 0 },
  role: {
    label: 'Organization role',
    options: ORGANIZATION_ROLES,
    default: 'MEMBER',
  },
  scopeSet: {
    label: 'Workspaces',
    scopeKinds: ['workspace'],
    max: 500,
    hint: 'Limit the organization key to these workspaces.',
    emptyMeans: 'Every workspace, including ones created later.',
    emptyIsWarning: false,
    forScopeKinds: ['organization'],
  },
  expiry: 'optional',
};

const TYPES: KeyTypeOption[] = [
  {
    id: 'service',
    label: 'Service key',
    hint: 'Not tied to a user; search history shows the key’s name as the actor. For production systems.',
    ...COMMON,
  },
  {
    id: 'personal',
    label: 'Personal key',
    hint: 'Tied to your user account; it stops working if you leave the organization.',
    ...COMMON,
  },
];

const NO_STATE_CHANGE = 'deepset keys cannot be deactivated or reactivated; delete a key to revoke it.';

/** The form with the workspace roles a key may get (role_id); unset, deepset gives its creator's. */
export function typesWithRoles(roles: Choice[]): KeyTypeOption[] {
  return TYPES.map((type) => ({
    ...type,
    fields: [
      {
        id: 'workspaceRole',
        label: 'Workspace role',
        multiple: false,
        options: roles,
        hint: 'What the key may do in its workspaces (Editor, Search user, or a custom role).',
        emptyMeans: 'deepset’s default: your own workspace role.',
      },
    ],
  }));
}

export function deepsetCapabilities(settings: ConnectionSettings): Capabilities {
  const readOnly = settings.readOnly === true;
  const managed = (note?: string) => (readOnly ? { mode: 'unavailable' as const, note: READ_ONLY_NOTE } : { mode: 'native' as const, note });
  return {
    actions: {
      create: managed(),
      rename: {
        mode: 'composed',
        note: 'deepset cannot rename a key: the name you give here is a label kept in Keyfleet only.',
      },
      rotate: readOnly
        ? { mode: 'unavailable', note: READ_ONLY_NOTE }
        : {
            mode: 'composed',
            note: 'deepset cannot regenerate a key: Keyfleet creates a twin (same type, workspaces, organization and workspace role; an expiry you confirm), shows its secret once, then deletes the old key.',
          },
      activate: { mode: 'unavailable', note: NO_STATE_CHANGE },
      deactivate: { mode: 'unavailable', note: NO_STATE_CHANGE },
      delete: managed('Deleting revokes the key in deepset; there is no undo.'),
    },
    createForm: { types: TYPES },
  };
}
