// When the user accepted that a connection reaches its backend over plain http (another machine,
// unencrypted). Connections made before Keyfleet asked were made over http on purpose: they count
// as accepted from when they were made, and are marked like any other.
export const name = 'plain-http';

export const sql = `
ALTER TABLE connections ADD COLUMN plain_http_accepted_at INTEGER;
UPDATE connections SET plain_http_accepted_at = created_at WHERE base_url LIKE 'http:%';
`;
