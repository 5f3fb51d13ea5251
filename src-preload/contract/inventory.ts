// The cached inventory over time: syncs, what changed, exports, health, policies, the journal.
import { z } from 'zod';
import { channel, connectionId, empty, epochMs, out, type AppErrorShape } from './common.ts';

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
  /**
   * A connection's first sync is one line, not one per key: how many keys it found (keyId and
   * keyName are empty then); null on every other line.
   */
  found: number | null;
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
  /**
   * Per category, why it leaves keys out ("Rancher 1.x does not report when a key was last used:
   * 12 active keys are not counted."); empty when it could look at every key. expiring7/30/60
   * share `expiring`.
   */
  notCounted: Record<HealthKind, string[]>;
}

/** Client-side rules for one organization, checked in create forms and flagged in the inventory. */
export interface PolicyView {
  connectionId: string;
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
  noAdminKeys: boolean;
}

export const inventoryChannels = {
  'sync.run': channel(z.strictObject({ connectionId }), out<SyncRunView>()),
  'sync.all': channel(empty, out<{ runs: Array<{ connectionId: string; result: SyncResult; error: AppErrorShape | null }> }>()),
  'sync.cancel': channel(z.strictObject({ connectionId }), out<{ cancelled: boolean }>()),
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
      since: epochMs,
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
} as const;
