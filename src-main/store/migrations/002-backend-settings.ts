// Per-connection backend settings (which organization, which API era, read-only credential) and
// per-key local state a sync must not overwrite: a hold that keeps a row the backend's list does
// not show yet (or still shows), a recognisable hint of a secret the backend never masks, and a
// local label for backends that cannot rename.
export const name = 'backend-settings';

export const sql = `
ALTER TABLE connections ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE keys ADD COLUMN hold_until INTEGER;
ALTER TABLE keys ADD COLUMN hold_reason TEXT CHECK (hold_reason IN ('created', 'revoked'));
ALTER TABLE keys ADD COLUMN local_hint TEXT;
ALTER TABLE keys ADD COLUMN local_label TEXT;
`;
