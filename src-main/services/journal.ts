// The local action journal: every remote change Keyfleet made (when, where, what, how it went),
// viewable and exportable. Entries never hold a secret: details are AppError messages and names.
import type { AuditEntryView } from '../../src-preload/contract.ts';
import type { Store } from '../store/index.ts';
import { csvCell, digest, stamp } from './exports.ts';

const COLUMNS = ['at', 'action', 'connection', 'connectionId', 'keyId', 'result', 'detail'] as const;

export function createJournalService(deps: { store: Store; now: () => number }) {
  const { store } = deps;

  function names(): Map<string, string> {
    return new Map(store.connections.list().map((c) => [c.id, c.name]));
  }

  function list(offset: number, limit: number): { rows: AuditEntryView[]; total: number } {
    const byId = names();
    const page = store.journal.auditPage(offset, limit);
    return {
      total: page.total,
      rows: page.rows.map((row) => ({
        id: row.id,
        at: row.at,
        action: row.action,
        connectionId: row.connectionId,
        connectionName: row.connectionId ? (byId.get(row.connectionId) ?? null) : null,
        keyId: row.keyId,
        result: row.result,
        detail: row.detail,
      })),
    };
  }

  return {
    list,

    export(format: 'csv' | 'json'): { fileName: string; content: string; sha256: string } {
      const rows: AuditEntryView[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = list(offset, 1000);
        for (const row of page.rows) rows.push(row);
        if (offset + 1000 >= page.total) break;
      }
      rows.reverse(); // oldest first, as a log reads
      const content =
        format === 'json'
          ? `${JSON.stringify(rows, null, 2)}\n`
          : [
              COLUMNS.join(','),
              ...rows.map((r) =>
                [new Date(r.at).toISOString(), r.action, r.connectionName ?? '', r.connectionId ?? '', r.keyId ?? '', r.result, r.detail ?? '']
                  .map(csvCell)
                  .join(','),
              ),
            ].join('\n') + '\n';
      return { fileName: `keyfleet-journal-${stamp(deps.now())}.${format}`, content, sha256: digest(content) };
    },
  };
}
