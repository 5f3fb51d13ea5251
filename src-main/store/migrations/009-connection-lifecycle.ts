// What a connection's lifecycle needs beyond its first verification: the organization it manages
// (a new credential must reach the same one), when its credential was stored (signin_stored_at),
// which key in the inventory is that credential, and whether an action ended it (signin_ended_*).
// No column holds or is named like a secret: the credential itself stays in the keychain. Existing connections take the
// organization their backend's settings already named, and their creation time as the
// credential's.
export const name = 'connection-lifecycle';

export const sql = `
ALTER TABLE connections ADD COLUMN organization_id TEXT;
ALTER TABLE connections ADD COLUMN organization_name TEXT;
ALTER TABLE connections ADD COLUMN signin_stored_at INTEGER;
ALTER TABLE connections ADD COLUMN own_key_id TEXT;
ALTER TABLE connections ADD COLUMN signin_ended_at INTEGER;
ALTER TABLE connections ADD COLUMN signin_ended_reason TEXT;

UPDATE connections SET signin_stored_at = created_at;
UPDATE connections SET
  organization_id = CASE kind
    WHEN 'rancher' THEN account_id
    WHEN 'envzero' THEN json_extract(settings_json, '$.target')
    WHEN 'deepset' THEN json_extract(settings_json, '$.target')
    WHEN 'langwatch' THEN json_extract(settings_json, '$.organizationId')
  END,
  organization_name = CASE kind
    WHEN 'rancher' THEN account_name
    WHEN 'envzero' THEN json_extract(settings_json, '$.targetName')
    WHEN 'deepset' THEN json_extract(settings_json, '$.targetName')
    WHEN 'langwatch' THEN json_extract(settings_json, '$.organizationName')
  END;
`;
