// Keyfleet's provider-neutral model as the core handles it. Providers produce these from their
// backends' JSON; the store persists them; services turn them into the contract's views.
import type { KeyCategory, KeyStatus, ProviderKind, RevealField } from '../src-preload/contract.ts';

export interface RemoteScope {
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
  /** Backend fields the adapter needs later (e.g. links), never a secret. */
  raw: Record<string, unknown>;
  /**
   * Why the scope cannot be read now (a deactivated Rancher environment): a sync leaves its cached
   * keys as they were instead of calling listKeys, and nothing is created or changed in it.
   */
  inactive?: string;
  /** Why the credential may read this scope's keys but not create or change them (a read-only member). */
  readOnly?: string;
}

export interface RemoteKey {
  id: string;
  scopeId: string;
  name: string;
  description: string | null;
  type: string;
  category: KeyCategory;
  role: string | null;
  status: KeyStatus;
  statusDetail: string | null;
  maskedValue: string | null;
  createdAt: number | null;
  createdBy: string | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** The backend's fields with every secret field removed. */
  raw: Record<string, unknown>;
  /** Set by an adapter that knows the key holds admin or organization-wide power. */
  privileged?: boolean;
}

export type HoldReason = 'created' | 'revoked';

export interface KeyRecord extends RemoteKey {
  connectionId: string;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Until then a sync keeps this row as it is, whatever the backend's list says (see HoldReason). */
  holdUntil: number | null;
  /** created: the backend's list may lag behind a create; revoked: it may still list a deleted key. */
  holdReason: HoldReason | null;
  /** A non-secret hint of the secret, kept by Keyfleet for backends that never show a masked form. */
  localHint: string | null;
  /** A name kept in Keyfleet only, for backends that cannot rename. */
  localLabel: string | null;
  /** When a sync first found the key gone from the backend (a ghost row). */
  goneSince: number | null;
  /** Whether its backend reports when this key was last used (read with the whole row only). */
  tracksLastUse?: boolean;
}

/** Backend-specific, non-secret facts about a connection (which organization, API era, …). */
export type ConnectionSettings = Readonly<Record<string, string | boolean>>;

export interface ConnectionRecord {
  id: string;
  kind: ProviderKind;
  name: string;
  baseUrl: string;
  color: string;
  caPem: string | null;
  accountId: string | null;
  accountName: string | null;
  createdAt: number;
  lastSuccessAt: number | null;
  settings: ConnectionSettings;
  /** When the user accepted plain http to a host that is not this machine; null otherwise. */
  plainHttpAcceptedAt?: number | null;
}

/** A new secret on its way to the one-time reveal. Lives in memory only. */
export interface IssuedSecret {
  title: string;
  fields: RevealField[];
  note: string;
  /** Set by the core: a new key, or a new secret for an existing key. */
  event?: 'created' | 'regenerated';
  /** Set by the core: whose secret this is (and which key it replaces, after a rotation). */
  source?: { connectionId: string; keyId: string; replacesKeyId: string | null };
}
