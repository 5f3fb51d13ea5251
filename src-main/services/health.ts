// Key health across connections (the board's counts and the filtered lists behind them), the
// per-organization policy, and expiry reminders: at 60, 30, 7 and 1 days before a key expires (or
// the days the user chose in the settings), at most once per key per threshold, as an event the
// desktop app turns into an OS notification.
import type { HealthView, PolicyView } from '../../src-preload/contract.ts';
import type { CoreEvents } from '../events.ts';
import type { ConnectionRecord, RemoteKey } from '../model.ts';
import { providerModule } from '../providers/index.ts';
import type { Store } from '../store/index.ts';
import type { KeyTraits } from '../store/inventory.ts';
import type { PolicyRecord } from '../store/policies.ts';
import { healthGaps } from './health-gaps.ts';

/** The default reminder thresholds; the user's own list comes from the settings. */
export const REMINDER_DAYS = [60, 30, 7, 1];

/** What the backend behind a connection can tell about each of its keys. */
export function traitsOf(connection: Pick<ConnectionRecord, 'kind' | 'settings'>): (key: RemoteKey) => KeyTraits {
  const module = providerModule(connection.kind);
  const capabilities = module.capabilities(connection.settings);
  const { keyTypes } = module.lastUse;
  return (key) => {
    const type = capabilities.createForm.types.find((t) => t.id === key.type);
    return {
      tracksLastUse: keyTypes === 'all' || keyTypes.includes(key.type),
      expirySupported: type ? type.expiry !== 'unsupported' : key.expiresAt !== null,
      privileged: key.privileged ?? /\badmin\b/i.test(key.role ?? ''),
    };
  };
}

export function createHealthService(deps: {
  store: Store;
  events: CoreEvents;
  now: () => number;
  /** Days before expiry at which to remind (the user's setting, read at every run). */
  reminderDays?: () => number[];
}) {
  const { store, events, now } = deps;
  const reminderDays = deps.reminderDays ?? (() => REMINDER_DAYS);

  return {
    summary(idleDays: number): HealthView {
      const c = store.inventory.healthCounts(now(), idleDays) as unknown as Record<string, number>;
      return {
        total: c.total ?? 0,
        idleDays,
        counts: {
          neverUsed: c['never-used'] ?? 0,
          idle: c.idle ?? 0,
          noExpiry: c['no-expiry'] ?? 0,
          expiring7: c.expiring7 ?? 0,
          expiring30: c.expiring30 ?? 0,
          expiring60: c.expiring60 ?? 0,
          tooOld: c['too-old'] ?? 0,
          privileged: c.privileged ?? 0,
          policy: c.policy ?? 0,
        },
        notCounted: healthGaps({
          connections: store.connections.list(),
          unjudged: store.inventory.unjudgedKeys(),
          policyOf: (connectionId) => store.policies.get(connectionId),
        }),
      };
    },

    policy(connectionId: string): PolicyView {
      return { connectionId, ...store.policies.get(connectionId) };
    },

    setPolicy(connectionId: string, policy: PolicyRecord): PolicyView {
      store.policies.set(connectionId, policy);
      return { connectionId, ...policy };
    },

    /** Sends each due reminder once; a key found already close to expiry gets only the nearest one. */
    remind(): number {
      let sent = 0;
      const at = now();
      const names = new Map(store.connections.list().map((c) => [c.id, c.name]));
      const reminded = new Set<string>();
      const thresholds = reminderDays();
      for (const threshold of [...thresholds].sort((a, b) => a - b)) {
        for (const key of store.policies.dueReminders(at, threshold)) {
          const ref = `${key.connection_id}:${key.id}`;
          // Larger thresholds this key is already inside of are marked as sent, not sent again.
          for (const larger of thresholds.filter((d) => d >= threshold)) store.policies.remember(key.connection_id, key.id, larger, at);
          if (reminded.has(ref)) continue;
          reminded.add(ref);
          const days = Math.max(0, Math.ceil((key.expires_at - at) / 86_400_000));
          events.emit('notify', {
            title: `API key expires ${days <= 1 ? 'within a day' : `in ${days} days`}`,
            body: `“${isolate(key.local_label ?? (key.name || key.id))}” of ${isolate(names.get(key.connection_id) ?? 'a connection')} expires on ${new Date(key.expires_at).toISOString().slice(0, 10)}.`,
            connectionId: key.connection_id,
            keyId: key.id,
          });
          sent++;
        }
      }
      return sent;
    },
  };
}

/**
 * A name set apart from the sentence around it (first-strong isolate … pop directional isolate):
 * a right-to-left override inside a key's name cannot reorder the rest of the notification.
 */
const isolate = (name: string) => `\u2068${name}\u2069`;

/** Field errors for a key the organization's policy forbids; empty when it complies. */
export function policyViolations(
  policy: PolicyRecord,
  input: { expiresAt?: number; privileged: boolean; expirySupported: boolean },
  now: number,
): Record<string, string> {
  const fields: Record<string, string> = {};
  if (policy.noAdminKeys && input.privileged) fields.role = 'This organization’s policy allows no admin keys.';
  if (input.expirySupported) {
    if ((policy.requireExpiry || policy.maxLifetimeDays) && input.expiresAt === undefined) {
      fields.expiresAt = 'This organization’s policy requires an expiry date.';
    } else if (policy.maxLifetimeDays && input.expiresAt !== undefined && input.expiresAt > now + policy.maxLifetimeDays * 86_400_000) {
      fields.expiresAt = `This organization’s policy allows at most ${policy.maxLifetimeDays} days.`;
    }
  }
  return fields;
}
