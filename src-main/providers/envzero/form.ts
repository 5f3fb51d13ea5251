// What env zero can do with its API keys, said honestly: create and delete are native; there is
// no rename, regenerate or deactivate; a deleted key may keep authenticating for up to an hour.
// The create form offers the organization roles (Admin, User and the organization's custom
// roles) and, for any role but Admin, a role per project (built in or custom) and teams.
import type { Capabilities, Choice, CreateFormSpec } from '../../../src-preload/contract.ts';

export const KEY_TYPE = 'organization';

const NO_STATE = 'env zero keys cannot be deactivated or reactivated; they can only be deleted.';

const PROJECT_ROLE_CHOICES: Choice[] = [
  { id: 'Admin', label: 'Admin', hint: 'Manage the project, its settings and environments.' },
  { id: 'Deployer', label: 'Deployer', hint: 'Deploy and approve environments.' },
  { id: 'Planner', label: 'Planner', hint: 'Run plans; cannot apply.' },
  { id: 'Viewer', label: 'Viewer', hint: 'Read only.' },
];

export interface CustomRole {
  id: string;
  name: string;
}

export function createFormFor(customRoles: CustomRole[], teams: Array<{ id: string; name: string }> = []): CreateFormSpec {
  const custom: Choice[] = customRoles.map((r) => ({ id: r.id, label: `${r.name} (custom role)`, hint: 'A custom role defined in env zero.' }));
  const notAdmin = ['User', ...customRoles.map((r) => r.id)];
  return {
    types: [
      {
        id: KEY_TYPE,
        label: 'Organization API key',
        scopeKinds: ['organization'],
        hint: 'Not tied to a person. env zero shows its ID and secret once; both are needed to use it.',
        name: { required: true, maxLength: 255 },
        description: { supported: false, maxLength: 0 },
        role: {
          label: 'Organization role',
          default: 'Admin',
          options: [
            { id: 'Admin', label: 'Admin', hint: 'Organization admin: every permission, including managing API keys.' },
            { id: 'User', label: 'User', hint: 'Treated like a user: only what its project roles allow.' },
            ...custom,
          ],
        },
        grants: {
          label: 'Project roles',
          scopeKinds: ['project'],
          // env zero's custom roles serve as organization and as project roles alike.
          roles: [...PROJECT_ROLE_CHOICES, ...custom],
          min: 0,
          max: 100,
          hint: 'The projects this key may work in, and its role in each. An Admin key needs none: it reaches every project.',
          whenRoles: notAdmin,
        },
        fields: [
          {
            id: 'teamIds',
            label: 'Teams',
            multiple: true,
            options: teams.map((t) => ({ id: t.id, label: t.name })),
            hint: 'The key joins these teams like a user and holds what they grant.',
            emptyMeans: 'No team: only its own project roles.',
            whenRoles: notAdmin,
          },
        ],
        expiry: 'unsupported',
      },
    ],
  };
}

export const envZeroCapabilities: Capabilities = {
  actions: {
    create: { mode: 'native' },
    rename: {
      mode: 'composed',
      note: 'env zero cannot rename an API key. Keyfleet keeps the new name as a label on this computer only; env zero keeps the original name.',
    },
    rotate: {
      mode: 'composed',
      note: 'env zero cannot regenerate a secret. Keyfleet creates a twin key with the same roles, project roles and teams, shows its ID and secret once, then deletes the old key, which env zero may keep accepting for up to an hour.',
    },
    activate: { mode: 'unavailable', note: NO_STATE },
    deactivate: { mode: 'unavailable', note: NO_STATE },
    delete: {
      mode: 'native',
      note: 'env zero caches a successful sign-in for up to an hour, so a deleted key may keep working until then.',
    },
  },
  createForm: createFormFor([]),
};
