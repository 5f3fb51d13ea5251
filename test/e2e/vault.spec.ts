// My vault, end to end in the real renderer: set the passphrase → add → reveal (masked again after
// 20 s) → copy → lock (the view shows only the unlock screen) → unlock, a wrong passphrase first →
// back up → restore into a fresh data dir → delete; "save to my vault" from a one-time reveal sets
// the passphrase on the spot; a linked row follows the inventory and its check says why it
// disagrees; a rotation offers to update the entry; .env in and out; a lock takes an open reveal
// off screen. After each, the leak scan (fixtures.ts) finds no secret or passphrase at rest.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import type { Page } from '@playwright/test';
import { createCore } from '../../src-main/core.ts';
import { createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { inspectItem } from '../../src-main/secrets/vault-items.ts';
import type { RancherSandbox } from '../backends/rancher/server.ts';
import { startHarness } from '../harness/server.ts';
import { tempDir } from '../support/temp.ts';
import { TEST_KDF } from '../support/vault-service.ts';
import { connectRancher, expect, keyRow, shoot, test } from './fixtures.ts';
import { BACKUP_PASSPHRASE, emptyVault, PASSPHRASE, setPassphrase, token, vaultRow } from './vault-steps.ts';

const keychain = createKeytarSecretStore();

test.afterEach(({ harness }) => emptyVault(harness));

/** Connects the sandbox and creates a key in its Staging environment: the reveal dialog and its secret. */
async function createStagingKey(app: Page, sandbox: RancherSandbox, name: string) {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Staging/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  return { reveal, secret: (await reveal.getByTestId('reveal-Secret key').textContent())! };
}

async function addEntry(app: Page, name: string, secret: string) {
  await app.getByRole('button', { name: 'Add', exact: true }).click();
  const form = app.getByRole('dialog', { name: 'Add to my vault' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Backend or service').fill('OpenAI');
  await form.getByLabel('Secret').fill(secret);
  await form.getByLabel('Tags').fill('personal, llm');
  await form.getByRole('button', { name: 'Add to vault' }).click();
  await expect(form).toBeHidden();
}

test('set passphrase → add → lock → unlock (wrong passphrase first) → back up → restore into a fresh data dir → delete', async ({ app, harness, typedSecrets, browser }) => {
  typedSecrets.add(token).add(PASSPHRASE).add(BACKUP_PASSPHRASE); // the leak scan after every flow (fixtures.ts) looks for them too
  await app.clock.install();
  await app.reload();
  await app.getByRole('button', { name: 'My vault' }).click();

  // First use: a passphrase, with a strength hint and the plain statement that it cannot be recovered.
  const gate = app.getByRole('region', { name: 'My vault' });
  await gate.getByLabel('Vault passphrase').fill('password1');
  await expect(gate.getByText('Strength: Weak')).toBeVisible();
  await expect(gate.getByText('It cannot be recovered.')).toBeVisible();
  await expect(gate.getByRole('button', { name: 'Set passphrase and open the vault' })).toBeDisabled();
  await gate.getByLabel('Vault passphrase').fill(PASSPHRASE);
  await expect(gate.getByText(/Strength: (Good|Strong)/)).toBeVisible();
  await shoot(app, 'vault-set-passphrase');
  await setPassphrase(app);
  await expect(app.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();

  await addEntry(app, 'OpenAI personal', token);
  const row = vaultRow(app, 'OpenAI personal');
  const id = (await row.getAttribute('data-vault-id'))!;
  await expect(row).toContainText('personal');
  await expect(row.getByLabel('Secret, masked')).toBeVisible();
  await expect(row).not.toContainText(token);
  // The keychain holds ciphertext only, whatever program reads it.
  const item = (await keychain.get(`vault:${id}`))!;
  expect(inspectItem(item).kind).toBe('sealed');
  expect(item).not.toContain(token);

  // Reveal: shown on request, masked again after 20 seconds; copy happens in the core.
  await row.getByRole('button', { name: 'Reveal OpenAI personal' }).click();
  await expect(row.getByTestId('vault-value-Secret')).toHaveText(token);
  await shoot(app, 'vault-revealed');
  await app.clock.fastForward(21_000);
  await expect(row.getByTestId('vault-value-Secret')).toHaveCount(0);
  await row.getByRole('button', { name: 'Copy Secret of OpenAI personal' }).click();
  await expect.poll(() => harness.clipboard.readText()).toBe(token);
  expect(harness.clipboard.concealed).toBe(true);

  // Lock (the shortcut): the clipboard cleared, and the view shows the unlock screen and nothing else.
  await app.keyboard.press('l');
  const locked = app.getByRole('region', { name: 'My vault' });
  await expect(locked.getByRole('heading', { name: 'Your vault is locked' })).toBeVisible();
  await expect.poll(() => harness.clipboard.readText()).toBe('');
  await expect(app.locator('tr[data-vault-id]')).toHaveCount(0);
  for (const text of ['OpenAI personal', 'OpenAI', 'llm']) await expect(app.locator('main')).not.toContainText(text);
  await expect(locked.getByRole('button', { name: 'Add', exact: true })).toHaveCount(0);
  await shoot(app, 'vault-locked');

  // A wrong passphrase first: refused after a delay, under the field.
  await locked.getByLabel('Vault passphrase').fill('copper lantern orbit 1848');
  await locked.getByRole('button', { name: 'Unlock' }).click();
  await expect(locked.getByText('Wrong passphrase (1 in a row). The next wrong one is answered after 2 s.')).toBeVisible();
  await shoot(app, 'vault-wrong-passphrase');
  await locked.getByLabel('Vault passphrase').fill(PASSPHRASE);
  await locked.getByRole('button', { name: 'Unlock' }).click();
  await expect(row).toBeVisible();
  await expect(row.getByLabel('Secret, masked')).toBeVisible();

  // Back up: a file of its own passphrase, created 0600, no secret in clear.
  await app.getByRole('button', { name: 'Back up' }).click();
  const backup = app.getByRole('dialog', { name: 'Back up the vault' });
  await backup.getByLabel('Backup passphrase').fill(BACKUP_PASSPHRASE);
  await backup.getByLabel('Repeat it').fill(BACKUP_PASSPHRASE);
  await shoot(app, 'vault-backup');
  await backup.getByRole('button', { name: 'Choose where to save…' }).click();
  await expect(backup.getByRole('status')).toContainText('Saved 1 entry to keyfleet-vault-');
  const backupFile = harness.files.saved.at(-1)!;
  expect(statSync(backupFile).mode & 0o777).toBe(0o600);
  expect(readFileSync(backupFile, 'utf8')).not.toContain(token);
  await backup.getByRole('button', { name: 'Done' }).click();

  // Restore it on "another machine": a fresh data dir, its own vault passphrase.
  const elsewhere = tempDir('keyfleet-e2e-restore-');
  const other = await startHarness({ dataDir: elsewhere.path, syncIntervalMs: 0 });
  const page = await browser.newPage();
  try {
    await page.goto(other.pageUrl);
    await page.getByRole('button', { name: 'My vault' }).click();
    await setPassphrase(page, 'the other machine passphrase');
    await expect(page.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();
    other.files.nextOpen = backupFile;
    await page.getByRole('button', { name: 'Restore' }).click();
    const restore = page.getByRole('dialog', { name: 'Restore a vault backup' });
    await restore.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await restore.getByRole('button', { name: 'Choose the backup file…' }).click();
    await expect(restore.getByText('Wrong passphrase for this backup.')).toBeVisible();
    other.files.nextOpen = backupFile;
    await restore.getByLabel('Backup passphrase').fill(BACKUP_PASSPHRASE);
    await restore.getByRole('button', { name: 'Choose the backup file…' }).click();
    await expect(restore.getByRole('row').filter({ hasText: 'OpenAI personal' })).toContainText('No');
    await shoot(page, 'vault-restore-preview');
    await restore.getByRole('button', { name: 'Restore 1 entry' }).click();
    await expect(restore.getByRole('status')).toContainText('Restored 1 entry');
    await restore.getByRole('button', { name: 'Done' }).click();
    const restored = vaultRow(page, 'OpenAI personal');
    await restored.getByRole('button', { name: 'Reveal OpenAI personal' }).click();
    await expect(restored.getByTestId('vault-value-Secret')).toHaveText(token);
    for (const entry of await other.core.api.vault.list()) await other.core.api.vault.remove({ id: entry.id });
  } finally {
    await page.close();
    await other.close();
    elsewhere.cleanup();
  }

  // Delete: the keychain item goes with the entry.
  await row.getByRole('button', { name: 'Delete OpenAI personal' }).click();
  await app.getByRole('dialog', { name: 'Delete “OpenAI personal” from your vault?' }).getByRole('button', { name: 'Delete entry' }).click();
  await expect(row).toHaveCount(0);
  expect(await keychain.get(`vault:${id}`)).toBeNull();
});

test('save to my vault from a reveal sets the passphrase on the spot; the linked row follows the inventory; a rotation offers to update it', async ({
  app,
  sandbox,
  harness,
  typedSecrets,
}) => {
  typedSecrets.add(PASSPHRASE);
  const { reveal, secret: firstSecret } = await createStagingKey(app, sandbox, 'ci-runner');
  await reveal.getByRole('button', { name: 'Save to my vault…' }).click();
  await reveal.getByLabel('Vault passphrase').fill(PASSPHRASE);
  await reveal.getByLabel('Repeat it').fill(PASSPHRASE);
  await reveal.getByLabel('I understand that a forgotten passphrase cannot be recovered.').check();
  await shoot(app, 'vault-setup-in-reveal');
  await reveal.getByRole('button', { name: 'Set passphrase and open the vault' }).click();
  await reveal.getByRole('button', { name: 'Save to my vault' }).click();
  await expect(reveal.getByRole('status')).toContainText('in your vault');
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();

  await app.getByRole('button', { name: 'My vault' }).click();
  const row = vaultRow(app, 'ci-runner · Sandbox Rancher');
  // Which key: its name, connection and scope; its status from the inventory.
  await expect(row).toContainText('ci-runner');
  await expect(row).toContainText('Sandbox Rancher · ');
  await expect(row).toContainText('Active');
  await row.getByRole('button', { name: /Check .* still works/ }).click();
  await expect(row).toContainText('Works');

  // Another admin deletes the key; the next sync finds it gone, and the row says the check is older.
  const elsewhere = tempDir('keyfleet-e2e-admin-');
  const admin = createCore({ dataDir: elsewhere.path, syncIntervalMs: 0, vaultKdf: TEST_KDF });
  try {
    const connection = await admin.api.connections.add({ kind: 'rancher', name: 'other', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
    await admin.api.sync.run({ connectionId: connection.id });
    const [entry] = await harness.core.api.vault.list();
    await admin.api.keys.delete({ connectionId: connection.id, keyId: entry!.link!.keyId });
    await admin.api.connections.remove({ connectionId: connection.id });
  } finally {
    await admin.close();
    elsewhere.cleanup();
  }
  await harness.core.api.sync.run({ connectionId: (await harness.core.api.connections.list())[0]!.id });
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'My vault' }).click();
  await expect(row).toContainText('Gone since');
  await expect(row.getByRole('note')).toContainText(/Checked before the sync of .*, which lists the key as gone from the backend: check again\./);
  await shoot(app, 'vault-link-gone');
  await row.getByRole('button', { name: /Check .* still works/ }).click();
  await expect(row).toContainText('Refused');
  await expect(row.getByRole('note')).toHaveCount(0);
  typedSecrets.add(firstSecret);
});

test('a rotation of a linked key offers to update the entry rather than add a second one', async ({ app, sandbox, harness, typedSecrets }) => {
  typedSecrets.add(PASSPHRASE);
  await harness.core.api.vault.setup({ passphrase: PASSPHRASE });
  const { reveal, secret: firstSecret } = await createStagingKey(app, sandbox, 'ci-runner');
  await reveal.getByRole('button', { name: 'Save to my vault' }).click();
  await expect(reveal.getByRole('status')).toContainText('in your vault');
  await reveal.getByRole('button', { name: 'Done' }).click();
  const [entry] = await harness.core.api.vault.list();

  await keyRow(app, 'ci-runner').getByRole('button', { name: 'Rotate ci-runner' }).click();
  const wizard = app.getByRole('dialog', { name: 'Rotate “ci-runner”' });
  await wizard.getByRole('button', { name: 'Create the new key' }).click();
  const newSecret = (await wizard.getByTestId('reveal-Secret key').textContent())!;
  expect(newSecret).not.toBe(firstSecret);
  await expect(wizard.getByRole('button', { name: 'Save to my vault' })).toHaveCount(0);
  await wizard.getByRole('button', { name: 'Update “ci-runner · Sandbox Rancher” in my vault' }).click();
  await expect(wizard.getByRole('status').filter({ hasText: 'Updated' })).toBeVisible();
  await shoot(app, 'vault-rotation-update');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByLabel('The new key is deployed and in use')).toBeVisible();

  const [after] = await harness.core.api.vault.list();
  expect(after!.id).toBe(entry!.id);
  expect(after!.link!.keyId).not.toBe(entry!.link!.keyId);
  expect((await harness.core.api.vault.reveal({ id: entry!.id })).fields.find((f) => f.secret)!.value).toBe(newSecret);
  for (const secret of [firstSecret, newSecret]) typedSecrets.add(secret);
});

test('a lock takes an open reveal off screen; the secret waits, unseen, until unlocked', async ({ app, sandbox, harness }) => {
  const { reveal, secret } = await createStagingKey(app, sandbox, 'locked-away');

  // The screen locks (what powerMonitor reports in the desktop app).
  await harness.core.lock('os');
  await expect(reveal).toBeHidden();
  const banner = app.getByRole('status').filter({ hasText: 'A new secret has not been seen yet' });
  await banner.getByRole('button', { name: 'Show the new secret of “locked-away” in Sandbox Rancher' }).click();
  const unlock = app.getByRole('dialog', { name: 'Unlock the vault' });
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock).toBeHidden();
  await expect(reveal.getByTestId('reveal-Secret key')).toHaveText(secret);
  await reveal.getByRole('button', { name: 'Copy Secret key' }).click();
  // The copy lands through the core; Done before it would ask about an uncopied secret.
  await expect(reveal.getByRole('button', { name: 'Copy Secret key, copied' })).toBeVisible();
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(banner).toHaveCount(0);
  await expect.poll(() => harness.core.api.reveal.pending()).toEqual([]);
});

test('.env in: a PEM kept whole, a line dotenv cannot read refused by number; .env out: a 0600 file dotenv reads back', async ({ app, harness, typedSecrets }) => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCq8\n-----END PRIVATE KEY-----';
  for (const secret of ['sk_live_51HxQ', 'SG.abc.def', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCq8', PASSPHRASE]) typedSecrets.add(secret);
  await harness.core.api.vault.setup({ passphrase: PASSPHRASE });
  await app.getByRole('button', { name: 'My vault' }).click();
  await app.getByRole('button', { name: 'Import .env' }).click();
  const dialog = app.getByRole('dialog', { name: 'Import from a .env file' });
  await dialog.getByLabel('.env file').setInputFiles({ name: 'broken.env', mimeType: 'text/plain', buffer: Buffer.from('A=1\nnot a line\n') });
  await expect(dialog.getByRole('alert')).toContainText('line 2: not a NAME=value line');
  await dialog.getByLabel('.env file').setInputFiles({
    name: 'billing.env',
    mimeType: 'text/plain',
    buffer: Buffer.from(`# billing\nSTRIPE_KEY=sk_live_51HxQ\nexport DEBUG=true\nSENDGRID_KEY="SG.abc.def" # mail\nSIGNING_KEY="${pem}"\n`),
  });
  await expect(dialog.getByText('Variables to import (4 of 4)')).toBeVisible();
  await expect(dialog).toContainText('line 5');
  await expect(dialog).not.toContainText('sk_live_51HxQ');
  await dialog.getByRole('checkbox', { name: /DEBUG/ }).uncheck();
  await shoot(app, 'vault-import-env');
  await dialog.getByRole('button', { name: 'Import 3 variables' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Imported 3 entries into your vault.');
  await dialog.getByRole('button', { name: 'Close' }).last().click();

  await expect(vaultRow(app, 'STRIPE_KEY')).toContainText('billing.env');
  await expect(vaultRow(app, 'DEBUG')).toHaveCount(0);
  const signing = (await harness.core.api.vault.list()).find((e) => e.name === 'SIGNING_KEY')!;
  expect((await harness.core.api.vault.reveal({ id: signing.id })).fields[0]!.value).toBe(pem);

  // Out: chosen entries to a .env file, created 0600, read back by dotenv exactly.
  await app.getByRole('button', { name: 'Export .env' }).click();
  const exporter = app.getByRole('dialog', { name: 'Export to a .env file' });
  await exporter.getByRole('checkbox', { name: /SIGNING_KEY/ }).check();
  await exporter.getByRole('checkbox', { name: /STRIPE_KEY/ }).check();
  await exporter.getByRole('button', { name: 'Export 2 entries…' }).click();
  await expect(exporter.getByRole('status')).toContainText('Wrote 2 variables to keyfleet-');
  const file = harness.files.saved.at(-1)!;
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(parse(readFileSync(file, 'utf8'))).toEqual({ SIGNING_KEY: pem, STRIPE_KEY: 'sk_live_51HxQ' });
  expect(join(harness.files.dir, file.split('/').pop()!)).toBe(file);
});
