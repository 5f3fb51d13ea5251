// The personal vault's metadata (its secrets live in the OS keychain, under vault:<id>) and the
// app's settings. Field labels are stored to show what an entry holds; field values never are.
export const name = 'vault-and-settings';

export const sql = `
CREATE TABLE vault_entries (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  url TEXT,
  notes TEXT,
  expires_at INTEGER,
  tags_json TEXT NOT NULL DEFAULT '[]',
  fields_json TEXT NOT NULL,
  linked_connection_id TEXT,
  linked_key_id TEXT,
  verified_at INTEGER,
  verify_result TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX vault_by_link ON vault_entries (linked_connection_id, linked_key_id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL
) STRICT;
`;
