// The vault's files with the real keychain: an encrypted backup (0600, no secret in clear) restores
// into a fresh data dir with another vault passphrase; a wrong passphrase or a damaged file is a
// clear error that changes nothing; restoring next to existing entries previews the duplicates and
// skips or renames them as chosen. A .env file is imported as dotenv reads it (a PEM key whole) and
// chosen entries are exported to a 0600 .env file that dotenv reads back exactly.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import keytar from '@github/keytar';
import { parse } from 'dotenv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE } from '../../src-main/secrets/secret-store.ts';
import { vaultAccount } from '../../src-main/services/vault/index.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { openVault, type VaultOnDisk } from '../support/vault-service.ts';

const PEM = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '-----END PRIVATE KEY-----'].join('\n');
const TOKEN = 'sk-files-Vq3mT8zL1pR6wX0c';
const dirs: Array<ReturnType<typeof tempDir>> = [];
const vaults: VaultOnDisk[] = [];

const fresh = async (passphrase: string) => {
  const dir = tempDir('keyfleet-vault-files-');
  dirs.push(dir);
  const v = openVault(dir.path);
  vaults.push(v);
  await v.vault.setup(passphrase);
  return { ...v, dir: dir.path };
};
const error = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as { kind: string; message: string; fields?: Record<string, string> });
const fileMode = (path: string) => statSync(path).mode & 0o777;

let out: ReturnType<typeof tempDir>;
beforeEach(() => {
  out = tempDir('keyfleet-vault-out-');
});
afterEach(async () => {
  for (const v of vaults.splice(0)) {
    for (const entry of v.store.vault.list()) await keytar.deletePassword(KEYCHAIN_SERVICE, vaultAccount(entry.id));
    v.close();
  }
  for (const d of dirs.splice(0)) d.cleanup();
  out.cleanup();
});

describe('vault backup', () => {
  it('backs up to one 0600 file and restores into a fresh data dir; a wrong passphrase or a damaged file changes nothing', async () => {
    const a = await fresh('first machine passphrase');
    await a.vault.add({ name: 'OpenAI personal', service: 'OpenAI', tags: ['llm'], notes: 'laptop', fields: [{ label: 'API key', value: TOKEN, secret: true }] });
    await a.vault.add({ name: 'Signing key', service: 'internal', fields: [{ label: 'PEM', value: PEM, secret: true }] });
    a.files.save = join(out.path, 'vault.kfvault');
    expect(await a.vault.backup('the backup passphrase')).toMatchObject({ fileName: 'vault.kfvault', entries: 2 });
    expect(fileMode(a.files.save)).toBe(0o600);
    const file = readFileSync(a.files.save, 'utf8');
    for (const clear of [TOKEN, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'OpenAI personal', 'laptop']) expect(file).not.toContain(clear);

    const b = await fresh('second machine passphrase');
    b.files.open = a.files.save;
    const wrong = await error(b.vault.restorePreview('first machine passphrase'));
    expect(wrong).toMatchObject({ kind: 'validation', message: 'Wrong passphrase for vault.kfvault. Nothing was restored.', fields: { passphrase: 'Wrong passphrase for this backup.' } });
    const damagedPath = join(out.path, 'damaged.kfvault');
    const lines = file.split('\n');
    writeFileSync(damagedPath, [lines[0], `${lines[1]!.slice(0, 20)}A${lines[1]!.slice(21)}`, lines[2], ''].join('\n'));
    b.files.open = damagedPath;
    expect(await error(b.vault.restorePreview('the backup passphrase'))).toMatchObject({ kind: 'validation', message: expect.stringMatching(/^damaged\.kfvault is damaged or incomplete/) });
    writeFileSync(damagedPath, 'TOKEN=abc\n');
    expect(await error(b.vault.restorePreview('the backup passphrase'))).toMatchObject({ message: 'damaged.kfvault is not a Keyfleet vault backup. Nothing was restored.' });
    expect(b.vault.list()).toEqual([]);

    b.files.open = a.files.save;
    const preview = await b.vault.restorePreview('the backup passphrase');
    if ('cancelled' in preview) throw new Error('cancelled');
    expect(preview.entries.map((e) => [e.name, e.duplicateOf, e.fields])).toEqual([
      ['OpenAI personal', null, ['API key']],
      ['Signing key', null, ['PEM']],
    ]);
    expect(b.vault.list()).toEqual([]);
    const report = await b.vault.restore(
      preview.restoreId,
      preview.entries.map((e) => ({ ref: e.ref, action: 'add' as const })),
    );
    expect(report).toEqual({ added: ['OpenAI personal', 'Signing key'], renamed: [], skipped: [], linksDropped: 0 });
    const restored = b.vault.list();
    expect(restored.map((e) => [e.name, e.service, e.tags, e.notes])).toEqual([
      ['OpenAI personal', 'OpenAI', ['llm'], 'laptop'],
      ['Signing key', 'internal', [], null],
    ]);
    expect((await b.vault.reveal(restored[1]!.id)).fields[0]!.value).toBe(PEM);
    // Sealed with the second vault's key, under new ids.
    expect(restored.map((e) => e.id)).not.toContain(a.vault.list()[0]!.id);
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, vaultAccount(restored[0]!.id))).not.toContain(TOKEN);
    expect(scanForSecrets(b.dir, [TOKEN, 'the backup passphrase'])).toEqual([]);
  });

  it('restoring beside existing entries previews duplicates, and skips or renames them as chosen', async () => {
    const a = await fresh('one passphrase here');
    await a.vault.add({ name: 'GitHub', service: 'github', fields: [{ label: 'Token', value: 'ghp_one', secret: true }] });
    await a.vault.add({ name: 'Stripe', service: 'stripe', fields: [{ label: 'Token', value: 'sk_two', secret: true }] });
    a.files.save = join(out.path, 'same.kfvault');
    await a.vault.backup('backup pass');
    a.files.open = a.files.save;
    const preview = await a.vault.restorePreview('backup pass');
    if ('cancelled' in preview) throw new Error('cancelled');
    expect(preview.entries.map((e) => [e.name, e.duplicateOf?.name, e.suggestedName])).toEqual([
      ['GitHub', 'GitHub', 'GitHub (restored)'],
      ['Stripe', 'Stripe', 'Stripe (restored)'],
    ]);
    expect(await error(a.vault.restore(preview.restoreId, [{ ref: 0, action: 'add' }]))).toMatchObject({ kind: 'validation' });
    expect(a.vault.list()).toHaveLength(2);
    const report = await a.vault.restore(preview.restoreId, [
      { ref: 0, action: 'skip' },
      { ref: 1, action: 'rename' },
    ]);
    expect(report).toEqual({ added: [], renamed: [{ from: 'Stripe', to: 'Stripe (restored)' }], skipped: ['GitHub'], linksDropped: 0 });
    const renamed = a.vault.list().find((e) => e.name === 'Stripe (restored)')!;
    expect((await a.vault.reveal(renamed.id)).fields[0]!.value).toBe('sk_two');
    // The preview is used up.
    expect(await error(a.vault.restore(preview.restoreId, []))).toMatchObject({ kind: 'not-found' });
  });
});

describe('vault and .env files', () => {
  it('imports what dotenv reads (a PEM whole), refuses a line it cannot read by number, exports chosen entries to a 0600 file', async () => {
    const v = await fresh('dotenv vault passphrase');
    const text = `# app\nexport API_TOKEN=${TOKEN}\nPRIVATE_KEY="${PEM}"\nEMPTY=\n`;
    expect(v.vault.parseEnv(text)).toEqual({
      variables: [
        { name: 'API_TOKEN', line: 2, empty: false },
        { name: 'PRIVATE_KEY', line: 3, empty: false },
        { name: 'EMPTY', line: 6, empty: true },
      ],
    });
    expect(JSON.stringify(v.vault.parseEnv(text))).not.toContain(TOKEN);
    const bad = await error(Promise.resolve().then(() => v.vault.parseEnv(`A=1\nPRIVATE_KEY="${PEM}\n`)));
    expect(bad).toMatchObject({ kind: 'validation', fields: { text: 'Line 2: the quoted value of PRIVATE_KEY is never closed, or has more text after its closing quote.' } });
    expect(await v.vault.importEnv({ text, service: 'app.env', tags: ['imported'], names: ['API_TOKEN', 'PRIVATE_KEY'] })).toEqual({ imported: 2 });
    const entries = v.vault.list();
    const pem = entries.find((e) => e.name === 'PRIVATE_KEY')!;
    expect((await v.vault.reveal(pem.id)).fields[0]!.value).toBe(PEM);

    await v.vault.add({ name: 'Rancher bot', service: 'rancher', fields: [{ label: 'Access key', value: 'AKIA1', secret: false }, { label: 'Secret key', value: `it's "quoted"`, secret: true }] });
    v.files.save = join(out.path, 'project.env');
    const ids = v.vault.list().filter((e) => e.name !== 'API_TOKEN').map((e) => e.id);
    const result = await v.vault.exportEnv(ids);
    expect(result).toMatchObject({ fileName: 'project.env', variables: ['PRIVATE_KEY', 'RANCHER_BOT_ACCESS_KEY', 'RANCHER_BOT_SECRET_KEY'] });
    expect(fileMode(v.files.save)).toBe(0o600);
    expect(parse(readFileSync(v.files.save, 'utf8'))).toEqual({ PRIVATE_KEY: PEM, RANCHER_BOT_ACCESS_KEY: 'AKIA1', RANCHER_BOT_SECRET_KEY: `it's "quoted"` });
    // An existing file with looser permissions is replaced, not reused.
    writeFileSync(v.files.save, 'old', { mode: 0o644 });
    await v.vault.exportEnv([pem.id]);
    expect(fileMode(v.files.save)).toBe(0o600);
    v.files.save = null;
    expect(await v.vault.exportEnv([pem.id])).toEqual({ cancelled: true });
  });
});
