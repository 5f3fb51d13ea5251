// Multi-step and one-time work on keys: rotations, one-time reveals of new secrets, bulk actions.
import { z } from 'zod';
import { channel, connectionId, empty, epochMs, id, keyRef, out } from './common.ts';
import type { KeyStatus } from './keys.ts';

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
  /** How the old key is retired in a composed rotation; null once it was kept (or for a native one). */
  retire: 'deactivate' | 'delete' | null;
  retireAt: number | null;
  /** Only in the answer that issued the new secret. */
  revealSlotId: string | null;
  error: string | null;
  startedAt: number;
}

/**
 * When a rotation's twin expires unless the user picks another time: the old key's lifetime, its
 * remaining time, the policy's longest lifetime, never (as the old key), or nothing ("choose").
 */
export interface TwinExpiryView {
  /** Whether keys of this type can expire at all. */
  supported: boolean;
  /** The default; null: never (or the user must choose, see basis). */
  default: number | null;
  basis: 'lifetime' | 'remaining' | 'policy' | 'never' | 'choose' | 'unsupported';
  oldExpiresAt: number | null;
  /** "Never" would break the backend's or the organization's rule. */
  expiryRequired: boolean;
}

/** What a rotation will do, before it starts: the wizard's plan step. */
export interface RotationPlanView {
  mode: 'native' | 'composed';
  /** The twin's expiry (composed rotations only). */
  expiry: TwinExpiryView | null;
  /** What the twin keeps, in the user's words ("Teams: SRE"). */
  keeps: string[];
}

/** A new secret that was issued but never shown (after a crash, a quit or a missed window). */
export interface PendingRevealView {
  operationId: string;
  connectionId: string;
  keyId: string | null;
  /** What the user calls the key (its label or name), or null when nothing names it. */
  keyName: string | null;
  /** create or rotate */
  kind: string;
  at: number;
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
  /** With an idle filter: backends whose keys cannot be judged idle, and why ("Rancher 1.x does not report…"). */
  notJudged: string[];
}

export interface BulkResultView {
  action: BulkAction;
  succeeded: number;
  failed: number;
  results: Array<{ connectionId: string; keyId: string; name: string; ok: boolean; error: string | null }>;
}

export const operationChannels = {
  'rotation.plan': channel(keyRef, out<RotationPlanView>()),
  /** expiresAt (composed): when the twin expires; null for never; omitted for the plan's default. */
  'rotation.start': channel(keyRef.extend({ expiresAt: epochMs.nullable().optional() }), out<RotationView>()),
  'rotation.list': channel(empty, out<RotationView[]>()),
  'rotation.confirmDeployed': channel(z.strictObject({ operationId: z.uuid() }), out<RotationView>()),
  'rotation.retire': channel(
    z.strictObject({ operationId: z.uuid(), at: epochMs.optional() }),
    out<RotationView>(),
  ),
  /** Finishes a deployed rotation leaving the old key as it is (`keyfleet rotate --retire never`). */
  'rotation.keepOld': channel(z.strictObject({ operationId: z.uuid() }), out<RotationView>()),
  'rotation.cancel': channel(z.strictObject({ operationId: z.uuid() }), out<RotationView>()),
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
  'reveal.take': channel(z.strictObject({ slotId: z.uuid() }), out<RevealView>()),
  'reveal.discard': channel(z.strictObject({ slotId: z.uuid() }), out<{ discarded: boolean }>()),
  /** The secret left the screen: seen (released from the keychain) or not yet (offered again later). */
  'reveal.done': channel(z.strictObject({ slotId: z.uuid(), seen: z.boolean() }), out<{ released: boolean }>()),
  'reveal.pending': channel(empty, out<PendingRevealView[]>()),
  'reveal.reopen': channel(z.strictObject({ operationId: z.uuid() }), out<{ revealSlotId: string }>()),
} as const;
