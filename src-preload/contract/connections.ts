// Connections (one organization on one backend) and the scopes inside them.
import { z } from 'zod';
import type { Capabilities } from './capabilities.ts';
import { channel, color, connectionId, empty, fieldName, httpUrl, name, namedValues, out, pem, PROVIDER_KINDS, type AppErrorShape, type ProviderKind } from './common.ts';
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
  /** Reaches another machine over plain http, a risk the user accepted when adding it: shown with a mark. */
  plainHttp: boolean;
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

/**
 * Why HTTP cannot carry `value` as (part of) a credential header, for the form field; undefined if
 * it can. Headers are Latin-1 without line breaks or control characters; a "…" is what a page or
 * a terminal shows for a value it cut short, so it means the copy was incomplete. The message never
 * quotes the value.
 */
export function credentialProblem(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return 'Holds a line break. Paste the credential on one line, with nothing around it.';
  if (value.includes('…')) return 'Holds “…”, so the copy was cut short. Copy the whole credential and paste it again.';
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  if (/[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/.test(value)) return 'Holds an invisible control character that HTTP cannot carry. Paste the credential again.';
  if (/[^\t\u0020-\u00FF]/.test(value)) return 'Holds a character HTTP cannot carry (outside Latin-1, like an emoji, a typographic quote or a direction mark). Paste the credential again.';
  return undefined;
}

const credentialText = (schema: z.ZodString) =>
  schema.superRefine((value, ctx) => {
    const problem = credentialProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const credentialSchema = z.union([
  z.strictObject({
    type: z.literal('key-pair'),
    accessKey: credentialText(z.string().trim().min(1).max(512)),
    secretKey: credentialText(z.string().min(1).max(4096)),
  }),
  z.strictObject({ type: z.literal('token'), token: credentialText(z.string().trim().min(1).max(8192)) }),
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
      /** The backend's connection switches that are on (BackendInfo.options ids). */
      options: namedValues(z.record(fieldName, z.boolean())).optional(),
      /** The user accepts that this connection reaches another machine over plain http, unencrypted. */
      acceptPlainHttp: z.boolean().optional(),
    }),
    out<ConnectionView>(),
  ),
  'connections.remove': channel(z.strictObject({ connectionId }), out<{ removed: true }>()),
  'scopes.list': channel(z.strictObject({ connectionId }), out<ScopeView[]>()),
} as const;
