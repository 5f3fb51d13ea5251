// What a vault entry's keychain item (account vault:<id>) holds: each field's value encrypted with
// the vault key, its AAD naming the entry id, the field's position and its label, so a ciphertext
// copied into another entry, another field or another label does not open. Items written before
// vault passphrases existed hold the values as a plain JSON array; they are read only until the
// migration has encrypted them all.
import { z } from 'zod';
import { CIPHER, decrypt, encrypt, VaultCryptoError, wipe } from './vault-crypto.ts';

export const ITEM_FORMAT = 'keyfleet-vault-secret';
export const ITEM_VERSION = 1;

const itemSchema = z.strictObject({
  format: z.literal(ITEM_FORMAT),
  version: z.literal(ITEM_VERSION),
  cipher: z.literal(CIPHER),
  /** One "<nonce>.<ciphertext+tag>" (base64) per field, in the entry's field order. */
  fields: z.array(z.string().regex(/^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/)).min(1).max(64),
});

const legacySchema = z.array(z.string());

/** The AAD of one field: JSON of a fixed tuple, so no two (entry, index, label) share one. */
export const fieldAad = (entryId: string, index: number, label: string): Buffer =>
  Buffer.from(JSON.stringify([ITEM_FORMAT, ITEM_VERSION, entryId, index, label]), 'utf8');

export function sealItem(key: Buffer, entryId: string, fields: ReadonlyArray<{ label: string; value: string }>): string {
  return JSON.stringify({
    format: ITEM_FORMAT,
    version: ITEM_VERSION,
    cipher: CIPHER,
    fields: fields.map((field, index) => {
      const plaintext = Buffer.from(field.value, 'utf8');
      const { nonce, ciphertext } = encrypt(key, plaintext, fieldAad(entryId, index, field.label));
      wipe(plaintext);
      return `${nonce.toString('base64')}.${ciphertext.toString('base64')}`;
    }),
  });
}

export type StoredItem = { kind: 'sealed' } | { kind: 'legacy'; values: string[] } | { kind: 'unknown' };

/** What a keychain item holds, without a key. */
export function inspectItem(stored: string): StoredItem {
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    return { kind: 'unknown' };
  }
  if (itemSchema.safeParse(json).success) return { kind: 'sealed' };
  const legacy = legacySchema.safeParse(json);
  return legacy.success ? { kind: 'legacy', values: legacy.data } : { kind: 'unknown' };
}

/** The values of a sealed item, or VaultCryptoError('damaged') if any field does not open as this entry's. */
export function openItem(key: Buffer, entryId: string, labels: readonly string[], stored: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    throw new VaultCryptoError('damaged');
  }
  const item = itemSchema.safeParse(json);
  if (!item.success || item.data.fields.length !== labels.length) throw new VaultCryptoError('damaged');
  return item.data.fields.map((sealed, index) => {
    const [nonce, ciphertext] = sealed.split('.') as [string, string];
    const plaintext = decrypt(key, Buffer.from(nonce, 'base64'), Buffer.from(ciphertext, 'base64'), fieldAad(entryId, index, labels[index]!));
    const value = plaintext.toString('utf8');
    wipe(plaintext);
    return value;
  });
}
