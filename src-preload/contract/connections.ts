// Connections (one organization on one backend) and the scopes inside them.
import { z } from 'zod';
import type { Capabilities } from './capabilities.ts';
import type { ActionSupport } from './capabilities.ts';
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
  /**
   * The organization (or account) the connection manages, as the backend reported it: a new
   * credential must reach this same one. Null where the backend names none.
   */
  organization: { id: string; name: string } | null;
  /** The credential Keyfleet signs in with (never its value). */
  credential: CredentialView;
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

export interface CredentialView {
  /** When Keyfleet stored it: added, reconnected or rotated. */
  storedAt: number;
  /** The key in the inventory that is this credential, where the backend lets Keyfleet tell. */
  ownKey: { id: string; name: string; createdAt: number | null } | null;
  /** Whether and how Keyfleet can replace it in one step (twin → verify → swap → retire). */
  rotation: ActionSupport;
  /** A one-step rotation of it that has not finished (it resumes by itself). */
  rotating: { operationId: string; step: CredentialRotationStep; error: string | null } | null;
  /** Set once an action ended it, or the backend stopped accepting it: the connection needs a new one. */
  ended: { at: number; reason: string } | null;
}

export type CredentialRotationStep = 'creating' | 'verifying' | 'swapping' | 'retiring' | 'done' | 'failed';

/** A one-step rotation of a connection's own credential. */
export interface CredentialRotationView {
  operationId: string;
  connectionId: string;
  oldKeyId: string;
  newKeyId: string | null;
  step: CredentialRotationStep;
  /** How the old key was (or will be) retired. */
  retire: 'deactivate' | 'delete';
  error: string | null;
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

/**
 * What a person types about a connection, checked the same way when it is added and when it is
 * edited or reconnected: every rule on these fields applies to both channels.
 */
export const connectionFields = {
  /** Shown in the sidebar; when left out, the organization the backend reports names it. */
  name,
  baseUrl: httpUrl,
  color,
  credential: credentialSchema,
  caPem: pem,
  /** What kind of credential this is, for backends where it decides what it may do. */
  credentialKind: z.string().min(1).max(64),
  /** Names this verification so `connections.cancelVerify` can stop it (a host that does not answer). */
  attemptId: z.uuid(),
};

export const connectionChannels = {
  'connections.list': channel(empty, out<ConnectionView[]>()),
  'connections.add': channel(
    z.strictObject({
      kind: z.enum(PROVIDER_KINDS),
      ...connectionFields,
      name: connectionFields.name.optional(),
      color: connectionFields.color.optional(),
      caPem: connectionFields.caPem.optional(),
      credentialKind: connectionFields.credentialKind.optional(),
      attemptId: connectionFields.attemptId.optional(),
      /** Which organization, when the credential reaches several (from the error's choices). */
      target: z.string().min(1).max(256).optional(),
      /** The backend's connection switches that are on (BackendInfo.options ids). */
      options: namedValues(z.record(fieldName, z.boolean())).optional(),
      /** The user accepts that this connection reaches another machine over plain http, unencrypted. */
      acceptPlainHttp: z.boolean().optional(),
    }),
    out<ConnectionView>(),
  ),
  /**
   * Rename, recolour, or reconnect: a new credential, address or CA is verified against the same
   * organization before anything is stored; the cached inventory, its history and the journal stay.
   */
  'connections.update': channel(
    z.strictObject({
      connectionId,
      ...connectionFields,
      name: connectionFields.name.optional(),
      baseUrl: connectionFields.baseUrl.optional(),
      color: connectionFields.color.optional(),
      credential: connectionFields.credential.optional(),
      /** null removes the private CA. */
      caPem: connectionFields.caPem.nullable().optional(),
      credentialKind: connectionFields.credentialKind.optional(),
      attemptId: connectionFields.attemptId.optional(),
    }),
    out<ConnectionView>(),
  ),
  /** Stops a verification in flight: its HTTP requests are aborted and nothing is stored. */
  'connections.cancelVerify': channel(z.strictObject({ attemptId: connectionFields.attemptId }), out<{ cancelled: boolean }>()),
  /** Replaces the connection's own credential in one step: twin → verify → swap in the keychain → retire the old key. */
  'connections.rotateCredential': channel(z.strictObject({ connectionId }), out<CredentialRotationView>()),
  'connections.remove': channel(z.strictObject({ connectionId }), out<{ removed: true }>()),
  'scopes.list': channel(z.strictObject({ connectionId }), out<ScopeView[]>()),
} as const;
