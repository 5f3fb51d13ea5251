// The first schema. Metadata only: no table has a column for a secret. A connection's
// credential lives in the OS keychain under an account derived from the connection id.
export const name = 'initial';

export const sql = `
CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  base_url TEXT NOT NULL,
  color TEXT NOT NULL,
  ca_pem TEXT,
  account_id TEXT,
  account_name TEXT,
  created_at INTEGER NOT NULL,
  last_success_at INTEGER
) STRICT;

CREATE TABLE scopes (
  connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  parent_id TEXT,
  position INTEGER NOT NULL,
  raw_json TEXT NOT NULL,
  PRIMARY KEY (connection_id, id)
) STRICT;

CREATE TABLE keys (
  connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  type TEXT NOT NULL,
  category TEXT NOT NULL,
  role TEXT,
  status TEXT NOT NULL,
  status_detail TEXT,
  masked_value TEXT,
  created_at INTEGER,
  created_by TEXT,
  expires_at INTEGER,
  last_used_at INTEGER,
  raw_json TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  PRIMARY KEY (connection_id, id)
) STRICT;
CREATE INDEX keys_by_scope ON keys (connection_id, scope_id);

CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  result TEXT NOT NULL CHECK (result IN ('running', 'ok', 'failed', 'cancelled')),
  error_kind TEXT,
  error_message TEXT,
  scopes INTEGER NOT NULL DEFAULT 0,
  keys INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL DEFAULT 0,
  removed INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sync_runs_by_connection ON sync_runs (connection_id, id);

CREATE TABLE changes (
  id INTEGER PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  sync_run_id INTEGER REFERENCES sync_runs(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('sync', 'keyfleet')),
  key_id TEXT NOT NULL,
  key_name TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('added', 'removed', 'changed')),
  fields_json TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX changes_by_key ON changes (connection_id, key_id, id);

CREATE TABLE operations (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  key_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  step TEXT,
  input_json TEXT NOT NULL,
  error_kind TEXT,
  error_message TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX operations_pending ON operations (state) WHERE state = 'pending';

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  connection_id TEXT,
  key_id TEXT,
  result TEXT NOT NULL CHECK (result IN ('ok', 'failed')),
  detail TEXT
) STRICT;
`;
