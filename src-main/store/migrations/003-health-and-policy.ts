// Key health and client-side policy: what each cached key's backend can tell (last use, expiry)
// and whether it is privileged, per-connection policies, the expiry reminders already sent, and
// ghost rows (keys gone from the backend, kept visible until the user hides them).
export const name = 'health-and-policy';

export const sql = `
ALTER TABLE keys ADD COLUMN tracks_last_use INTEGER NOT NULL DEFAULT 0;
ALTER TABLE keys ADD COLUMN expiry_supported INTEGER NOT NULL DEFAULT 0;
ALTER TABLE keys ADD COLUMN privileged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE keys ADD COLUMN gone_since INTEGER;
ALTER TABLE keys ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
CREATE INDEX keys_by_expiry ON keys (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE policies (
  connection_id TEXT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
  max_lifetime_days INTEGER,
  require_expiry INTEGER NOT NULL DEFAULT 0,
  no_admin_keys INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE reminders (
  connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  key_id TEXT NOT NULL,
  threshold_days INTEGER NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (connection_id, key_id, threshold_days)
) STRICT;
`;
