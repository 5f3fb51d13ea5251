// The vault's cryptography: what a passphrase seals opens only with it, and any edit of the header
// (format, version, KDF parameters, salt, nonce) or of a ciphertext byte is caught; a wrong
// passphrase is told apart from a damaged seal; nonces are fresh; a vault secret's AAD ties it to
// its entry, position and label, so it cannot be moved; a header asking for absurd scrypt memory is
// refused before any derivation.
import { describe, expect, it } from 'vitest';
import {
  decrypt,
  encrypt,
  keyCheck,
  openWithPassphrase,
  randomKey,
  readHeader,
  sameKeyCheck,
  sealWithPassphrase,
  VaultCryptoError,
  type ScryptParams,
} from '../../src-main/secrets/vault-crypto.ts';
import { inspectItem, openItem, sealItem } from '../../src-main/secrets/vault-items.ts';

const FAST: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };
const FORMAT = 'keyfleet-test';
const secret = Buffer.from('the vault key, 32 bytes long....');

const seal = (passphrase = 'correct horse battery staple') => sealWithPassphrase({ format: FORMAT, version: 1, passphrase, plaintext: secret, params: FAST });
const open = (header: string, ciphertext: Buffer, passphrase = 'correct horse battery staple') =>
  openWithPassphrase({ format: FORMAT, version: 1, passphrase, header, ciphertext });
const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => 'opened',
    (error: unknown) => (error instanceof VaultCryptoError ? error.reason : `unexpected: ${String(error)}`),
  );

/** The header with one field replaced, re-serialised in the same key order. */
function edit(header: string, change: (h: Record<string, unknown> & { kdf: Record<string, unknown>; cipher: Record<string, unknown> }) => void): string {
  const parsed = JSON.parse(header) as Record<string, unknown> & { kdf: Record<string, unknown>; cipher: Record<string, unknown> };
  change(parsed);
  return JSON.stringify(parsed);
}

describe('sealing with a passphrase', () => {
  it('names the format, version, KDF with its parameters and salt, and the cipher with its nonce in the header', async () => {
    const { header, ciphertext } = await seal();
    const parsed = readHeader(header, FORMAT, 1);
    expect(parsed).toMatchObject({ format: FORMAT, version: 1, kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 }, cipher: { name: 'aes-256-gcm' } });
    expect(Buffer.from(parsed.kdf.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(parsed.cipher.nonce, 'base64')).toHaveLength(12);
    expect(ciphertext).toHaveLength(secret.length + 16);
    expect(ciphertext.includes(secret)).toBe(false);
    expect((await open(header, ciphertext)).plaintext).toEqual(secret);
  });

  it('uses a fresh salt and nonce every time', async () => {
    const a = await seal();
    const b = await seal();
    const [ha, hb] = [readHeader(a.header, FORMAT, 1), readHeader(b.header, FORMAT, 1)];
    expect(ha.kdf.salt).not.toBe(hb.kdf.salt);
    expect(ha.cipher.nonce).not.toBe(hb.cipher.nonce);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('tells a wrong passphrase from a damaged ciphertext', async () => {
    const { header, ciphertext } = await seal();
    expect(await reason(open(header, ciphertext, 'correct horse battery stapler'))).toBe('wrong-passphrase');
    for (const at of [0, 10, ciphertext.length - 1]) {
      const flipped = Buffer.from(ciphertext);
      flipped[at]! ^= 1;
      expect(await reason(open(header, flipped)), `byte ${at}`).toBe('damaged');
    }
    expect(await reason(open(header, ciphertext.subarray(0, ciphertext.length - 1)))).toBe('damaged');
  });

  it('binds the whole header: an edited nonce, extra field or parameter fails even with the right passphrase', async () => {
    const { header, ciphertext } = await seal();
    const otherNonce = edit(header, (h) => (h.cipher.nonce = Buffer.alloc(12, 7).toString('base64')));
    expect(await reason(open(otherNonce, ciphertext))).toBe('damaged');
    const extra = edit(header, (h) => (h.note = 'added later'));
    expect(await reason(open(extra, ciphertext))).toBe('damaged');
    // Other parameters derive another key: the check fails first.
    const weaker = edit(header, (h) => (h.kdf.N = 2 ** 13));
    expect(await reason(open(weaker, ciphertext))).toBe('wrong-passphrase');
  });

  it('refuses another format, a newer version and a header asking for absurd scrypt memory, before deriving', async () => {
    const { header, ciphertext } = await seal();
    expect(await reason(openWithPassphrase({ format: 'other', version: 1, passphrase: 'x', header, ciphertext }))).toBe('not-ours');
    expect(await reason(open(edit(header, (h) => (h.version = 2)), ciphertext))).toBe('newer-version');
    expect(await reason(open('not json', ciphertext))).toBe('not-ours');
    const started = Date.now();
    expect(await reason(open(edit(header, (h) => (h.kdf.N = 2 ** 24)), ciphertext))).toBe('damaged');
    expect(await reason(open(edit(header, (h) => (h.kdf.N = 3 * 2 ** 14)), ciphertext))).toBe('damaged');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads the passphrase as Unicode NFC: the same text typed composed or decomposed opens the seal', async () => {
    const { header, ciphertext } = await seal('Käsebrötchen über alles');
    const decomposed = 'Käsebrötchen über alles'.normalize('NFD');
    expect(decomposed).not.toBe('Käsebrötchen über alles');
    expect((await open(header, ciphertext, decomposed)).plaintext).toEqual(secret);
  });

  it('refuses to write parameters below the minimum', async () => {
    await expect(sealWithPassphrase({ format: FORMAT, version: 1, passphrase: 'x', plaintext: secret, params: { N: 2 ** 10, r: 8, p: 1 } })).rejects.toThrow(/minimum/);
  });
});

describe('AES-256-GCM with AAD', () => {
  it('opens only with the same key, nonce and AAD', () => {
    const key = randomKey();
    const aad = Buffer.from('where it belongs');
    const { nonce, ciphertext } = encrypt(key, Buffer.from('value'), aad);
    expect(decrypt(key, nonce, ciphertext, aad).toString()).toBe('value');
    expect(() => decrypt(key, nonce, ciphertext, Buffer.from('somewhere else'))).toThrow(VaultCryptoError);
    expect(() => decrypt(randomKey(), nonce, ciphertext, aad)).toThrow(VaultCryptoError);
    expect(() => decrypt(key, Buffer.alloc(12), ciphertext, aad)).toThrow(VaultCryptoError);
  });

  it('recognises a key by its check without revealing it', () => {
    const key = randomKey();
    expect(sameKeyCheck(keyCheck(key), keyCheck(Buffer.from(key)))).toBe(true);
    expect(sameKeyCheck(keyCheck(key), keyCheck(randomKey()))).toBe(false);
    expect(keyCheck(key).includes(key.subarray(0, 8))).toBe(false);
  });
});

describe('vault keychain items', () => {
  const key = randomKey();
  const fields = [
    { label: 'Access key', value: 'AKIA-public-part' },
    { label: 'Secret key', value: 'sk-very-secret-Zq9f8TqK' },
  ];

  it('hold only ciphertext, and open as the entry they were sealed for', () => {
    const item = sealItem(key, 'entry-a', fields);
    expect(item).not.toContain('sk-very-secret');
    expect(item).not.toContain('AKIA');
    expect(inspectItem(item)).toEqual({ kind: 'sealed' });
    expect(openItem(key, 'entry-a', ['Access key', 'Secret key'], item)).toEqual(['AKIA-public-part', 'sk-very-secret-Zq9f8TqK']);
  });

  it('cannot be moved to another entry, reordered, or read under another label', () => {
    const item = sealItem(key, 'entry-a', fields);
    expect(() => openItem(key, 'entry-b', ['Access key', 'Secret key'], item)).toThrow(VaultCryptoError);
    expect(() => openItem(key, 'entry-a', ['Access key', 'Token'], item)).toThrow(VaultCryptoError);
    const parsed = JSON.parse(item) as { fields: string[] };
    const swapped = JSON.stringify({ ...parsed, fields: [parsed.fields[1], parsed.fields[0]] });
    expect(() => openItem(key, 'entry-a', ['Access key', 'Secret key'], swapped)).toThrow(VaultCryptoError);
    // A field taken from another entry's item does not open here either.
    const other = JSON.parse(sealItem(key, 'entry-b', fields)) as { fields: string[] };
    const grafted = JSON.stringify({ ...parsed, fields: [parsed.fields[0], other.fields[1]] });
    expect(() => openItem(key, 'entry-a', ['Access key', 'Secret key'], grafted)).toThrow(VaultCryptoError);
    expect(() => openItem(randomKey(), 'entry-a', ['Access key', 'Secret key'], item)).toThrow(VaultCryptoError);
  });

  it('tells an older plaintext item from a sealed one and from anything else', () => {
    expect(inspectItem(JSON.stringify(['plain value']))).toEqual({ kind: 'legacy', values: ['plain value'] });
    expect(inspectItem('not json')).toEqual({ kind: 'unknown' });
    expect(inspectItem(JSON.stringify({ format: 'keyfleet-vault-secret', version: 2, cipher: 'aes-256-gcm', fields: ['a.b'] }))).toEqual({ kind: 'unknown' });
  });
});
