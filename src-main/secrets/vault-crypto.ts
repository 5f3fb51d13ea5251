// The vault's cryptography, on node:crypto alone: scrypt derives a key from a passphrase,
// AES-256-GCM encrypts (random 96-bit nonces, 128-bit tags), and every ciphertext's AAD names what
// it is, so a ciphertext moved to another place, or a header edited, fails to open. Two things are
// sealed with a passphrase (the vault key, and a backup file); each vault secret is sealed with the
// vault key. File and column formats are documented in the README ("Vault file formats").
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export interface ScryptParams {
  /** CPU/memory cost, a power of two: memory is 128 · N · r bytes. */
  N: number;
  r: number;
  p: number;
}

/** 128 MiB and about 0.35 s on a 2020s laptop core; raised later by rewrapping at unlock. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
/** The weakest a new seal may use (what tests run with). */
export const MIN_SCRYPT_N = 2 ** 14;
/** The most a header read from disk or a file may ask for: 1 GiB of memory. */
const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const CHECK_BYTES = 16;
export const CIPHER = 'aes-256-gcm';

const b64 = z.base64().max(1024);
const kdfSchema = z.strictObject({
  name: z.literal('scrypt'),
  N: z.int().min(2 ** 10).max(2 ** 24).refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  r: z.int().min(1).max(64),
  p: z.int().min(1).max(16),
  salt: b64,
});
const headerSchema = z
  .object({
    format: z.string().max(64),
    version: z.int(),
    kdf: kdfSchema,
    cipher: z.strictObject({ name: z.literal(CIPHER), nonce: b64 }),
    check: b64,
  })
  .refine((h) => 128 * h.kdf.N * h.kdf.r <= MAX_SCRYPT_MEMORY, 'asks for more memory than Keyfleet allows');

export type KdfHeader = z.infer<typeof kdfSchema>;
export type SealHeader = z.infer<typeof headerSchema> & Record<string, unknown>;

/** Why something did not open; the services turn each into a message for a person. */
export type OpenFailure = 'not-ours' | 'newer-version' | 'wrong-passphrase' | 'damaged';

export class VaultCryptoError extends Error {
  readonly reason: OpenFailure;

  constructor(reason: OpenFailure) {
    super(`vault crypto: ${reason}`);
    this.name = 'VaultCryptoError';
    this.reason = reason;
  }
}

export const randomKey = (): Buffer => randomBytes(KEY_BYTES);

/** Zeroes buffers that held key material or plaintext, once they are no longer needed. */
export function wipe(...buffers: Array<Buffer | null | undefined>): void {
  for (const buffer of buffers) buffer?.fill(0);
}

/** AES-256-GCM with a fresh random nonce; the tag is appended to the ciphertext. */
export function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { nonce: Buffer; ciphertext: Buffer } {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, ciphertext };
}

/** Opens what encrypt() sealed, or throws 'damaged': a wrong key, nonce, AAD or a changed byte. */
export function decrypt(key: Buffer, nonce: Buffer, ciphertext: Buffer, aad: Buffer): Buffer {
  if (nonce.length !== NONCE_BYTES || ciphertext.length < TAG_BYTES) throw new VaultCryptoError('damaged');
  try {
    const decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
    return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new VaultCryptoError('damaged');
  }
}

/**
 * scrypt of the passphrase (Unicode NFC, UTF-8), then HKDF-SHA256 into two independent keys: one
 * encrypts, the other proves the passphrase (the header's `check`), so a wrong passphrase and a
 * damaged ciphertext are told apart.
 */
export async function deriveKeys(passphrase: string, kdf: KdfHeader): Promise<{ key: Buffer; check: Buffer }> {
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  const salt = Buffer.from(kdf.salt, 'base64');
  try {
    const master = await new Promise<Buffer>((resolve, reject) =>
      scrypt(secret, salt, KEY_BYTES, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 128 * kdf.N * kdf.r + 64 * 1024 * 1024 }, (error, derived) =>
        error ? reject(error) : resolve(derived),
      ),
    );
    const key = Buffer.from(hkdfSync('sha256', master, salt, 'keyfleet aes-256-gcm key', KEY_BYTES));
    const checkKey = Buffer.from(hkdfSync('sha256', master, salt, 'keyfleet passphrase check', KEY_BYTES));
    wipe(master);
    const check = createHmac('sha256', checkKey).update('keyfleet passphrase check v1').digest().subarray(0, CHECK_BYTES);
    wipe(checkKey);
    return { key, check };
  } finally {
    wipe(secret);
  }
}

/**
 * Seals a plaintext with a passphrase. The header is JSON naming the format, its version, the KDF
 * with its parameters and salt, the cipher with its nonce, and the passphrase check; the exact
 * bytes of the header text are the AAD, so none of it can be changed without the seal failing.
 */
export async function sealWithPassphrase(options: {
  format: string;
  version: number;
  passphrase: string;
  plaintext: Buffer;
  params: ScryptParams;
  /** More header fields (a backup's creation time): authenticated like the rest. */
  extra?: Record<string, string | number>;
}): Promise<{ header: string; ciphertext: Buffer }> {
  const { N, r, p } = options.params;
  if (N < MIN_SCRYPT_N) throw new Error('scrypt parameters below the minimum');
  const kdf: KdfHeader = { name: 'scrypt', N, r, p, salt: randomBytes(SALT_BYTES).toString('base64') };
  const { key, check } = await deriveKeys(options.passphrase, kdf);
  try {
    const nonce = randomBytes(NONCE_BYTES);
    const header = JSON.stringify({
      format: options.format,
      version: options.version,
      ...options.extra,
      kdf,
      cipher: { name: CIPHER, nonce: nonce.toString('base64') },
      check: check.toString('base64'),
    });
    const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(header, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(options.plaintext), cipher.final(), cipher.getAuthTag()]);
    return { header, ciphertext };
  } finally {
    wipe(key, check);
  }
}

/** Reads a header without a passphrase: what format and parameters it names. */
export function readHeader(header: string, format: string, version: number): SealHeader {
  let json: unknown;
  try {
    json = JSON.parse(header);
  } catch {
    throw new VaultCryptoError('not-ours');
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== format) throw new VaultCryptoError('not-ours');
  const v = (json as { version?: unknown }).version;
  if (typeof v === 'number' && v > version) throw new VaultCryptoError('newer-version');
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success || parsed.data.version !== version) throw new VaultCryptoError('damaged');
  return json as SealHeader;
}

/** Opens what sealWithPassphrase sealed: 'wrong-passphrase' when the check fails, 'damaged' when the rest does. */
export async function openWithPassphrase(options: {
  format: string;
  version: number;
  passphrase: string;
  header: string;
  ciphertext: Buffer;
}): Promise<{ plaintext: Buffer; header: SealHeader }> {
  const header = readHeader(options.header, options.format, options.version);
  const { key, check } = await deriveKeys(options.passphrase, header.kdf);
  try {
    const expected = Buffer.from(header.check, 'base64');
    if (expected.length !== check.length || !timingSafeEqual(expected, check)) throw new VaultCryptoError('wrong-passphrase');
    const plaintext = decrypt(key, Buffer.from(header.cipher.nonce, 'base64'), options.ciphertext, Buffer.from(options.header, 'utf8'));
    return { plaintext, header };
  } finally {
    wipe(key, check);
  }
}

/** Whether a header's parameters are weaker than the ones Keyfleet now writes. */
export const weakerThan = (kdf: KdfHeader, params: ScryptParams): boolean => kdf.N < params.N || kdf.r < params.r || kdf.p < params.p;

/** Recognises a key without revealing it: HMAC-SHA256 of a fixed label, cut to 16 bytes. */
export const keyCheck = (key: Buffer): Buffer => createHmac('sha256', key).update('keyfleet vault key check v1').digest().subarray(0, CHECK_BYTES);

export const sameKeyCheck = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);
