// The vault backup file (".kfvault"): three lines of text.
//   1. the header: JSON naming the format ("keyfleet-vault-backup"), its version, when it was made,
//      the KDF with its parameters and salt, the cipher with its nonce, and the passphrase check;
//   2. the payload, base64: AES-256-GCM ciphertext and tag of the entries as JSON, under a key
//      derived from the backup's own passphrase; the header's exact text is the AAD;
//   3. "sha256 " and the hex SHA-256 of lines 1 and 2 with their newlines: a damaged or cut file is
//      told at once, before any key is derived.
// The README's "Vault file formats" section documents it for anyone who must read one elsewhere.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { epochMs, httpUrl, name } from '../../../src-preload/contract/common.ts';
import { openWithPassphrase, sealWithPassphrase, VaultCryptoError, wipe, type ScryptParams } from '../../secrets/vault-crypto.ts';

export const BACKUP_FORMAT = 'keyfleet-vault-backup';
export const BACKUP_VERSION = 1;
export const BACKUP_EXTENSION = 'kfvault';
/** Far above any vault (500 entries of 8 fields of 16 KB is 64 MB of secrets, never reached in practice). */
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024;

const entrySchema = z.strictObject({
  id: z.string().min(1).max(128),
  name,
  service: z.string().trim().min(1).max(128),
  url: httpUrl.nullable(),
  notes: z.string().max(4096).nullable(),
  expiresAt: epochMs.nullable(),
  tags: z.array(z.string().trim().min(1).max(64)).max(32),
  fields: z
    .array(z.strictObject({ label: z.string().trim().min(1).max(128), value: z.string().min(1).max(16_384), secret: z.boolean() }))
    .min(1)
    .max(8),
  link: z.strictObject({ connectionId: z.string().max(128), keyId: z.string().max(512) }).nullable(),
  createdAt: epochMs,
  updatedAt: epochMs,
});

const payloadSchema = z.strictObject({
  entries: z.array(entrySchema).max(10_000),
});

export type BackupEntry = z.infer<typeof entrySchema>;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export async function writeBackup(entries: BackupEntry[], passphrase: string, params: ScryptParams, at: number): Promise<string> {
  const plaintext = Buffer.from(JSON.stringify({ entries }), 'utf8');
  try {
    const { header, ciphertext } = await sealWithPassphrase({
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      passphrase,
      plaintext,
      params,
      extra: { createdAt: new Date(at).toISOString() },
    });
    const body = `${header}\n${ciphertext.toString('base64')}\n`;
    return `${body}sha256 ${digest(body)}\n`;
  } finally {
    wipe(plaintext);
  }
}

/**
 * Reads a backup file; anything but a whole, authentic file and the right passphrase throws
 * VaultCryptoError: 'not-ours' (not a backup), 'newer-version', 'damaged', 'wrong-passphrase'.
 */
export async function readBackup(content: string, passphrase: string): Promise<{ entries: BackupEntry[]; createdAt: string | null }> {
  const lines = content.replace(/\r\n/g, '\n').split('\n');
  const [header = '', payload = '', trailer = ''] = lines;
  let named: { format?: unknown; version?: unknown } = {};
  try {
    named = JSON.parse(header) as typeof named;
  } catch {
    // not JSON: not a backup
  }
  if (typeof named !== 'object' || named === null || named.format !== BACKUP_FORMAT) throw new VaultCryptoError('not-ours');
  if (typeof named.version === 'number' && named.version > BACKUP_VERSION) throw new VaultCryptoError('newer-version');
  const body = `${header}\n${payload}\n`;
  if (trailer !== `sha256 ${digest(body)}` || lines.slice(3).some((l) => l !== '') || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) {
    throw new VaultCryptoError('damaged');
  }
  let plaintext: Buffer | undefined;
  try {
    const opened = await openWithPassphrase({ format: BACKUP_FORMAT, version: BACKUP_VERSION, passphrase, header, ciphertext: Buffer.from(payload, 'base64') });
    plaintext = opened.plaintext;
    const parsed = payloadSchema.safeParse(JSON.parse(plaintext.toString('utf8')));
    if (!parsed.success) throw new VaultCryptoError('damaged');
    const createdAt = typeof opened.header.createdAt === 'string' ? opened.header.createdAt : null;
    return { entries: parsed.data.entries, createdAt };
  } catch (error) {
    // JSON.parse of an authentic payload cannot fail; anything unexpected is a damaged file all the same.
    throw error instanceof VaultCryptoError ? error : new VaultCryptoError('damaged');
  } finally {
    wipe(plaintext);
  }
}
