// Secret-free exports of the cached inventory (CSV or JSON, per connection or all), each with the
// SHA-256 of its content as audit evidence. Only the fields a person reviews; never a secret,
// never the backend's raw fields.
import { createHash } from 'node:crypto';
import type { Store } from '../store/index.ts';

const COLUMNS = [
  'connection',
  'backend',
  'scope',
  'keyId',
  'name',
  'localLabel',
  'type',
  'category',
  'role',
  'status',
  'maskedValue',
  'createdAt',
  'createdBy',
  'expiresAt',
  'lastUsedAt',
  'lastSeenAt',
  'goneSince',
] as const;

type Row = Record<(typeof COLUMNS)[number], string | null>;

export function csvCell(value: string | null): string {
  if (value === null) return '';
  // Quote everything; neutralise leading formula characters so a spreadsheet never runs a cell.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function digest(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function stamp(now: number): string {
  return new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

export function exportInventory(store: Store, now: number, format: 'csv' | 'json', connectionId?: string) {
  const connections = new Map(store.connections.list().map((c) => [c.id, c]));
  const rows: Row[] = [];
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  for (let offset = 0; ; offset += 1000) {
    const page = store.inventory.keys({ connectionId, offset, limit: 1000, sort: { column: 'name', direction: 'asc' } });
    const scopes = new Map<string, string>();
    for (const key of page.rows) {
      const connection = connections.get(key.connectionId);
      if (!scopes.has(`${key.connectionId}:${key.scopeId}`)) {
        for (const scope of store.inventory.listScopes(key.connectionId)) scopes.set(`${key.connectionId}:${scope.id}`, scope.name);
      }
      rows.push({
        connection: connection?.name ?? key.connectionId,
        backend: connection?.kind ?? null,
        scope: scopes.get(`${key.connectionId}:${key.scopeId}`) ?? key.scopeId,
        keyId: key.id,
        name: key.name,
        localLabel: key.localLabel,
        type: key.type,
        category: key.category,
        role: key.role,
        status: key.goneSince !== null ? 'gone' : key.status,
        maskedValue: key.maskedValue ?? key.localHint,
        createdAt: iso(key.createdAt),
        createdBy: key.createdBy,
        expiresAt: iso(key.expiresAt),
        lastUsedAt: iso(key.lastUsedAt),
        lastSeenAt: iso(key.lastSeenAt),
        goneSince: iso(key.goneSince),
      });
    }
    if (offset + 1000 >= page.total) break;
  }
  const content =
    format === 'json'
      ? `${JSON.stringify({ exportedAt: new Date(now).toISOString(), keys: rows }, null, 2)}\n`
      : `${[COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(','))].join('\n')}\n`;
  const scope = connectionId ? (connections.get(connectionId)?.name ?? 'connection').replace(/[^\w.-]+/g, '-').toLowerCase() : 'all';
  return { fileName: `keyfleet-inventory-${scope}-${stamp(now)}.${format}`, content, sha256: digest(content), keys: rows.length };
}
