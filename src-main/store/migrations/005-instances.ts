// Several Keyfleet processes may use one data dir at once (the desktop app and the command line).
// Each registers itself while it runs, and marks the journal operations and sync runs it is
// carrying out, so that a process starting up recovers only the work of processes that are gone.
export const name = 'instances';

export const sql = `
CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  boot_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL
) STRICT;
ALTER TABLE operations ADD COLUMN owner TEXT;
ALTER TABLE sync_runs ADD COLUMN owner TEXT;
`;
