// The vault key, wrapped: sealed with a key derived from the user's vault passphrase (see
// src-main/secrets/vault-crypto.ts). `header` is the seal's JSON header (KDF, its parameters and
// salt, cipher, nonce, passphrase check), whose exact text is the seal's AAD; `wrapped` is the
// ciphertext and tag of the 32-byte key; `key_check` an HMAC of the key (it tells a copy of the
// key, such as the one Touch ID reads, from another key, and reveals nothing of it). One row at most. Also what unlocking needs to remember
// across restarts: when the plaintext keychain items of older versions were all encrypted, how
// many wrong passphrases came in a row (the delay grows with them), and whether Touch ID unlocks.
export const name = 'vault-key';

export const sql = `
CREATE TABLE vault_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  header TEXT NOT NULL,
  wrapped BLOB NOT NULL,
  key_check BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  migrated_at INTEGER,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  last_failed_at INTEGER,
  device_unlock INTEGER NOT NULL DEFAULT 0
) STRICT;
`;
