// LangWatch, as a person does it, in Chromium against the real renderer and core, on a ≥ v3.13
// server (era B, which can rename): connect with an organization API key, create a service key for
// two projects (warned first that none would mean org-wide ADMIN), see it once, rename it in
// LangWatch, revoke it.
import { scanForSecrets } from '../support/scan.ts';
import { startLangwatchSandbox, type Era } from '../backends/langwatch/server.ts';
import { backendTest, connectWith, createAndCopy, detailsThenRotation, expect, keyRow, rotateToTwin, shoot } from './fixtures.ts';

const test = backendTest((options: { era: Era; enterprise?: boolean }) => startLangwatchSandbox(options), { era: 'B' });

test('connect, create a service key for two projects, see it once, rename it, revoke it', async ({ app, sandbox, harness }) => {
  // Connect with Ada's organization key, pasting an API endpoint.
  await app.getByRole('button', { name: 'Add connection' }).first().click();
  const connect = app.getByRole('dialog', { name: 'Add a connection' });
  await connect.getByLabel('Backend').selectOption('langwatch');
  await connect.getByLabel('Display name').fill('Acme LangWatch');
  await connect.getByLabel('Server URL').fill(`${sandbox.url}/api/api-keys`);
  await connect.getByLabel('Organization API key (sk-lw-…)').fill(sandbox.credentials.admin);
  await connect.getByRole('button', { name: 'Connect' }).click();
  await expect(connect).toBeHidden();
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();
  for (const scope of ['Platform', 'Research', 'Chatbot', 'Search', 'Evals']) await expect(sidebar.getByRole('button', { name: new RegExp(scope) })).toBeVisible();
  await expect(keyRow(app, 'ci-pipeline')).toContainText('Service');
  await expect(keyRow(app, 'expired-script')).toContainText('Expired');
  await expect(keyRow(app, 'old-deploy')).toHaveCount(0); // revoked: LangWatch no longer lists it
  await shoot(app, 'langwatch-inventory');

  // Create a service key: first the warning about a key without projects, then two projects.
  await sidebar.getByRole('button', { name: /^Organization/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await form.getByLabel('Type').selectOption('service');
  await form.getByLabel('Name').fill('release-bot');
  await form.getByLabel('Description').fill('Ships releases');
  await expect(form.getByRole('alert').filter({ hasText: 'Without projects, a service key gets organization-wide ADMIN.' })).toBeVisible();
  await shoot(app, 'langwatch-create-warning');
  await form.getByRole('checkbox', { name: 'Chatbot' }).check();
  await form.getByRole('checkbox', { name: 'Search' }).check();
  await expect(form.getByText('Without projects, a service key gets organization-wide ADMIN.')).toBeHidden();
  await form.getByRole('button', { name: 'Create key' }).click();

  // The key, once.
  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  const token = (await reveal.getByTestId('reveal-API key').textContent())!;
  expect(token).toMatch(/^sk-lw-[0-9A-Za-z]{16}_[0-9A-Za-z]{48}$/);
  expect(sandbox.authenticates(token)).toBe(true);
  await shoot(app, 'langwatch-reveal');
  await reveal.getByRole('button', { name: 'Copy API key' }).click();
  await expect.poll(() => harness.clipboard.readText()).toBe(token);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();

  const row = keyRow(app, 'release-bot');
  const id = (await row.getAttribute('data-key-id'))!;
  expect(sandbox.key(id)).toMatchObject({ keyType: 'service', description: 'Ships releases', bindings: [
    { role: 'ADMIN', scopeType: 'PROJECT', scopeId: sandbox.ids.projects.Chatbot },
    { role: 'ADMIN', scopeType: 'PROJECT', scopeId: sandbox.ids.projects.Search },
  ] });
  // LangWatch never shows the key again: the row shows only the hint Keyfleet kept.
  await expect(row).toContainText(`${token.slice(0, 10)}…`);
  await expect(row).not.toContainText(token.slice(10, 22));

  // Rename in LangWatch (era B).
  await row.getByRole('button', { name: 'Edit release-bot' }).click();
  const edit = app.getByRole('dialog', { name: 'Edit key' });
  await edit.getByLabel('Name').fill('release-bot-eu');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(keyRow(app, 'release-bot-eu')).toHaveCount(1);
  expect(sandbox.key(id)!.name).toBe('release-bot-eu');
  await expect(keyRow(app, 'release-bot-eu')).toContainText(`${token.slice(0, 10)}…`);

  // Revoke: permanent, and the key drops from the list.
  await keyRow(app, 'release-bot-eu').getByRole('button', { name: 'Delete release-bot-eu' }).click();
  const confirm = app.getByRole('dialog', { name: 'Delete “release-bot-eu”?' });
  await expect(confirm.getByText('Revoking is permanent')).toBeVisible();
  await shoot(app, 'langwatch-revoke-confirm');
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(keyRow(app, 'release-bot-eu')).toHaveCount(0);
  expect(sandbox.key(id)!.revokedAt).not.toBeNull();
  expect(sandbox.authenticates(token)).toBe(false);
  await shoot(app, 'langwatch-after-revoke');

  await harness.core.close();
  expect(scanForSecrets(harness.dataDir, [token, token.slice(token.indexOf('_') + 1), sandbox.credentials.admin])).toEqual([]);
});

test.describe('on the Enterprise plan, with a service-key connection', () => {
  test.use({ sandboxOptions: { era: 'B', enterprise: true } });

  test('a personal key is made for the member chosen; details show owner and mode; a rotation keeps them', async ({ app, sandbox, harness }) => {
    await connectWith(app, 'langwatch', sandbox.url, { 'Organization API key (sk-lw-…)': sandbox.credentials.service });

    // A service key acts as no one: the owner must be chosen among the members.
    await app.getByRole('button', { name: 'Create key' }).first().click();
    const form = app.getByRole('dialog', { name: 'Create a key' });
    await form.getByLabel('Type').selectOption('personal');
    const owner = form.getByLabel('Owner');
    await expect(owner.locator('option')).toHaveText(['Choose…', 'Ada', 'Bo']);
    await owner.selectOption({ label: 'Bo' });
    await form.getByLabel('Name').fill('bo-evals');
    await form.getByLabel('Role in Chatbot').selectOption('VIEWER');
    await shoot(app, 'langwatch-create-owner');
    await createAndCopy(app, form, 'API key');
    const id = (await keyRow(app, 'bo-evals').getAttribute('data-key-id'))!;
    expect(sandbox.key(id)).toMatchObject({ keyType: 'personal', userId: sandbox.ids.users.bo });

    // Bo's readonly key: its details say whose it is and how it is limited; its twin keeps both.
    const oldId = (await keyRow(app, 'bo-readonly').getAttribute('data-key-id'))!;
    const wizard = await detailsThenRotation(app, 'bo-readonly', { Owner: 'Bo', 'Created by': 'Bo', 'Permission mode': 'readonly' }, ['Owner: Bo', 'Permission mode: readonly']);
    await shoot(app, 'langwatch-rotation-owner');
    const twin = await rotateToTwin(app, harness, wizard, oldId, 'API key');
    expect(sandbox.key(twin.twinId)).toMatchObject({ keyType: 'personal', userId: sandbox.ids.users.bo });
    await twin.cancel();
  });
});
