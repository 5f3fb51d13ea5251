// Connections (one organization on one backend) and the scopes inside them.
import { z } from 'zod';
import type { Capabilities } from './capabilities.ts';
import { channel, color, connectionId, empty, httpUrl, name, out, pem, PROVIDER_KINDS, type AppErrorShape, type ProviderKind } from './common.ts';
import type { SyncResult } from './inventory.ts';

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
  /** Why the backend refuses to be read here now (a deactivated Rancher environment); its keys are as last synced. */
  inactive: string | null;
  /** Why the connection may see this scope's keys but not create or change them (a read-only member). */
  readOnly: string | null;
}

export const credentialSchema = z.union([
  z.strictObject({
    type: z.literal('key-pair'),
    accessKey: z.string().trim().min(1).max(512),
    secretKey: z.string().min(1).max(4096),
  }),
  z.strictObject({ type: z.literal('token'), token: z.string().trim().min(1).max(8192) }),
]);
export type CredentialInput = z.infer<typeof credentialSchema>;

export const connectionChannels = {
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
} as const;
