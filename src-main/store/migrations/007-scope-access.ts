// What a scope allows, as its backend says: why it cannot be read now (a deactivated Rancher
// environment, whose cached keys a sync keeps as they were) or why keys cannot be created or
// changed in it (a read-only member). NULL when it can.
export const name = 'scope-access';

export const sql = `
ALTER TABLE scopes ADD COLUMN inactive TEXT;
ALTER TABLE scopes ADD COLUMN read_only TEXT;
`;
