// The one contract between the renderer and the core: every channel (name, zod input schema,
// output type) and every event (name, payload type). The renderer imports only types from here;
// the main side validates every input against these schemas before a handler sees it.
import { z } from 'zod';

// ---------------------------------------------------------------- model (provider-neutral)

export const PROVIDER_KINDS = ['rancher', 'envzero', 'langwatch', 'onyx', 'deepset'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const ERROR_KINDS = [
  // backend failures (ARCHITECTURE.md rule 6)
  'auth',
  'forbidden',
  'not-found',
  'conflict',
  'invalid',
  'rate-limited',
  'unavailable',
  'timeout',
  'bad-response',
  'tls',
  'network',
  // local failures
  'validation',
  'keychain',
  'unsupported',
  'cancelled',
  'locked',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** What crosses the boundary when a call fails. Never carries a secret. */
export interface AppErrorShape {
  kind: ErrorKind;
  message: string;
  /** Field-level messages (form field name → message), for validation and backend 4xx. */
  fields?: Record<string, string>;
  /** For rate-limited: how long the backend asked us to wait. */
  retryAfterMs?: number;
  /** When the user must pick one of several (e.g. which organization a key should manage). */
  choices?: Choice[];
}

export interface Choice {
  id: string;
  label: string;
  hint?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export type KeyStatus = 'active' | 'inactive' | 'pending' | 'revoked' | 'expired';
export type KeyCategory = 'personal' | 'service';
export type ActionName = 'create' | 'rename' | 'rotate' | 'activate' | 'deactivate' | 'delete';
export type ActionMode = 'native' | 'composed' | 'unavailable';

export interface ActionSupport {
  mode: ActionMode;
  /** Why it is composed or unavailable, in the user's words; shown as a tooltip. */
  note?: string;
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
  expiry: 'unsupported' | 'optional' | 'required';
  /** When the backend counts expiry in whole days (Onyx personal access tokens). */
  expiryInDays?: { max: number };
  /** Overrides Capabilities.tracksLastUse for keys of this type. */
  tracksLastUse?: boolean;
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
}

export interface Capabilities {
  actions: Record<ActionName, ActionSupport>;
  createForm: CreateFormSpec;
  /** The backend reports when a key was last used (so "never used" and "idle" mean something). */
  tracksLastUse?: boolean;
}

export interface ConnectionView {
  id: string;
  kind: ProviderKind;
  name: string;
  baseUrl: string;
  color: string;
  createdAt: number;
  /** Who the connection's credential belongs to, as the backend reported it. */
  account: { id: string; name: string } | null;
  /** The organization this connection manages, when the credential reaches several. */
  target: { id: string; name: string } | null;
  /** The credential may list keys but not manage them. */
  readOnly: boolean;
  hasCustomCa: boolean;
  lastSync: {
    at: number;
    result: SyncResult;
    error: AppErrorShape | null;
  } | null;
  /** Time of the last successful sync: the "as of" of the cached inventory. */
  lastSuccessAt: number | null;
  syncing: boolean;
  /**
   * offline: the last sync could not reach the backend (Keyfleet retries by itself); the cached
   * inventory stays reviewable and actions that need the backend are disabled.
   */
  reachability: 'online' | 'offline' | 'unknown';
  capabilities: Capabilities;
}

export interface ScopeView {
  connectionId: string;
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
  keyCount: number;
}

export interface KeyView {
  connectionId: string;
  id: string;
  scopeId: string;
  name: string;
  description: string | null;
  type: string;
  category: KeyCategory;
  role: string | null;
  status: KeyStatus;
  /** Backend state word when it differs from the neutral status (e.g. "deactivating"). */
  statusDetail: string | null;
  /** A non-secret form the user can recognise the key by (prefix, public part, masked token). */
  maskedValue: string | null;
  createdAt: number | null;
  createdBy: string | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** A name kept in Keyfleet only, for backends that cannot rename keys. */
  localLabel: string | null;
  /** Until when Keyfleet keeps this row regardless of the backend's list, and why. */
  holdUntil: number | null;
  holdReason: 'created' | 'revoked' | null;
  /** A ghost row: when a sync found the key gone from the backend. */
  goneSince: number | null;
  /** When a sync last saw the key on the backend. */
  lastSeenAt: number;
}

export interface KeyDetail extends KeyView {
  /** The backend's own fields for this key, with secret fields removed. */
  raw: Record<string, unknown>;
}

/** One line of a key's history: what a sync saw change, or what Keyfleet did. */
export interface KeyChangeView {
  at: number;
  source: 'sync' | 'keyfleet';
  change: 'added' | 'removed' | 'changed';
  /** field → [before, after], for 'changed' */
  fields: Record<string, [unknown, unknown]>;
}

/** A line of the local action journal: what Keyfleet did to a backend, and how it went. */
export interface AuditEntryView {
  id: number;
  at: number;
  action: string;
  connectionId: string | null;
  connectionName: string | null;
  keyId: string | null;
  result: 'ok' | 'failed';
  detail: string | null;
}

export const HEALTH_KINDS = ['never-used', 'idle', 'no-expiry', 'expiring', 'too-old', 'privileged', 'policy'] as const;
export type HealthKind = (typeof HEALTH_KINDS)[number];

/** Counts of active keys per health concern, across the chosen connections. */
export interface HealthView {
  total: number;
  idleDays: number;
  counts: {
    neverUsed: number;
    idle: number;
    noExpiry: number;
    expiring7: number;
    expiring30: number;
    expiring60: number;
    tooOld: number;
    privileged: number;
    policy: number;
  };
}

/** Client-side rules for one organization, checked in create forms and flagged in the inventory. */
export interface PolicyView {
  connectionId: string;
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
  noAdminKeys: boolean;
}

export type BulkAction = 'deactivate' | 'activate' | 'delete';

/** The exact set a bulk action would touch, before anything is done (the dry run). */
export interface BulkPlanView {
  planId: string;
  action: BulkAction;
  /** Keys the action will be attempted on. */
  count: number;
  items: Array<{ connectionId: string; connectionName: string; keyId: string; name: string; status: KeyStatus }>;
  /** Keys matching the filter that the action cannot apply to, and why. */
  skipped: Array<{ connectionId: string; keyId: string; name: string; reason: string }>;
}

export interface BulkResultView {
  action: BulkAction;
  succeeded: number;
  failed: number;
  results: Array<{ connectionId: string; keyId: string; name: string; ok: boolean; error: string | null }>;
}

export interface KeyPage {
  rows: KeyView[];
  total: number;
  offset: number;
}

export type SyncResult = 'running' | 'ok' | 'failed' | 'cancelled';

export interface SyncRunView {
  id: number;
  connectionId: string;
  startedAt: number;
  finishedAt: number | null;
  result: SyncResult;
  error: AppErrorShape | null;
  scopes: number;
  keys: number;
  added: number;
  removed: number;
  changed: number;
}

export interface RevealField {
  label: string;
  value: string;
  /** true for the part that is shown only this once */
  secret: boolean;
}

export interface RevealView {
  slotId: string;
  title: string;
  fields: RevealField[];
  /** e.g. "Rancher shows the secret key only once." */
  note: string;
  /** When the window showing it must clear it (a countdown runs while it is open). */
  clearsAt: number;
  /** A new key, or a new secret for an existing key. */
  event?: 'created' | 'regenerated';
  /** The key this secret belongs to, and the key it replaces after a rotation (for the vault). */
  source?: { connectionId: string; keyId: string; replacesKeyId: string | null };
}

export type RotationStep =
  | 'creating'
  | 'awaiting-reveal'
  | 'revealed'
  | 'deployed'
  | 'retire-scheduled'
  | 'retiring'
  | 'done'
  | 'cancelled'
  | 'failed';

/** A rotation in progress or finished: native regenerate, or twin → reveal → deployed? → retire old. */
export interface RotationView {
  operationId: string;
  connectionId: string;
  oldKeyId: string;
  oldKeyName: string;
  newKeyId: string | null;
  mode: 'native' | 'composed';
  step: RotationStep;
  /** How the old key is retired in a composed rotation. */
  retire: 'deactivate' | 'delete' | null;
  retireAt: number | null;
  /** Only in the answer that issued the new secret. */
  revealSlotId: string | null;
  error: string | null;
  startedAt: number;
}

/** A new secret that was issued but never shown (after a crash, a quit or a missed window). */
export interface PendingRevealView {
  operationId: string;
  connectionId: string;
  keyId: string | null;
  /** create or rotate */
  kind: string;
  at: number;
}

/** One line of "what changed since": a sync's finding or a change Keyfleet made. */
export interface ChangeRowView {
  id: number;
  at: number;
  connectionId: string;
  connectionName: string;
  keyId: string;
  keyName: string;
  source: 'sync' | 'keyfleet';
  change: 'added' | 'removed' | 'changed';
  fields: Record<string, [unknown, unknown]>;
}

export interface VaultEntryView {
  id: string;
  name: string;
  /** A backend kind, or any service name. */
  service: string;
  url: string | null;
  notes: string | null;
  expiresAt: number | null;
  tags: string[];
  /** What the entry holds; values only through vault.reveal or vault.copy. */
  fields: Array<{ label: string; secret: boolean }>;
  /** The remote key this is a copy of, with its cached status, expiry and last use. */
  link: { connectionId: string; keyId: string; connectionName: string | null; key: KeyView | null } | null;
  verifiedAt: number | null;
  verifyResult: 'valid' | 'revoked' | 'expired' | 'unreachable' | null;
  /** Linked to a connected backend whose credential shape the entry's fields fill. */
  verifiable: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface VaultStatus {
  locked: boolean;
  autoLockMinutes: number;
  /** How unlocking asks who you are: the OS where it can, else a confirmation. */
  unlock: 'os' | 'confirm';
  keychain: { available: boolean; message: string | null };
}

export interface AppStatus {
  version: string;
  dataDir: string;
  /** review: a copy of a data dir opened read-only, without credentials; nothing can change. */
  mode: 'normal' | 'review';
  /** development: a source checkout or the web harness, where the sandbox backends exist. */
  build: 'development' | 'release';
  /** The OS the core runs on (node's process.platform), for platform-specific advice. */
  platform: string;
  keychain: { available: boolean; message: string | null };
}

/** A round trip through the OS keychain: a throwaway item written, read back and deleted. */
export interface KeychainCheck {
  available: boolean;
  /** What went wrong, in a person's words; null when the round trip worked. */
  message: string | null;
  /** Steps that usually fix it on this platform (empty when it works). */
  fix: string[];
  platform: string;
  checkedAt: number;
}

/** What the user can set (stored in SQLite, never a secret). */
export interface AppSettings {
  /** Background sync of every connection; 0 turns it off. */
  syncIntervalMinutes: number;
  /** Idle minutes before the vault locks. */
  autoLockMinutes: number;
  /** How long a copied secret stays on the clipboard (if it is still ours). */
  clipboardClearSeconds: number;
  /** Days before a key's expiry at which an OS notification reminds of it, once per threshold. */
  expiryReminderDays: number[];
  /** The first-run welcome was put away. */
  welcomeDismissed: boolean;
}

export interface SettingsView {
  values: AppSettings;
  defaults: AppSettings;
  /** Where Keyfleet keeps its data; chosen at start (KEYFLEET_DATA_DIR), shown, never moved. */
  dataDir: string;
  databaseFile: string;
}

// ---------------------------------------------------------------- input schemas

const id = z.string().min(1).max(256);
const connectionId = z.uuid();
const name = z.string().trim().min(1).max(512);
const empty = z.strictObject({});

const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address without credentials in it');

const pem = z
  .string()
  .max(256 * 1024)
  .refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), 'must be a PEM certificate bundle');

export const credentialSchema = z.union([
  z.strictObject({
    type: z.literal('key-pair'),
    accessKey: z.string().trim().min(1).max(512),
    secretKey: z.string().min(1).max(4096),
  }),
  z.strictObject({ type: z.literal('token'), token: z.string().trim().min(1).max(8192) }),
]);
export type CredentialInput = z.infer<typeof credentialSchema>;

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #3b82f6');

const keyRef = z.strictObject({ connectionId, keyId: id });

const sortColumns = ['name', 'type', 'status', 'createdAt', 'expiresAt', 'lastUsedAt', 'scope'] as const;
export type SortColumn = (typeof sortColumns)[number];

/** The settings form's fields, each with the message the form shows under it. */
export const settingsFields = {
  syncIntervalMinutes: z
    .int({ error: 'Enter a whole number of minutes.' })
    .min(0, { error: 'Enter 0 (off) or 5 to 1440 minutes.' })
    .max(1440, { error: 'At most 1440 minutes (a day).' })
    .refine((v) => v === 0 || v >= 5, { error: 'Enter 0 (off) or at least 5 minutes; backends should not be asked more often.' }),
  autoLockMinutes: z
    .int({ error: 'Enter a whole number of minutes.' })
    .min(1, { error: 'At least 1 minute.' })
    .max(1440, { error: 'At most 1440 minutes (a day).' }),
  clipboardClearSeconds: z
    .int({ error: 'Enter a whole number of seconds.' })
    .min(5, { error: 'At least 5 seconds, or there is no time to paste.' })
    .max(600, { error: 'At most 600 seconds (10 minutes).' }),
  expiryReminderDays: z
    .array(
      z
        .int({ error: 'Each threshold must be a whole number of days.' })
        .min(1, { error: 'Each threshold must be 1 day or more.' })
        .max(365, { error: 'Each threshold must be 365 days or fewer.' }),
      { error: 'Enter days as a list, like 60, 30, 7, 1.' },
    )
    .min(1, { error: 'Keep at least one threshold.' })
    .max(6, { error: 'At most 6 thresholds.' })
    .refine((days) => new Set(days).size === days.length, { error: 'Each threshold only once.' }),
  welcomeDismissed: z.boolean({ error: 'Must be true or false.' }),
};

// ---------------------------------------------------------------- channels

/** Phantom marker carrying a channel's output type. */
type Out<T> = { readonly __out?: T };
const out = <T>(): Out<T> => ({});

function channel<S extends z.ZodType, T>(input: S, output: Out<T>) {
  return { input, output };
}

export const channels = {
  'app.status': channel(empty, out<AppStatus>()),
  'app.backends': channel(empty, out<BackendInfo[]>()),
  'app.checkKeychain': channel(empty, out<KeychainCheck>()),

  'settings.get': channel(empty, out<SettingsView>()),
  /** Any subset of the settings; each field is checked, and all are saved together or none. */
  'settings.set': channel(
    z.strictObject({
      syncIntervalMinutes: settingsFields.syncIntervalMinutes.optional(),
      autoLockMinutes: settingsFields.autoLockMinutes.optional(),
      clipboardClearSeconds: settingsFields.clipboardClearSeconds.optional(),
      expiryReminderDays: settingsFields.expiryReminderDays.optional(),
      welcomeDismissed: settingsFields.welcomeDismissed.optional(),
    }),
    out<SettingsView>(),
  ),

  'connections.list': channel(empty, out<ConnectionView[]>()),
  'connections.add': channel(
    z.strictObject({
      kind: z.enum(PROVIDER_KINDS),
      name,
      baseUrl: httpUrl,
      color: color.optional(),
      credential: credentialSchema,
      caPem: pem.optional(),
      /** Which organization, when the credential reaches several (from the error's choices). */
      target: z.string().min(1).max(256).optional(),
      /** What kind of credential this is, for backends where it decides what it may do. */
      credentialKind: z.string().min(1).max(64).optional(),
    }),
    out<ConnectionView>(),
  ),
  'connections.remove': channel(z.strictObject({ connectionId }), out<{ removed: true }>()),

  'scopes.list': channel(z.strictObject({ connectionId }), out<ScopeView[]>()),

  'keys.list': channel(
    z.strictObject({
      connectionId: connectionId.optional(),
      scopeId: id.optional(),
      offset: z.int().min(0).max(10_000_000).default(0),
      limit: z.int().min(1).max(1000).default(200),
      query: z.string().max(256).optional(),
      sort: z
        .strictObject({ column: z.enum(sortColumns), direction: z.enum(['asc', 'desc']) })
        .optional(),
      health: z.strictObject({ kind: z.enum(HEALTH_KINDS), days: z.int().min(1).max(3650).optional() }).optional(),
    }),
    out<KeyPage>(),
  ),
  'keys.get': channel(keyRef, out<KeyDetail>()),
  'keys.history': channel(keyRef, out<KeyChangeView[]>()),
  'keys.hide': channel(keyRef, out<{ hidden: boolean }>()),
  'keys.createForm': channel(z.strictObject({ connectionId }), out<CreateFormSpec>()),
  'keys.create': channel(
    z.strictObject({
      connectionId,
      scopeId: id,
      type: z.string().min(1).max(64),
      name: z.string().trim().max(512),
      description: z.string().max(4096).optional(),
      role: z.string().min(1).max(256).optional(),
      /** Epoch milliseconds. */
      expiresAt: z.int().min(0).max(8_640_000_000_000_000).optional(),
      grants: z.array(z.strictObject({ scopeId: id, role: z.string().min(1).max(256) })).max(100).optional(),
      scopeIds: z.array(id).max(500).optional(),
      groupIds: z.array(id).max(500).optional(),
    }),
    out<{ key: KeyView; revealSlotId: string }>(),
  ),
  'rotation.start': channel(keyRef, out<RotationView>()),
  'rotation.list': channel(empty, out<RotationView[]>()),
  'rotation.confirmDeployed': channel(z.strictObject({ operationId: z.uuid() }), out<RotationView>()),
  'rotation.retire': channel(
    z.strictObject({ operationId: z.uuid(), at: z.int().min(0).max(8_640_000_000_000_000).optional() }),
    out<RotationView>(),
  ),
  'rotation.cancel': channel(z.strictObject({ operationId: z.uuid() }), out<RotationView>()),
  'keys.update': channel(
    z.strictObject({
      connectionId,
      keyId: id,
      name: z.string().trim().max(512),
      description: z.string().max(4096).nullable(),
    }),
    out<KeyView>(),
  ),
  'keys.setActive': channel(
    z.strictObject({ connectionId, keyId: id, active: z.boolean() }),
    out<KeyView>(),
  ),
  'keys.delete': channel(keyRef, out<{ deleted: true }>()),

  'bulk.plan': channel(
    z.strictObject({
      action: z.enum(['deactivate', 'activate', 'delete']),
      connectionIds: z.array(connectionId).max(100).optional(),
      scopeId: id.optional(),
      query: z.string().max(256).optional(),
      statuses: z.array(z.enum(['active', 'inactive', 'pending', 'revoked', 'expired'])).max(5).optional(),
      idleDays: z.int().min(1).max(36_500).optional(),
    }),
    out<BulkPlanView>(),
  ),
  'bulk.run': channel(z.strictObject({ planId: z.uuid(), confirmCount: z.int().min(0).max(1_000_000) }), out<BulkResultView>()),

  'sync.run': channel(z.strictObject({ connectionId }), out<SyncRunView>()),
  'sync.all': channel(empty, out<{ runs: Array<{ connectionId: string; result: SyncResult; error: AppErrorShape | null }> }>()),
  'sync.cancel': channel(z.strictObject({ connectionId }), out<{ cancelled: boolean }>()),

  'reveal.take': channel(z.strictObject({ slotId: z.uuid() }), out<RevealView>()),
  'reveal.discard': channel(z.strictObject({ slotId: z.uuid() }), out<{ discarded: boolean }>()),
  /** The secret left the screen: seen (released from the keychain) or not yet (offered again later). */
  'reveal.done': channel(z.strictObject({ slotId: z.uuid(), seen: z.boolean() }), out<{ released: boolean }>()),
  'reveal.pending': channel(empty, out<PendingRevealView[]>()),
  'reveal.reopen': channel(z.strictObject({ operationId: z.uuid() }), out<{ revealSlotId: string }>()),

  'health.summary': channel(z.strictObject({ idleDays: z.int().min(1).max(3650).default(90) }), out<HealthView>()),
  'policy.get': channel(z.strictObject({ connectionId }), out<PolicyView>()),
  'policy.set': channel(
    z.strictObject({
      connectionId,
      maxLifetimeDays: z.int().min(1).max(36_500).nullable(),
      requireExpiry: z.boolean(),
      noAdminKeys: z.boolean(),
    }),
    out<PolicyView>(),
  ),

  'changes.list': channel(
    z.strictObject({
      connectionId: connectionId.optional(),
      since: z.int().min(0).max(8_640_000_000_000_000),
      offset: z.int().min(0).max(10_000_000).default(0),
      limit: z.int().min(1).max(1000).default(200),
    }),
    out<{ rows: ChangeRowView[]; total: number }>(),
  ),
  'inventory.export': channel(
    z.strictObject({ connectionId: connectionId.optional(), format: z.enum(['csv', 'json']) }),
    out<{ fileName: string; content: string; sha256: string; keys: number }>(),
  ),

  'journal.list': channel(
    z.strictObject({ offset: z.int().min(0).max(10_000_000).default(0), limit: z.int().min(1).max(1000).default(200) }),
    out<{ rows: AuditEntryView[]; total: number }>(),
  ),
  'journal.export': channel(z.strictObject({ format: z.enum(['csv', 'json']) }), out<{ fileName: string; content: string; sha256: string }>()),

  'app.activity': channel(empty, out<{ at: number }>()),

  'vault.status': channel(empty, out<VaultStatus>()),
  'vault.list': channel(empty, out<VaultEntryView[]>()),
  'vault.add': channel(
    z.strictObject({
      name: name,
      service: z.string().trim().min(1).max(128),
      url: httpUrl.optional(),
      notes: z.string().max(4096).optional(),
      expiresAt: z.int().min(0).max(8_640_000_000_000_000).optional(),
      tags: z.array(z.string().trim().min(1).max(64)).max(32).optional(),
      fields: z.array(z.strictObject({ label: z.string().trim().min(1).max(128), value: z.string().min(1).max(16_384), secret: z.boolean() })).min(1).max(8),
      link: keyRef.optional(),
    }),
    out<VaultEntryView>(),
  ),
  'vault.update': channel(
    z.strictObject({
      id: z.uuid(),
      name: name,
      service: z.string().trim().min(1).max(128),
      url: httpUrl.optional(),
      notes: z.string().max(4096).optional(),
      expiresAt: z.int().min(0).max(8_640_000_000_000_000).optional(),
      tags: z.array(z.string().trim().min(1).max(64)).max(32).optional(),
      link: keyRef.nullable(),
      /** New values (after a rotation); omitted keeps the stored secret. */
      fields: z.array(z.strictObject({ label: z.string().trim().min(1).max(128), value: z.string().min(1).max(16_384), secret: z.boolean() })).min(1).max(8).optional(),
    }),
    out<VaultEntryView>(),
  ),
  'vault.remove': channel(z.strictObject({ id: z.uuid() }), out<{ removed: true }>()),
  'vault.reveal': channel(
    z.strictObject({ id: z.uuid() }),
    out<{ fields: Array<{ label: string; value: string; secret: boolean }>; visibleForMs: number }>(),
  ),
  'vault.copy': channel(z.strictObject({ id: z.uuid(), label: z.string().min(1).max(128) }), out<{ clearsAt: number }>()),
  'vault.verify': channel(z.strictObject({ id: z.uuid() }), out<VaultEntryView>()),
  'vault.lock': channel(empty, out<VaultStatus>()),
  'vault.unlock': channel(empty, out<VaultStatus>()),
  'vault.setAutoLock': channel(z.strictObject({ minutes: z.int().min(1).max(1440) }), out<VaultStatus>()),
  'vault.importEnv': channel(
    z.strictObject({
      service: z.string().trim().min(1).max(128),
      tags: z.array(z.string().trim().min(1).max(64)).max(32).optional(),
      entries: z.array(z.strictObject({ name: z.string().trim().min(1).max(256), value: z.string().min(1).max(16_384) })).min(1).max(500),
    }),
    out<{ imported: number }>(),
  ),
  'vault.exportMeta': channel(empty, out<{ fileName: string; content: string; sha256: string }>()),

  'clipboard.writeSecret': channel(
    z.strictObject({ text: z.string().min(1).max(16_384) }),
    out<{ clearsAt: number }>(),
  ),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ParsedInput<C extends ChannelName> = z.output<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> =
  Channels[C]['output'] extends Out<infer T> ? T : never;

export const channelNames = Object.keys(channels) as ChannelName[];

// ---------------------------------------------------------------- events

export interface Events {
  'connections.changed': { connectionId: string | null };
  'inventory.changed': { connectionId: string };
  'sync.progress': {
    connectionId: string;
    runId: number;
    scopesDone: number;
    scopesTotal: number;
    keysFetched: number;
  };
  'sync.finished': { connectionId: string; run: SyncRunView };
  'clipboard.cleared': { at: number };
  'rotation.changed': { operationId: string };
  /** The vault locked (by the user, after idle minutes, or when the OS locked or suspended). */
  'vault.locked': { reason: 'user' | 'idle' | 'os' };
  'vault.unlocked': Record<string, never>;
  /** Something worth an OS notification (an expiry reminder); the desktop app shows it. */
  notify: { title: string; body: string; connectionId: string; keyId: string };
  /** A command the user chose in the app menu; the renderer carries it out. */
  'app.command': { command: AppCommand };
}

export const APP_COMMANDS = ['add-connection', 'sync-all', 'lock-vault', 'settings', 'shortcuts', 'filter'] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];
export type EventName = keyof Events;
export const eventNames: EventName[] = [
  'connections.changed',
  'inventory.changed',
  'sync.progress',
  'sync.finished',
  'clipboard.cleared',
  'rotation.changed',
  'notify',
  'vault.locked',
  'vault.unlocked',
  'app.command',
];

// ---------------------------------------------------------------- the API object's shape

type Namespaces = ChannelName extends `${infer N}.${string}` ? N : never;
type MethodsOf<N extends string> = {
  [C in ChannelName as C extends `${N}.${infer M}` ? M : never]: Record<never, never> extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<ChannelOutput<C>>
    : (input: ChannelInput<C>) => Promise<ChannelOutput<C>>;
};

/** What `window.keyfleet` is, and what `createCore().api` is. */
export type KeyfleetApi = { [N in Namespaces]: MethodsOf<N> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** How createApi reaches the core: ipcRenderer in the desktop app, HTTP+SSE in the harness. */
export interface Transport {
  invoke(channel: ChannelName, input: unknown): Promise<Result<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}
