// The one interface every backend adapter implements (ARCHITECTURE.md rule 6). Adapters map
// their backend's JSON to Keyfleet's model and its failures to ProviderError kinds; retries,
// timeouts, TLS and size limits live in the shared HTTP module.
import type { BackendInfo, Capabilities, Choice, CreateFormSpec, CredentialInput, ProviderKind } from '../../src-preload/contract.ts';
import type { HttpClientOptions } from '../http/client.ts';
import type { ConnectionSettings, IssuedSecret, RemoteKey, RemoteScope } from '../model.ts';

/** HTTP settings a caller may tune (tests shorten timeouts); the rest is the adapter's. */
export type HttpTuning = Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'backoffMs' | 'maxRetryAfterMs' | 'maxResponseBytes'>;

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
}

/** For the calls of a sync: a cancelled sync aborts them (pass `signal` to every request). */
export interface ListOptions {
  signal?: AbortSignal;
}

export interface Identity {
  /** The account the credential belongs to, as the backend names it. */
  accountId: string;
  accountName: string;
  /** Facts to remember for this connection (non-secret), passed back in ProviderConfig.settings. */
  settings?: ConnectionSettings;
  /** Set when the credential reaches several organizations and config.target named none. */
  choices?: Choice[];
}

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
  /**
   * For a composed rotation: what a twin of this key needs beyond name, type, description, role and
   * expiry policy (grants, limiting scopes, groups), read from the key's raw fields.
   */
  twinSpec?(key: RemoteKey, scopes: RemoteScope[]): Partial<CreateKeySpec>;
  renameKey?(key: RemoteKey, changes: KeyChanges): Promise<RemoteKey>;
  /** Native regenerate: same key, new secret. */
  rotateKey?(key: RemoteKey): Promise<CreatedKey>;
  setKeyActive?(key: RemoteKey, active: boolean): Promise<RemoteKey>;
  deleteKey?(key: RemoteKey): Promise<DeleteOutcome | void>;
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
  create(config: ProviderConfig): Provider;
}
