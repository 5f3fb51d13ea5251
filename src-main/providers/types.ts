// The one interface every backend adapter implements (ARCHITECTURE.md rule 6). Adapters map
// their backend's JSON to Keyfleet's model and its failures to ProviderError kinds; retries,
// timeouts, TLS and size limits live in the shared HTTP module.
import type { BackendInfo, Capabilities, Choice, CreateFormSpec, CredentialInput, ProviderKind } from '../../src-preload/contract.ts';
import type { HttpClientOptions } from '../http/client.ts';
import type { ConnectionSettings, IssuedSecret, RemoteKey, RemoteScope } from '../model.ts';

/**
 * What the core sets on every adapter's HTTP client: tuning (tests shorten timeouts), whether the
 * user accepted plain http for the connection, and a verification's signal (the user's cancel
 * aborts every request of the adapter); the rest is the adapter's.
 */
export type HttpTuning = Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'backoffMs' | 'maxRetryAfterMs' | 'maxResponseBytes' | 'allowPlainHttp' | 'signal'>;

export interface ProviderConfig {
  baseUrl: string;
  credential: CredentialInput;
  /** PEM bundle of a private CA for this connection. */
  ca?: string;
  http?: HttpTuning;
  /** What an earlier verify() settled (organization, API era…); empty for a new connection. */
  settings?: ConnectionSettings;
  /** For a new connection: the organization the user chose among the credential's choices. */
  target?: string;
  /** For a new connection: what kind of credential the user says this is. */
  credentialKind?: string;
  /** For a new connection: how to reach the backend (Onyx: the header the credential goes in); verify() keeps them in settings. */
  options?: Readonly<Record<string, boolean>>;
}

/** For the calls of a sync: a cancelled sync aborts them (pass `signal` to every request). */
export interface ListOptions {
  /**
   * Aborts the reads. One sync passes the same signal to listScopes and then to each listKeys: an
   * adapter may start key lists while it reads the scopes and hand them to that sync (prefetch.ts).
   */
  signal?: AbortSignal;
  /**
   * Where listKeys may hand over keys as each page of them arrives, in listing order, instead of
   * returning them all at the end (what it returns is handed over after): a sync then holds a
   * page of a 100,000-key list at a time, not the list. Called one page at a time; the caller
   * bounds the listing (it counts what it takes).
   */
  onKeys?: (keys: RemoteKey[]) => Promise<void>;
  /**
   * The parts of the listing (a page, a list) the connection's last successful sync read, while
   * the cache still holds exactly what that sync made of them (services/page-memo.ts). An adapter
   * asks for a part with its digest (HttpRequest.digest): a part whose answers are byte for byte
   * the same, read in the same context, is handed over with `same` (not parsed, validated or
   * compared again); any other part with `read`, in place of onKeys. Given with onKeys.
   */
  pages?: PageMemo;
}

/** What an adapter kept of a part of a listing: its answers' digest, and what it needs to go on (a next link, say). */
export interface KnownPart {
  digest: string;
  after: unknown;
}

export interface PageMemo {
  /** The part named `part` (the adapter's own name, stable from sync to sync) as the last sync read it. */
  known(part: string): KnownPart | undefined;
  /** A part read now: its keys handed over (as onKeys would), and the part remembered with `known` for the next sync. */
  read(part: string, known: KnownPart, keys: RemoteKey[]): Promise<void>;
  /** A part exactly as the last sync read it: its keys are the ones it listed then, as cached. */
  same(part: string): Promise<void>;
}

export interface Identity {
  /** The account the credential belongs to, as the backend names it. */
  accountId: string;
  accountName: string;
  /** Facts to remember for this connection (non-secret), passed back in ProviderConfig.settings. */
  settings?: ConnectionSettings;
  /** Set when the credential reaches several organizations and config.target named none. */
  choices?: Choice[];
  /**
   * The organization (or account) this connection manages, as the backend reports it: a new
   * credential must reach the same one, and a new connection is named after it (when the backend
   * tells its name). Its id is unique on that server; absent where the backend has none to give.
   */
  organization?: { id: string; name: string | null };
}

/**
 * How the connection's own credential shows among its keys (never the secret itself): the masked
 * value the backend lists for it, its first and last characters, or the hint Keyfleet kept when
 * it created it.
 */
export type CredentialMatch = { maskedValue: string } | { maskedPrefix: string; maskedSuffix: string } | { localHint: string };

export interface CreateKeySpec {
  scopeId: string;
  type: string;
  name: string;
  description?: string;
  role?: string;
  expiresAt?: number;
  /** Roles on further scopes (project roles, bindings), scopes resolved from the cache. */
  grants?: Array<{ scope: RemoteScope; role: string }>;
  /** Scopes the key is limited to. */
  scopes?: RemoteScope[];
  groupIds?: string[];
  /** Values of the type's further fields (teams, owner, token scopes, workspace role), by field id. */
  fields?: FieldValues;
  /**
   * What a rotation keeps that no create form offers (LangWatch's CUSTOM permissions): the adapter's
   * own shape, from its twinPlan to its createKey, never from the renderer.
   */
  carry?: Record<string, unknown>;
}

/** The values of a key type's further fields: one choice, or several. */
export type FieldValues = Record<string, string | string[]>;

/**
 * How a composed rotation creates the twin of a key, said by the adapter that knows what the key
 * holds: its role and everything else that gives it access, read fresh where the cache may be stale.
 * The rotation puts it through the same checks as a create form (policy included) and adds the expiry.
 */
export interface TwinPlan extends Partial<Pick<CreateKeySpec, 'role' | 'grants' | 'scopes' | 'groupIds' | 'fields' | 'carry'>> {
  /** Where the twin is created, when not where the old key lives. */
  scopeId?: string;
  /** The twin's name, when not the old key's. */
  name?: string;
  /** What the twin keeps, in the user's words ("Teams: SRE"), for the rotation wizard. */
  keeps: string[];
}

/** One line of a key's details the adapter reads from its raw fields (teams, owner, permission mode). */
export interface KeyFact {
  label: string;
  value: string;
}

export interface CreatedKey {
  key: RemoteKey;
  /** The one-time secret, for the reveal slot only: never stored, logged or cached. */
  secret: IssuedSecret;
  /** A non-secret hint to keep, when the backend never shows a masked form. */
  hint?: string;
  /** The backend's list may not show the new key before then; keep it in the cache until. */
  holdUntil?: number;
}

export interface KeyChanges {
  name: string;
  description: string | null;
}

/** What became of a deleted key: gone at once, or revoked but possibly still accepted for a while. */
export type DeleteOutcome = { kind: 'gone' } | { kind: 'revoked'; mayAuthenticateUntil: number; key: RemoteKey };

export interface Provider {
  readonly kind: ProviderKind;
  readonly capabilities: Capabilities;
  /** Checks the credential and says whose it is. */
  verify(): Promise<Identity>;
  listScopes(options?: ListOptions): Promise<RemoteScope[]>;
  /** Every key of one scope, all pages. */
  listKeys(scope: RemoteScope, options?: ListOptions): Promise<RemoteKey[]>;
  /** The create form for this connection, when it depends on the backend (custom roles, groups). */
  createForm?(): Promise<CreateFormSpec>;
  createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey>;
  /** For a composed rotation: how to create the twin of this key (see TwinPlan). */
  twinPlan?(key: RemoteKey, scopes: RemoteScope[]): Promise<TwinPlan>;
  renameKey?(key: RemoteKey, changes: KeyChanges): Promise<RemoteKey>;
  /** Native regenerate: same key, new secret. */
  rotateKey?(key: RemoteKey): Promise<CreatedKey>;
  setKeyActive?(key: RemoteKey, active: boolean): Promise<RemoteKey>;
  deleteKey?(key: RemoteKey): Promise<DeleteOutcome | void>;
  /** How to recognise the key this connection signs in with, where the backend lets Keyfleet tell. */
  credentialMatch?(): CredentialMatch | undefined;
  close(): Promise<void>;
}

/**
 * Which keys the backend says when they were last used (so "never used" and "idle" mean something
 * for them): every key type, some, or none ([]).
 */
export interface LastUseSupport {
  keyTypes: 'all' | readonly string[];
  /** For the keys it does not cover: why, in the user's words (the health board shows it). */
  note?: string;
}

export interface ProviderModule {
  kind: ProviderKind;
  /** What the connection form shows for this backend. */
  info: Omit<BackendInfo, 'supported'>;
  lastUse: LastUseSupport;
  /** What this backend can do for a connection with these settings. */
  capabilities(settings: ConnectionSettings): Capabilities;
  /** Turns what a user pastes (often an endpoint deep inside the API) into the server's root. */
  normalizeBaseUrl?(url: string): string;
  /** What a key's details show beyond the common fields, read from what a sync recorded in raw. */
  describeKey?(key: RemoteKey): KeyFact[];
  create(config: ProviderConfig): Provider;
}
