// What a backend can do, per action and per key type: the create form and the UI's honesty
// about native, composed and unavailable actions are built from it.
import type { Choice, ProviderKind } from './common.ts';

export type ActionName = 'create' | 'rename' | 'rotate' | 'activate' | 'deactivate' | 'delete';
export type ActionMode = 'native' | 'composed' | 'unavailable';

export interface ActionSupport {
  mode: ActionMode;
  /** Why it is composed or unavailable, in the user's words; shown as a tooltip. */
  note?: string;
}

/**
 * A further field of a key type, offered from the backend's own list: env zero teams, a LangWatch
 * personal key's owner, Onyx token scopes, a deepset workspace role. Its value travels in
 * keys.create's `fields` under its id.
 */
export interface KeyField {
  id: string;
  label: string;
  /** One choice, or several (checkboxes). */
  multiple: boolean;
  options: Choice[];
  default?: string | string[];
  /** One choice that must be made (no "unset"). */
  required?: boolean;
  hint?: string;
  /** What leaving it unset (one) or choosing none (several) means. */
  emptyMeans?: string;
  /** Only offered while the main role is one of these (env zero teams: not with Admin). */
  whenRoles?: string[];
}

export interface KeyTypeOption {
  id: string;
  label: string;
  /** Scope kinds a key of this type can be created in (the form's "Where"). */
  scopeKinds: string[];
  hint?: string;
  name: { required: boolean; maxLength: number };
  description: { supported: boolean; maxLength: number };
  /** The key's main role (organization role, Onyx role…); absent when the type has none. */
  role?: { label: string; options: Choice[]; default?: string; hint?: string };
  /** Roles on further scopes: env zero project roles, LangWatch bindings. */
  grants?: {
    label: string;
    scopeKinds: string[];
    roles: Choice[];
    min: number;
    max: number;
    hint?: string;
    /** Only offered while the main role is one of these (env zero: not with Admin). */
    whenRoles?: string[];
  };
  /** Scopes the key is limited to (LangWatch service projects, deepset workspaces). */
  scopeSet?: {
    label: string;
    scopeKinds: string[];
    max: number;
    hint?: string;
    emptyMeans: string;
    emptyIsWarning: boolean;
    /** Offered only when the key is created in a scope of these kinds (default: always). */
    forScopeKinds?: string[];
  };
  /** Groups the key joins (Onyx on group-based servers). */
  groups?: { label: string; options: Choice[]; hint?: string; emptyMeans: string };
  /** Further fields this backend offers for keys of this type. */
  fields?: KeyField[];
  expiry: 'unsupported' | 'optional' | 'required';
  /** When the backend counts expiry in whole days (Onyx personal access tokens). */
  expiryInDays?: { max: number };
  /** How precise the backend's last-use time is, when it is coarse (shown beside it). */
  lastUseNote?: string;
  /** Where keys of this type differ from the backend's actions (e.g. a token that cannot be renamed). */
  actions?: Partial<Record<ActionName, ActionSupport>>;
}

/** What the create form offers for one connection; the form is built from it. */
export interface CreateFormSpec {
  types: KeyTypeOption[];
}

/** What the connection form needs to know about a backend kind. */
export interface BackendInfo {
  kind: ProviderKind;
  displayName: string;
  supported: boolean;
  credential: {
    type: 'key-pair' | 'token';
    /** Field labels in the backend's own words ("API key ID", "Access key"…). */
    labels: { accessKey?: string; secretKey?: string; token?: string };
    hint: string;
    /** Kinds of credential the backend accepts, when it matters which (deepset). */
    kinds?: Choice[];
  };
  baseUrl: { placeholder: string; presets: Choice[]; hint: string };
  /** What the backend calls the thing a connection targets when a key reaches several. */
  targetLabel?: string;
  /** Switches for how to reach the backend (Onyx: send the key as X-Onyx-Authorization), off by default. */
  options?: Array<{ id: string; label: string; hint: string }>;
}

export interface Capabilities {
  actions: Record<ActionName, ActionSupport>;
  createForm: CreateFormSpec;
}
