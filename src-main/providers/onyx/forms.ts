// What Onyx can do and what its create form asks, per connection: service-account keys with a role
// (≤ v4.6) or with groups (main), and the connecting user's personal access tokens — offered for
// creation only where the user may create them (on main, a group must grant it).
import type { Capabilities, Choice, KeyTypeOption } from '../../../src-preload/contract.ts';
import type { Variant } from './parse.ts';

/** What verify() settled about a connection, kept in its settings. */
export interface OnyxSettings {
  variant: Variant;
  /** Which kind of credential the connection signs in with. */
  credential: 'api-key' | 'pat';
  /** Whether that credential may manage service-account keys (admin). */
  serviceAccounts: boolean;
  /** Whether the connecting user may create personal access tokens (on main, `create:user_api_keys`). */
  tokens?: boolean;
  /** Whether the connecting user is an Onyx admin: their unscoped tokens can do everything. */
  admin?: boolean;
  /** Send the credential as X-Onyx-Authorization, for a proxy that keeps Authorization for itself. */
  onyxHeader?: boolean;
}

/**
 * A service account's user has the email `api_key__{name}@{uuid}onyxapikey.ai` in a VARCHAR(320)
 * column: 59 characters besides the name, so a longer name makes Onyx answer 500.
 */
export const KEY_NAME_MAX = 261;

/** The scopes a token may be limited to (GET /api/user/pats/scopes), when the server does not say. */
export const PAT_SCOPES: Choice[] = [
  { id: 'read:search', label: 'Search: read', hint: 'Use search and query endpoints.' },
  { id: 'read:chat', label: 'Chat: read', hint: 'View chat sessions and messages.' },
  { id: 'write:chat', label: 'Chat: write', hint: 'Create sessions and send messages.' },
  { id: 'use:llm_gateway', label: 'LLM Gateway: use', hint: 'Call the LLM gateway from external tools (Enterprise).' },
];

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
    name: { required: false, maxLength: KEY_NAME_MAX },
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

const NO_TOKENS =
  'Your Onyx groups do not allow creating personal access tokens (the “Create User Access Token” permission); an Onyx admin can grant it to one of your groups. Existing tokens can still be revoked.';

/** Tokens the user may not create are listed and revoked, never offered for creation or rotation. */
const PAT_LISTED_ONLY: KeyTypeOption = {
  ...PAT_TYPE,
  scopeKinds: [],
  hint: NO_TOKENS,
  actions: { ...PAT_TYPE.actions, rotate: { mode: 'unavailable', note: NO_TOKENS } },
};

export function formTypes(settings: Partial<OnyxSettings>, groups: Choice[] = [], scopes: Choice[] = PAT_SCOPES): KeyTypeOption[] {
  const types: KeyTypeOption[] = [];
  if (settings.serviceAccounts !== false) types.push(apiKeyType(settings.variant ?? 'groups', groups));
  if (settings.credential !== 'api-key') {
    types.push(
      settings.tokens === false
        ? PAT_LISTED_ONLY
        : {
            ...PAT_TYPE,
            fields: [
              {
                id: 'scopes',
                label: 'Scopes',
                multiple: true,
                options: scopes,
                hint: 'Limit what the token may call. A token with scopes can never manage keys or other tokens.',
                emptyMeans: 'No scope: the token can do everything you can.',
              },
            ],
          },
    );
  }
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
  if (typeof raw?.tokens === 'boolean') out.tokens = raw.tokens;
  if (typeof raw?.admin === 'boolean') out.admin = raw.admin;
  if (raw?.onyxHeader === true) out.onyxHeader = true;
  return out;
}
