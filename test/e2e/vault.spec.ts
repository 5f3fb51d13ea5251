// My vault, end to end in the real renderer: add → reveal (masked again after 20 s) → copy → lock
// → unlock → delete; "save to my vault" from a one-time reveal; a rotation of a linked key offers
// to update the entry; a lock takes an open reveal off screen without losing the secret. After
// each, the leak scan (fixtures.ts) finds no vault secret in the data dir or anything the browser keeps.
import type { Page } from '@playwright/test';
import { createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { connectRancher, expect, keyRow, shoot, test } from './fixtures.ts';

const keychain = createKeytarSecretStore();
const token = 'sk-own-Vq3mT8zL1pR6wX0cN4bY';

test.afterEach(async ({ harness }) => {
  for (const entry of await harness.core.api.vault.list().catch(() => [])) await harness.core.api.vault.remove({ id: entry.id }).catch(() => undefined);
});

const vaultRow = (app: Page, name: string) => app.locator('tr[data-vault-id]').filter({ has: app.getByText(name, { exact: true }) });

test('add → reveal → copy → lock → unlock → delete', async ({ app, harness, typedSecrets }) => {
  typedSecrets.add(token); // the leak scan after every flow (fixtures.ts) looks for it too
  await app.clock.install();
  await app.reload();
  await app.getByRole('button', { name: 'My vault' }).click();
  await expect(app.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();

  await app.getByRole('button', { name: 'Add', exact: true }).click();
  const form = app.getByRole('dialog', { name: 'Add to my vault' });
  await form.getByLabel('Name').fill('OpenAI personal');
  await form.getByLabel('Backend or service').fill('OpenAI');
  await form.getByLabel('Secret').fill(token);
  await form.getByLabel('Tags').fill('personal, llm');
  await form.getByRole('button', { name: 'Add to vault' }).click();
  await expect(form).toBeHidden();

  const row = vaultRow(app, 'OpenAI personal');
  const id = (await row.getAttribute('data-vault-id'))!;
  await expect(row).toContainText('personal');
  await expect(row.getByLabel('Secret, masked')).toBeVisible();
  await expect(row).not.toContainText(token);
  expect(await keychain.get(`vault:${id}`)).toBe(JSON.stringify([token]));

  // Reveal: shown on request, masked again after 20 seconds.
  await row.getByRole('button', { name: 'Reveal OpenAI personal' }).click();
  await expect(row.getByTestId('vault-value-Secret')).toHaveText(token);
  await shoot(app, 'vault-revealed');
  await app.clock.fastForward(21_000);
  await expect(row.getByTestId('vault-value-Secret')).toHaveCount(0);
  await expect(row.getByLabel('Secret, masked')).toBeVisible();

  // Copy happens in the core, concealed from clipboard histories.
  await row.getByRole('button', { name: 'Copy Secret of OpenAI personal' }).click();
  await expect.poll(() => harness.clipboard.readText()).toBe(token);
  expect(harness.clipboard.concealed).toBe(true);

  // Revealed again, then the lock shortcut: masked at once, the clipboard cleared.
  await row.getByRole('button', { name: 'Reveal OpenAI personal' }).click();
  await expect(row.getByTestId('vault-value-Secret')).toHaveText(token);
  await app.keyboard.press('l');
  await expect(app.getByText(/^Locked ·/)).toBeVisible();
  await expect(row.getByTestId('vault-value-Secret')).toHaveCount(0);
  await expect.poll(() => harness.clipboard.readText()).toBe('');

  // Locked: a reveal asks to unlock first.
  await row.getByRole('button', { name: 'Reveal OpenAI personal' }).click();
  const unlock = app.getByRole('dialog', { name: 'Unlock the vault' });
  await expect(unlock).toBeVisible();
  await shoot(app, 'vault-unlock');
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock).toBeHidden();
  // Unlocked, the reveal the user asked for goes ahead.
  await expect(row.getByTestId('vault-value-Secret')).toHaveText(token);
  await shoot(app, 'vault');

  // Delete: the keychain item goes with the entry.
  await row.getByRole('button', { name: 'Delete OpenAI personal' }).click();
  await app.getByRole('dialog', { name: 'Delete “OpenAI personal” from your vault?' }).getByRole('button', { name: 'Delete entry' }).click();
  await expect(row).toHaveCount(0);
  expect(await keychain.get(`vault:${id}`)).toBeNull();
});

test('save to my vault from a reveal, linked; a rotation of the linked key offers to update it', async ({ app, sandbox, harness, typedSecrets }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Staging/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await form.getByLabel('Name').fill('ci-runner');
  await form.getByRole('button', { name: 'Create key' }).click();

  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  const firstSecret = (await reveal.getByTestId('reveal-Secret key').textContent())!;
  await reveal.getByRole('button', { name: 'Save to my vault' }).click();
  await expect(reveal.getByRole('status')).toContainText('in your vault');
  // Kept in the vault: closing without copying loses nothing, so it does not ask.
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();

  await app.getByRole('button', { name: 'My vault' }).click();
  const row = vaultRow(app, 'ci-runner · Sandbox Rancher');
  await expect(row).toContainText('Sandbox Rancher');
  await expect(row).toContainText('Active');
  const [entry] = await harness.core.api.vault.list();
  await expect(row.getByRole('button', { name: /Check .* still works/ })).toBeEnabled();
  await row.getByRole('button', { name: /Check .* still works/ }).click();
  await expect(row).toContainText('Works');

  // Rotate the key: the wizard offers to update the entry rather than add a second one.
  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Staging/ }).click();
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
  // The leak scan after every flow (fixtures.ts) looks for these too.
  for (const secret of [firstSecret, newSecret]) typedSecrets.add(secret);
});

test('a lock takes an open reveal off screen; the secret waits, unseen, until unlocked', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Staging/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await form.getByLabel('Name').fill('locked-away');
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  const secret = (await reveal.getByTestId('reveal-Secret key').textContent())!;

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
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(banner).toHaveCount(0);
  await expect.poll(() => harness.core.api.reveal.pending()).toEqual([]);
});

test('imports the chosen lines of a .env file, values masked throughout', async ({ app, harness, typedSecrets }) => {
  for (const secret of ['sk_live_51HxQ', 'SG.abc.def']) typedSecrets.add(secret);
  await app.getByRole('button', { name: 'My vault' }).click();
  await app.getByRole('button', { name: 'Import .env' }).click();
  const dialog = app.getByRole('dialog', { name: 'Import from a .env file' });
  await dialog.getByLabel('.env file').setInputFiles({
    name: 'billing.env',
    mimeType: 'text/plain',
    buffer: Buffer.from('# billing\nSTRIPE_KEY=sk_live_51HxQ\nexport DEBUG=true\nSENDGRID_KEY="SG.abc.def"\n'),
  });
  await expect(dialog.getByText('Lines to import (3 of 3)')).toBeVisible();
  await expect(dialog).not.toContainText('sk_live_51HxQ');
  await dialog.getByRole('checkbox', { name: /DEBUG/ }).uncheck();
  await dialog.getByRole('button', { name: 'Import 2 lines' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Imported 2 entries into your vault.');
  await dialog.getByRole('button', { name: 'Close' }).last().click();

  await expect(vaultRow(app, 'STRIPE_KEY')).toContainText('billing.env');
  await expect(vaultRow(app, 'SENDGRID_KEY')).toBeVisible();
  await expect(vaultRow(app, 'DEBUG')).toHaveCount(0);
  const entries = await harness.core.api.vault.list();
  const stripe = entries.find((e) => e.name === 'STRIPE_KEY')!;
  expect((await harness.core.api.vault.reveal({ id: stripe.id })).fields[0]!.value).toBe('sk_live_51HxQ');
});
