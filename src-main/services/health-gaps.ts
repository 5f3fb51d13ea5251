// Why a health category leaves keys out, said per backend and organization: a backend that does
// not report last use or creation dates, keys that cannot expire, organizations without a policy.
// The health board shows these next to the counts, so a 0 never passes for "all is well" when
// the category could not look at the keys at all.
import type { HealthKind } from '../../src-preload/contract.ts';
import type { ConnectionRecord } from '../model.ts';
import { providerModule } from '../providers/index.ts';
import type { UnjudgedKeys } from '../store/inventory.ts';
import type { PolicyRecord } from '../store/policies.ts';

export type HealthGaps = Record<HealthKind, string[]>;

const activeKeys = (n: number) => (n === 1 ? '1 active key is' : `${n.toLocaleString('en')} active keys are`);

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

const plural = (label: string) => (label.endsWith('s') ? label : `${label}s`);

/** Adds `n` to the tally under `key`, remembering the first detail seen for it. */
function tally<T>(into: Map<string, { n: number; detail: T }>, key: string, n: number, detail: T): void {
  const entry = into.get(key);
  if (entry) entry.n += n;
  else into.set(key, { n, detail });
}

export function healthGaps(input: {
  connections: ConnectionRecord[];
  unjudged: UnjudgedKeys[];
  policyOf: (connectionId: string) => PolicyRecord;
}): HealthGaps {
  const gaps: HealthGaps = { 'never-used': [], idle: [], 'no-expiry': [], expiring: [], 'too-old': [], privileged: [], policy: [] };
  const connections = new Map(input.connections.map((c) => [c.id, c]));
  const lastUse = new Map<string, { n: number; detail: string }>();
  const expiry = new Map<string, { n: number; detail: { backend: string; labels: Set<string> } }>();
  const undated = new Map<string, { n: number; detail: string }>();
  const activeOf = new Map<string, number>();

  for (const row of input.unjudged) {
    const connection = connections.get(row.connectionId);
    if (!connection) continue;
    const module = providerModule(connection.kind);
    const backend = module.info.displayName;
    activeOf.set(connection.id, (activeOf.get(connection.id) ?? 0) + row.active);
    if (row.noLastUse > 0) {
      tally(lastUse, connection.kind, row.noLastUse, module.lastUse.note ?? `${backend} does not report when these keys were last used.`);
    }
    if (row.noExpiry > 0) {
      const label = module.capabilities(connection.settings).createForm.types.find((t) => t.id === row.type)?.label ?? `${row.type} key`;
      tally(expiry, connection.kind, row.noExpiry, { backend, labels: new Set<string>() });
      expiry.get(connection.kind)!.detail.labels.add(plural(label));
    }
    if (row.undated > 0 && input.policyOf(connection.id).maxLifetimeDays !== null) {
      tally(undated, connection.id, row.undated, `${connection.name}: ${backend} gives no creation date for`);
    }
  }

  for (const { n, detail } of lastUse.values()) {
    const line = `${detail.replace(/\.$/, '')}: ${activeKeys(n)} not counted.`;
    gaps['never-used'].push(line);
    gaps.idle.push(line);
  }
  for (const { n, detail } of expiry.values()) {
    const line = `${detail.backend} ${list([...detail.labels])} cannot expire: ${activeKeys(n)} not counted.`;
    gaps['no-expiry'].push(line);
    gaps.expiring.push(line);
  }

  const withKeys = input.connections.filter((c) => (activeOf.get(c.id) ?? 0) > 0);
  const keysOf = (cs: ConnectionRecord[]) => cs.reduce((sum, c) => sum + (activeOf.get(c.id) ?? 0), 0);
  const noLifetime = withKeys.filter((c) => input.policyOf(c.id).maxLifetimeDays === null);
  if (noLifetime.length > 0) {
    gaps['too-old'].push(`No maximum lifetime is set for ${list(noLifetime.map((c) => c.name))}: ${activeKeys(keysOf(noLifetime))} not checked.`);
  }
  for (const { n, detail } of undated.values()) {
    gaps['too-old'].push(`${detail} ${n === 1 ? '1 active key' : `${n.toLocaleString('en')} active keys`}, so ${n === 1 ? 'it is' : 'they are'} not checked.`);
  }
  const noPolicy = withKeys.filter((c) => {
    const policy = input.policyOf(c.id);
    return policy.maxLifetimeDays === null && !policy.requireExpiry && !policy.noAdminKeys;
  });
  if (noPolicy.length > 0) {
    gaps.policy.push(`No policy is set for ${list(noPolicy.map((c) => c.name))}: ${activeKeys(keysOf(noPolicy))} not checked.`);
  }
  return gaps;
}
