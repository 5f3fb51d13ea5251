// The one interface every backend adapter implements (ARCHITECTURE.md rule 6). Adapters map
// their backend's JSON to Keyfleet's model and its failures to ProviderError kinds; retries,
// timeouts, TLS and size limits live in the shared HTTP module.
import type { Capabilities, CredentialInput, ProviderKind } from '../../src-preload/contract.ts';
import type { HttpClientOptions } from '../http/client.ts';
import type { IssuedSecret, RemoteKey, RemoteScope } from '../model.ts';

/** HTTP settings a caller may tune (tests shorten timeouts); the rest is the adapter's. */
export type HttpTuning = Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'backoffMs' | 'maxRetryAfterMs' | 'maxResponseBytes'>;

export interface ProviderConfig {
  baseUrl: string;
  credential: CredentialInput;
  /** PEM bundle of a private CA for this connection. */
  ca?: string;
  http?: HttpTuning;
}

export interface Identity {
  /** The account the credential belongs to, as the backend names it. */
  accountId: string;
  accountName: string;
}

export interface CreateKeySpec {
  scopeId: string;
  type: string;
  name: string;
  description?: string;
}

export interface CreatedKey {
  key: RemoteKey;
  /** The one-time secret, for the reveal slot only: never stored, logged or cached. */
  secret: IssuedSecret;
}

export interface KeyChanges {
  name: string;
  description: string | null;
}

export interface Provider {
  readonly kind: ProviderKind;
  readonly capabilities: Capabilities;
  /** Checks the credential and says whose it is. */
  verify(): Promise<Identity>;
  listScopes(): Promise<RemoteScope[]>;
  /** Every key of one scope, all pages. */
  listKeys(scope: RemoteScope): Promise<RemoteKey[]>;
  createKey(spec: CreateKeySpec, scope: RemoteScope): Promise<CreatedKey>;
  renameKey?(key: RemoteKey, changes: KeyChanges): Promise<RemoteKey>;
  /** Native regenerate: same key, new secret. */
  rotateKey?(key: RemoteKey): Promise<CreatedKey>;
  setKeyActive?(key: RemoteKey, active: boolean): Promise<RemoteKey>;
  deleteKey?(key: RemoteKey): Promise<void>;
  close(): Promise<void>;
}

export interface ProviderModule {
  kind: ProviderKind;
  /** Shown in messages and in the connection form. */
  displayName: string;
  capabilities: Capabilities;
  /** What the connection form asks for. */
  credentialType: CredentialInput['type'];
  /** Turns what a user pastes (often an endpoint deep inside the API) into the server's root. */
  normalizeBaseUrl?(url: string): string;
  create(config: ProviderConfig): Provider;
}
