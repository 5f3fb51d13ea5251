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
}

export interface KeyRecord extends RemoteKey {
  connectionId: string;
  firstSeenAt: number;
  lastSeenAt: number;
}

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
}

/** A new secret on its way to the one-time reveal. Lives in memory only. */
export interface IssuedSecret {
  title: string;
  fields: RevealField[];
  note: string;
}
