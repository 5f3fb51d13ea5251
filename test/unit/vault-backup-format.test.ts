// The vault backup file: three lines (header, payload, checksum) that restore only whole, authentic
// and with the right passphrase; every other file is refused with the reason a person needs.
import { describe, expect, it } from 'vitest';
import { VaultCryptoError } from '../../src-main/secrets/vault-crypto.ts';
import { BACKUP_FORMAT, readBackup, writeBackup, type BackupEntry } from '../../src-main/services/vault/backup-format.ts';
import { createHash } from 'node:crypto';

const FAST = { N: 2 ** 14, r: 8, p: 1 };
const PASS = 'a backup passphrase of my own';
const entries: BackupEntry[] = [
  {
    id: 'b9f1c0de-0000-4000-8000-000000000001',
    name: 'OpenAI personal',
    service: 'OpenAI',
    url: 'https://platform.openai.com',
    notes: null,
    expiresAt: null,
    tags: ['llm'],
    fields: [{ label: 'API key', value: 'sk-backup-secret-Yq8d', secret: true }],
    link: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
  },
];

const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => 'opened',
    (error: unknown) => (error instanceof VaultCryptoError ? error.reason : `unexpected: ${String(error)}`),
  );
/** A file whose first two lines are as given, with a checksum that matches them. */
const resealed = (header: string, payload: string) => {
  const body = `${header}\n${payload}\n`;
  return `${body}sha256 ${createHash('sha256').update(body).digest('hex')}\n`;
};

describe('vault backup file', () => {
  it('is a header naming format, version, KDF, parameters and cipher, a base64 payload and a checksum; no secret in clear', async () => {
    const file = await writeBackup(entries, PASS, FAST, Date.parse('2025-06-01T10:00:00Z'));
    const lines = file.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      format: BACKUP_FORMAT,
      version: 1,
      createdAt: '2025-06-01T10:00:00.000Z',
      kdf: { name: 'scrypt', N: 16384, r: 8, p: 1 },
      cipher: { name: 'aes-256-gcm' },
    });
    expect(lines[1]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(lines[2]).toMatch(/^sha256 [0-9a-f]{64}$/);
    for (const needle of ['sk-backup-secret', 'OpenAI personal', 'llm']) expect(file).not.toContain(needle);
    expect(await readBackup(file, PASS)).toEqual({ entries, createdAt: '2025-06-01T10:00:00.000Z' });
    // Windows line endings from a copy through another system change nothing.
    expect((await readBackup(file.replace(/\n/g, '\r\n'), PASS)).entries).toEqual(entries);
  });

  it('refuses a wrong passphrase, a damaged or cut file, another file and a newer version, each for its reason', async () => {
    const file = await writeBackup(entries, PASS, FAST, Date.now());
    const [header, payload] = file.split('\n') as [string, string];
    expect(await reason(readBackup(file, 'not the passphrase'))).toBe('wrong-passphrase');
    // One character of the payload changed: the checksum tells at once.
    const flipped = `${payload.slice(0, 10)}${payload[10] === 'A' ? 'B' : 'A'}${payload.slice(11)}`;
    expect(await reason(readBackup(file.replace(payload, flipped), PASS))).toBe('damaged');
    // …and with the checksum recomputed, the cipher's tag does.
    expect(await reason(readBackup(resealed(header, flipped), PASS))).toBe('damaged');
    // A header edited (here its creation time, authenticated like the rest), checksum recomputed.
    expect(await reason(readBackup(resealed(header.replace('"createdAt":"', '"createdAt":"1'), payload), PASS))).toBe('damaged');
    expect(await reason(readBackup(file.slice(0, file.length / 2), PASS))).toBe('damaged');
    expect(await reason(readBackup(`${file}extra line\n`, PASS))).toBe('damaged');
    expect(await reason(readBackup('STRIPE_KEY=sk_live\n', PASS))).toBe('not-ours');
    expect(await reason(readBackup('', PASS))).toBe('not-ours');
    expect(await reason(readBackup(resealed(header.replace('"version":1', '"version":2'), payload), PASS))).toBe('newer-version');
  });
});
