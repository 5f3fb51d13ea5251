// The vault's views as a person sees them, at 1280×800 and 1920×1080 (screenshots to look at, in
// test-results/screenshots): first use, open with a linked entry whose check disagrees with the
// inventory, the backup, restore and .env export dialogs, Settings, locked; and Touch ID where the
// Mac has it: Settings states what it trades, and the locked vault opens with it.
import { startHarness } from '../harness/server.ts';
import { tempDir } from '../support/temp.ts';
import { connectRancher, expect, shoot, test } from './fixtures.ts';
import { BACKUP_PASSPHRASE, emptyVault, PASSPHRASE, setPassphrase, token, vaultRow } from './vault-steps.ts';

test.afterEach(({ harness }) => emptyVault(harness));

test('the vault views at 1280×800 and 1920×1080: first use, locked, open with a link that disagrees, backup, restore, .env export, settings', async ({ app, sandbox, harness, typedSecrets }) => {
  typedSecrets.add(PASSPHRASE).add(token);
  const shots = async (size: { width: number; height: number }, name: string) => {
    await app.setViewportSize(size);
    await shoot(app, `${name}-${size.width}x${size.height}`);
  };
  const sizes = [
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ];
  await app.getByRole('button', { name: 'My vault' }).click();
  await app.getByLabel('Vault passphrase').fill(PASSPHRASE);
  for (const size of sizes) await shots(size, 'vault-first-use');
  await setPassphrase(app);
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const connectionId = (await harness.core.api.connections.list())[0]!.id;
  const { key, revealSlotId } = await harness.core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'deploy-bot' });
  const { fields } = await harness.core.api.reveal.take({ slotId: revealSlotId });
  await harness.core.api.reveal.done({ slotId: revealSlotId, seen: true });
  typedSecrets.add(fields.find((f) => f.secret)!.value);
  const mistyped = fields.map((f) => ({ ...f, value: f.secret ? `${f.value}0` : f.value }));
  const linked = await harness.core.api.vault.add({ name: 'deploy-bot (typo)', service: 'rancher', tags: ['ci'], fields: mistyped, link: { connectionId, keyId: key.id } });
  await harness.core.api.vault.verify({ id: linked.id });
  await harness.core.api.vault.add({ name: 'OpenAI personal', service: 'OpenAI', tags: ['personal', 'llm'], fields: [{ label: 'Secret', value: token, secret: true }] });
  await app.getByRole('button', { name: 'My vault' }).click();
  await expect(vaultRow(app, 'deploy-bot (typo)').getByRole('note')).toContainText('The backend refused this secret');
  for (const size of sizes) await shots(size, 'vault-open');

  await app.getByRole('button', { name: 'Back up' }).click();
  await app.getByLabel('Backup passphrase').fill(BACKUP_PASSPHRASE);
  for (const size of sizes) await shots(size, 'vault-backup-dialog');
  await app.getByLabel('Repeat it').fill(BACKUP_PASSPHRASE);
  await app.getByRole('button', { name: 'Choose where to save…' }).click();
  await app.getByRole('button', { name: 'Done' }).click();

  await app.getByRole('button', { name: 'Restore' }).click();
  await app.getByLabel('Backup passphrase').fill(BACKUP_PASSPHRASE);
  await app.getByRole('button', { name: 'Choose the backup file…' }).click();
  await expect(app.getByRole('dialog', { name: 'Restore a vault backup' }).getByText('Yes: “OpenAI personal”')).toBeVisible();
  await app.getByLabel('What to do with OpenAI personal').selectOption('rename');
  for (const size of sizes) await shots(size, 'vault-restore-dialog');
  await app.getByRole('button', { name: 'Close dialog' }).click();

  await app.getByRole('button', { name: 'Export .env' }).click();
  await app.getByRole('checkbox', { name: /OpenAI personal/ }).check();
  for (const size of sizes) await shots(size, 'vault-export-env-dialog');
  await app.getByRole('button', { name: 'Close dialog' }).click();

  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'Change passphrase' }).scrollIntoViewIfNeeded();
  for (const size of sizes) await shots(size, 'vault-settings');

  await app.getByRole('button', { name: 'My vault' }).click();
  await app.keyboard.press('l');
  await expect(app.getByRole('heading', { name: 'Your vault is locked' })).toBeVisible();
  // Locked is a state, not a failure: nothing on screen reports it as an error.
  await expect(app.getByText('Could not read the vault')).toHaveCount(0);
  for (const size of sizes) await shots(size, 'vault-locked');
});

test('Touch ID, where the Mac has it: Settings says what it trades; once on, the locked vault opens with it', async ({ browser, typedSecrets }) => {
  typedSecrets.add(PASSPHRASE);
  const dir = tempDir('keyfleet-e2e-touchid-');
  let confirms = true;
  // What systemPreferences.promptTouchID answers on a Mac with Touch ID.
  const mac = await startHarness({ dataDir: dir.path, syncIntervalMs: 0, authenticate: () => Promise.resolve(confirms) });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(mac.pageUrl);
    await page.getByRole('button', { name: 'My vault' }).click();
    await setPassphrase(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    const touchId = page.getByRole('group', { name: 'Touch ID' });
    await expect(touchId).toContainText('Touch ID is asked by Keyfleet, not enforced by the keychain');
    await touchId.getByLabel('Unlock the vault with Touch ID').click();
    await expect(touchId.getByLabel('Unlock the vault with Touch ID')).toBeChecked();
    await expect.poll(async () => (await mac.core.api.vault.status()).touchId).toBe('on');
    await touchId.scrollIntoViewIfNeeded();
    await shoot(page, 'vault-settings-touch-id-1280x800');

    await page.getByRole('button', { name: 'My vault' }).click();
    await page.keyboard.press('l');
    const locked = page.getByRole('region', { name: 'My vault' });
    confirms = false;
    await locked.getByRole('button', { name: 'Use Touch ID' }).click();
    await expect(locked.getByRole('alert')).toContainText('did not confirm it is you');
    confirms = true;
    await locked.getByRole('button', { name: 'Use Touch ID' }).click();
    await expect(page.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();
    await mac.core.api.vault.setTouchId({ on: false });
  } finally {
    await page.close();
    await mac.close();
    dir.cleanup();
  }
});
