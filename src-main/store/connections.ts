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
  organization_id: string | null;
  organization_name: string | null;
  signin_stored_at: number | null;
  own_key_id: string | null;
  signin_ended_at: number | null;
  signin_ended_reason: string | null;
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
  organizationId: row.organization_id,
  organizationName: row.organization_name,
  credentialSetAt: row.signin_stored_at ?? row.created_at,
  ownKeyId: row.own_key_id,
  credentialEnded: row.signin_ended_at === null ? null : { at: row.signin_ended_at, reason: row.signin_ended_reason ?? '' },
  plainHttpAcceptedAt: row.plain_http_accepted_at,
});

function toParams(record: ConnectionRecord) {
  const { settings, credentialEnded, ...rest } = record;
  return {
    ...rest,
    plainHttpAcceptedAt: rest.plainHttpAcceptedAt ?? null,
    settingsJson: JSON.stringify(settings),
    endedAt: credentialEnded?.at ?? null,
    endedReason: credentialEnded?.reason ?? null,
  };
}

export function connectionQueries(db: Db) {
  const insert = db.prepare(`INSERT INTO connections
    (id, kind, name, base_url, color, ca_pem, account_id, account_name, created_at, last_success_at, settings_json, plain_http_accepted_at,
     organization_id, organization_name, signin_stored_at, own_key_id, signin_ended_at, signin_ended_reason)
    VALUES (@id, @kind, @name, @baseUrl, @color, @caPem, @accountId, @accountName, @createdAt, @lastSuccessAt, @settingsJson, @plainHttpAcceptedAt,
     @organizationId, @organizationName, @credentialSetAt, @ownKeyId, @endedAt, @endedReason)`);
  const replace = db.prepare(`UPDATE connections SET name = @name, base_url = @baseUrl, color = @color, ca_pem = @caPem,
    account_id = @accountId, account_name = @accountName, settings_json = @settingsJson, plain_http_accepted_at = @plainHttpAcceptedAt,
    organization_id = @organizationId, organization_name = @organizationName, signin_stored_at = @credentialSetAt, own_key_id = @ownKeyId,
    signin_ended_at = @endedAt, signin_ended_reason = @endedReason WHERE id = @id`);
  const all = db.prepare('SELECT * FROM connections ORDER BY created_at, id');
  const one = db.prepare('SELECT * FROM connections WHERE id = ?');
  const remove = db.prepare('DELETE FROM connections WHERE id = ?');
  const setSuccess = db.prepare('UPDATE connections SET last_success_at = ? WHERE id = ?');
  const setOwnKey = db.prepare('UPDATE connections SET own_key_id = ? WHERE id = ?');
  const setEnded = db.prepare('UPDATE connections SET signin_ended_at = ?, signin_ended_reason = ? WHERE id = ?');

  return {
    insert(record: ConnectionRecord): void {
      insert.run(toParams(record));
    },
    /** Writes every field of an existing connection (its id, kind and creation time stay). */
    update(record: ConnectionRecord): boolean {
      const { kind: _kind, createdAt: _createdAt, lastSuccessAt: _lastSuccessAt, ...params } = toParams(record);
      return replace.run(params).changes > 0;
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
    setOwnKey(id: string, keyId: string | null): void {
      setOwnKey.run(keyId, id);
    },
    /** An action ended the credential (or null: a new one was stored). */
    setCredentialEnded(id: string, ended: { at: number; reason: string } | null): void {
      setEnded.run(ended?.at ?? null, ended?.reason ?? null, id);
    },
  };
}
