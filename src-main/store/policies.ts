// Per-connection client-side policy, and the expiry reminders already sent.
import type { Db } from './db.ts';

export interface PolicyRecord {
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
  noAdminKeys: boolean;
}

export const NO_POLICY: PolicyRecord = { maxLifetimeDays: null, requireExpiry: false, noAdminKeys: false };

export function policyQueries(db: Db) {
  const one = db.prepare('SELECT * FROM policies WHERE connection_id = ?');
  const upsert = db.prepare(`INSERT INTO policies (connection_id, max_lifetime_days, require_expiry, no_admin_keys)
    VALUES (@connectionId, @maxLifetimeDays, @requireExpiry, @noAdminKeys)
    ON CONFLICT (connection_id) DO UPDATE SET max_lifetime_days = excluded.max_lifetime_days,
      require_expiry = excluded.require_expiry, no_admin_keys = excluded.no_admin_keys`);
  const dueReminders = db.prepare(`SELECT k.connection_id, k.id, k.name, k.local_label, k.expires_at FROM keys k
    WHERE k.hidden = 0 AND k.gone_since IS NULL AND k.status IN ('active', 'inactive')
      AND k.expires_at >= @now AND k.expires_at < @until
      AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.connection_id = k.connection_id AND r.key_id = k.id
        AND r.threshold_days = @threshold)
    ORDER BY k.expires_at`);
  const remember = db.prepare('INSERT OR IGNORE INTO reminders (connection_id, key_id, threshold_days, sent_at) VALUES (?, ?, ?, ?)');

  return {
    get(connectionId: string): PolicyRecord {
      const row = one.get(connectionId) as { max_lifetime_days: number | null; require_expiry: number; no_admin_keys: number } | undefined;
      return row ? { maxLifetimeDays: row.max_lifetime_days, requireExpiry: row.require_expiry === 1, noAdminKeys: row.no_admin_keys === 1 } : NO_POLICY;
    },
    set(connectionId: string, policy: PolicyRecord): void {
      upsert.run({ connectionId, maxLifetimeDays: policy.maxLifetimeDays, requireExpiry: policy.requireExpiry ? 1 : 0, noAdminKeys: policy.noAdminKeys ? 1 : 0 });
    },
    /** Keys expiring within `threshold` days not yet reminded of at that threshold. */
    dueReminders(now: number, threshold: number) {
      return dueReminders.all({ now, until: now + threshold * 86_400_000, threshold }) as Array<{
        connection_id: string;
        id: string;
        name: string;
        local_label: string | null;
        expires_at: number;
      }>;
    },
    remember(connectionId: string, keyId: string, threshold: number, at: number): void {
      remember.run(connectionId, keyId, threshold, at);
    },
  };
}
