import type { ProviderKind } from '../../src-preload/contract.ts';
import type { ConnectionRecord, ConnectionSettings } from '../model.ts';
import type { Db } from './db.ts';

interface Row {
  id: string;
  kind: string;
  name: string;
  base_url: string;
  color: string;
  ca_pem: string | null;
  account_id: string | null;
  account_name: string | null;
  created_at: number;
  last_success_at: number | null;
  settings_json: string;
  plain_http_accepted_at: number | null;
}

const toRecord = (row: Row): ConnectionRecord => ({
  id: row.id,
  kind: row.kind as ProviderKind,
  name: row.name,
  baseUrl: row.base_url,
  color: row.color,
  caPem: row.ca_pem,
  accountId: row.account_id,
  accountName: row.account_name,
  createdAt: row.created_at,
  lastSuccessAt: row.last_success_at,
  settings: JSON.parse(row.settings_json) as ConnectionSettings,
  plainHttpAcceptedAt: row.plain_http_accepted_at,
});

export function connectionQueries(db: Db) {
  const insert = db.prepare(`INSERT INTO connections
    (id, kind, name, base_url, color, ca_pem, account_id, account_name, created_at, last_success_at, settings_json, plain_http_accepted_at)
    VALUES (@id, @kind, @name, @baseUrl, @color, @caPem, @accountId, @accountName, @createdAt, @lastSuccessAt, @settingsJson, @plainHttpAcceptedAt)`);
  const all = db.prepare('SELECT * FROM connections ORDER BY created_at, id');
  const one = db.prepare('SELECT * FROM connections WHERE id = ?');
  const remove = db.prepare('DELETE FROM connections WHERE id = ?');
  const setSuccess = db.prepare('UPDATE connections SET last_success_at = ? WHERE id = ?');

  return {
    insert(record: ConnectionRecord): void {
      const { settings, ...rest } = record;
      insert.run({ ...rest, plainHttpAcceptedAt: rest.plainHttpAcceptedAt ?? null, settingsJson: JSON.stringify(settings) });
    },
    list(): ConnectionRecord[] {
      return (all.all() as Row[]).map(toRecord);
    },
    get(id: string): ConnectionRecord | undefined {
      const row = one.get(id) as Row | undefined;
      return row && toRecord(row);
    },
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
    markSynced(id: string, at: number): void {
      setSuccess.run(at, id);
    },
  };
}
