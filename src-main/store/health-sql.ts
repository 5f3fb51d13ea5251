// The health board's categories as SQL over the keys table — one definition each, used by the
// board's counts, the key lists behind its cards and bulk selections alike — the counts per
// category, and the active keys a category cannot judge because their backend does not say.
import type { Db } from './db.ts';

export type HealthKind = 'never-used' | 'idle' | 'no-expiry' | 'expiring' | 'too-old' | 'privileged' | 'policy';

export interface HealthFilter {
  kind: HealthKind;
  /** idle: unused for more than this many days; expiring: within this many days. */
  days?: number;
}

export const DAY_MS = 86_400_000;

/**
 * Idle: the backend reports last use, and the key was last used before @before — or, never used,
 * created before it (a key made yesterday is not idle yet; one made a year ago and never used is).
 */
const IDLE = `tracks_last_use = 1 AND coalesce(last_used_at, created_at, 0) < @before`;

/** SQL for each health category over `keys` (parameters @now, @before, @until). */
export const HEALTH_SQL: Record<HealthKind, string> = {
  'never-used': `status = 'active' AND tracks_last_use = 1 AND last_used_at IS NULL`,
  idle: `status = 'active' AND ${IDLE}`,
  'no-expiry': `status = 'active' AND expiry_supported = 1 AND expires_at IS NULL`,
  expiring: `status IN ('active', 'inactive') AND expires_at >= @now AND expires_at < @until`,
  'too-old': `status = 'active' AND EXISTS (SELECT 1 FROM policies p WHERE p.connection_id = keys.connection_id
      AND p.max_lifetime_days IS NOT NULL AND keys.created_at < @now - p.max_lifetime_days * ${DAY_MS})`,
  privileged: `status = 'active' AND privileged = 1`,
  policy: `status = 'active' AND EXISTS (SELECT 1 FROM policies p WHERE p.connection_id = keys.connection_id AND (
      (p.max_lifetime_days IS NOT NULL AND keys.created_at < @now - p.max_lifetime_days * ${DAY_MS})
      OR (p.require_expiry = 1 AND keys.expiry_supported = 1 AND keys.expires_at IS NULL)
      OR (p.no_admin_keys = 1 AND keys.privileged = 1)))`,
};

export function healthParams(now: number, filter: HealthFilter): Record<string, number> {
  const days = filter.days ?? (filter.kind === 'idle' ? 90 : 30);
  return { now, before: now - days * DAY_MS, until: now + days * DAY_MS };
}

/** Per connection and key type: active keys a category cannot judge, for want of what their backend says. */
export interface UnjudgedKeys {
  connectionId: string;
  type: string;
  /** Last use not reported: "never used" and "idle" cannot count them. */
  noLastUse: number;
  /** No expiry possible: "no expiry" and "expiring" cannot count them. */
  noExpiry: number;
  /** No creation date: a maximum lifetime cannot be checked. */
  undated: number;
  active: number;
}

export const UNJUDGED_SQL = `SELECT connection_id AS connectionId, type,
    sum(tracks_last_use = 0) AS noLastUse, sum(expiry_supported = 0) AS noExpiry, sum(created_at IS NULL) AS undated, count(*) AS active
  FROM keys WHERE hidden = 0 AND gone_since IS NULL AND status = 'active' GROUP BY connection_id, type ORDER BY connection_id, type`;

/** How many active keys fall in each health category, over some or all connections. */
export function healthCounts(db: Db, now: number, idleDays: number, connectionIds?: string[]): Record<HealthKind, number> {
  const kinds = Object.keys(HEALTH_SQL) as HealthKind[];
  const params: Record<string, unknown> = { now, before: now - idleDays * DAY_MS };
  const expiring = [7, 30, 60].map((days) => {
    params[`until${days}`] = now + days * DAY_MS;
    return `sum(CASE WHEN ${HEALTH_SQL.expiring.replace('@until', `@until${days}`)} THEN 1 ELSE 0 END) AS expiring${days}`;
  });
  let where = 'WHERE hidden = 0 AND gone_since IS NULL';
  if (connectionIds) {
    where += ` AND connection_id IN (${connectionIds.map((id, i) => ((params[`c${i}`] = id), `@c${i}`)).join(', ') || "''"})`;
  }
  const sql = `SELECT count(*) AS total, ${kinds
    .filter((k) => k !== 'expiring')
    .map((k) => `sum(CASE WHEN ${HEALTH_SQL[k]} THEN 1 ELSE 0 END) AS "${k}"`)
    .join(', ')}, ${expiring.join(', ')} FROM keys ${where}`;
  const row = db.prepare(sql).get(params) as Record<string, number | null>;
  const out = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? 0]));
  return out as unknown as Record<HealthKind, number>;
}
