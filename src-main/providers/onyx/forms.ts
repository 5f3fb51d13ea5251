// What Onyx can do and what its create form asks, per connection: service-account keys with a role
// (≤ v4.6) or with groups (main), and the connecting user's personal access tokens.
import type { Capabilities, Choice, KeyTypeOption } from '../../../src-preload/contract.ts';
import type { Variant } from './parse.ts';

/** What verify() settled about a connection, kept in its settings. */
export interface OnyxSettings {
  variant: Variant;
  /** Which kind of credential the connection signs in with. */
  credential: 'api-key' | 'pat';
  /** Whether that credential may manage service-account keys (admin). */
  serviceAccounts: boolean;
}

/** Longest PAT lifetime Keyfleet offers; Onyx itself sets none, but far dates break its datetime. */
export const PAT_MAX_DAYS = 3650;

export const ROLE_OPTIONS: Choice[] = [
  { id: 'admin', label: 'Admin', hint: 'Every endpoint, including admin ones. Use with caution: full control of this Onyx.' },
  { id: 'basic', label: 'Basic', hint: 'Non-admin endpoints: search, chat, agents and actions. Recommended for most applications.' },
  { id: 'limited', label: 'Limited', hint: 'Read-only agent access: can post messages to chat endpoints, but cannot read chat history.' },
];

const NO_TEXT = { supported: false, maxLength: 0 };

export function apiKeyType(variant: Variant, groups: Choice[]): KeyTypeOption {
  const type: KeyTypeOption = {
    id: 'api-key',
    label: 'Service account API key',
    scopeKinds: ['tenant'],
    hint: 'The key is its own service-account user in Onyx, with the permissions of its ' + (variant === 'roles' ? 'role.' : 'groups.'),
    name: { required: false, maxLength: 512 },
    description: NO_TEXT,
    expiry: 'unsupported',
  };
  if (variant === 'roles') {
    type.role = { label: 'Role', options: ROLE_OPTIONS, default: 'basic' };
  } else {
    type.groups = {
      label: 'Groups',
      options: groups,
      hint: 'The key gets the permissions of the groups it joins; the Admin group makes it an admin key.',
      emptyMeans: 'No group: a limited key (it can post to chat endpoints, nothing more).',
    };
  }
  return type;
}

export const PAT_TYPE: KeyTypeOption = {
  id: 'pat',
  label: 'Personal access token',
  scopeKinds: ['user'],
  hint: 'Acts as you, with all of your permissions. Onyx cannot rename or regenerate a token: create a new one and revoke the old.',
  name: { required: true, maxLength: 100 },
  description: NO_TEXT,
  expiry: 'optional',
  expiryInDays: { max: PAT_MAX_DAYS },
  // Onyx writes last_used_at fire-and-forget, at most once every 5 minutes per token.
  lastUseNote: 'Onyx records a token’s use at most once every 5 minutes: it may have been used up to 5 minutes after this.',
  actions: {
    rename: { mode: 'unavailable', note: 'Onyx cannot rename a personal access token.' },
    rotate: { mode: 'composed', note: 'Onyx cannot regenerate a token: Keyfleet creates a new one, shows it once, then revokes the old.' },
    delete: { mode: 'native', note: 'Revokes the token: it stops working at once.' },
  },
};

export function formTypes(settings: Partial<OnyxSettings>, groups: Choice[] = []): KeyTypeOption[] {
  const types: KeyTypeOption[] = [];
  if (settings.serviceAccounts !== false) types.push(apiKeyType(settings.variant ?? 'groups', groups));
  if (settings.credential !== 'api-key') types.push(PAT_TYPE);
  return types;
}

export function onyxCapabilities(settings: Partial<OnyxSettings>): Capabilities {
  const noState = 'Onyx keys have no inactive state: a key works until it is deleted (a token until it is revoked or expires).';
  return {
    actions: {
      create: { mode: 'native' },
      rename: {
        mode: 'native',
        note: 'Onyx replaces a key’s name, role and groups together; Keyfleet sends the current role or groups along, so a rename changes nothing else. Personal access tokens cannot be renamed.',
      },
      rotate: {
        mode: 'native',
        note: 'Onyx regenerates in place: the old secret stops working at once. Personal access tokens cannot be regenerated.',
      },
      activate: { mode: 'unavailable', note: noState },
      deactivate: { mode: 'unavailable', note: noState },
      delete: {
        mode: 'native',
        note: 'Deleting a service-account key also deletes its service-account user in Onyx; deleting a personal access token revokes it. Either stops working at once.',
      },
    },
    createForm: { types: formTypes(settings) },
  };
}

/** Settings as stored (strings and booleans), read back without trusting them blindly. */
export function readSettings(raw: Readonly<Record<string, string | boolean>> | undefined): Partial<OnyxSettings> {
  const out: Partial<OnyxSettings> = {};
  if (raw?.variant === 'roles' || raw?.variant === 'groups') out.variant = raw.variant;
  if (raw?.credential === 'api-key' || raw?.credential === 'pat') out.credential = raw.credential;
  if (typeof raw?.serviceAccounts === 'boolean') out.serviceAccounts = raw.serviceAccounts;
  return out;
}
