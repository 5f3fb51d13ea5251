// Vault entries' metadata and the settings table. No value of a vault field is ever stored here.
import type { Db } from './db.ts';

export interface VaultRecord {
  id: string;
  name: string;
  service: string;
  url: string | null;
  notes: string | null;
  expiresAt: number | null;
  tags: string[];
  /** What the entry holds (labels, and which parts are secret): never the values. */
  fields: Array<{ label: string; secret: boolean }>;
  link: { connectionId: string; keyId: string } | null;
  verifiedAt: number | null;
  verifyResult: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  name: string;
  service: string;
  url: string | null;
  notes: string | null;
  expires_at: number | null;
  tags_json: string;
  fields_json: string;
  linked_connection_id: string | null;
  linked_key_id: string | null;
  verified_at: number | null;
  verify_result: string | null;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: Row): VaultRecord => ({
  id: row.id,
  name: row.name,
  service: row.service,
  url: row.url,
  notes: row.notes,
  expiresAt: row.expires_at,
  tags: JSON.parse(row.tags_json) as string[],
  fields: JSON.parse(row.fields_json) as VaultRecord['fields'],
  link: row.linked_connection_id && row.linked_key_id ? { connectionId: row.linked_connection_id, keyId: row.linked_key_id } : null,
  verifiedAt: row.verified_at,
  verifyResult: row.verify_result,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function vaultQueries(db: Db) {
  const upsert = db.prepare(`INSERT INTO vault_entries (id, name, service, url, notes, expires_at, tags_json, fields_json,
      linked_connection_id, linked_key_id, verified_at, verify_result, created_at, updated_at)
    VALUES (@id, @name, @service, @url, @notes, @expiresAt, @tagsJson, @fieldsJson, @linkedConnectionId, @linkedKeyId,
      @verifiedAt, @verifyResult, @createdAt, @updatedAt)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, service = excluded.service, url = excluded.url, notes = excluded.notes,
      expires_at = excluded.expires_at, tags_json = excluded.tags_json, fields_json = excluded.fields_json,
      linked_connection_id = excluded.linked_connection_id, linked_key_id = excluded.linked_key_id,
      verified_at = excluded.verified_at, verify_result = excluded.verify_result, updated_at = excluded.updated_at`);
  const all = db.prepare('SELECT * FROM vault_entries ORDER BY name COLLATE NOCASE, id');
  const one = db.prepare('SELECT * FROM vault_entries WHERE id = ?');
  const remove = db.prepare('DELETE FROM vault_entries WHERE id = ?');
  const count = db.prepare('SELECT count(*) AS n FROM vault_entries');

  return {
    put(record: VaultRecord): void {
      const { tags, fields, link, ...rest } = record;
      upsert.run({
        ...rest,
        tagsJson: JSON.stringify(tags),
        fieldsJson: JSON.stringify(fields),
        linkedConnectionId: link?.connectionId ?? null,
        linkedKeyId: link?.keyId ?? null,
      });
    },
    list(): VaultRecord[] {
      return (all.all() as Row[]).map(toRecord);
    },
    get(id: string): VaultRecord | undefined {
      const row = one.get(id) as Row | undefined;
      return row && toRecord(row);
    },
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
    count(): number {
      return (count.get() as { n: number }).n;
    },
  };
}
