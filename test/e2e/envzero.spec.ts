// env zero as a person uses it, in Chromium against the real renderer and core: connect with a
// personal key that reaches two organizations (and choose one), sync, create an Admin key and
// see both of its values once, delete it and see the honest state: revoked, but possibly still
// authenticating for up to an hour.
import type { Page } from '@playwright/test';
import { connectionAccount, createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { startEnvZeroSandbox } from '../backends/envzero/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { backendTest, connectWith, createAndCopy, detailsThenRotation, expect, keyRow, rotateToTwin, shoot as save } from './fixtures.ts';

// The list lags behind a create, as env zero's does.
const test = backendTest((options: { listLagMs: number }) => startEnvZeroSandbox(options), { listLagMs: 60_000 });
const shoot = (page: Page, name: string) => save(page, `envzero-${name}`);

/** Clicks "Sync now" and waits for the core to answer, with a fresh state in the view. */
async function syncNow(page: Page) {
  const done = page.waitForResponse((r) => r.url().endsWith('/__harness/invoke/sync.run'));
  await page.getByRole('button', { name: 'Sync now' }).first().click();
  expect(((await (await done).json()) as { ok: boolean }).ok).toBe(true);
}


test('connect with a personal key, choose the organization, create an Admin key, reveal it once, delete it honestly', async ({ app, sandbox, harness }) => {
  // Connect: the personal key reaches two organizations, so the form asks which one.
  await app.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = app.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Backend').selectOption('envzero');
  await expect(dialog.getByLabel('Server URL')).toHaveAttribute('placeholder', 'https://api.env0.com');
  await dialog.getByLabel('Display name').fill('Sandbox env zero');
  await dialog.getByLabel('Server URL').fill(sandbox.url);
  await dialog.getByLabel('API key ID').fill(sandbox.credentials.personal.apiKeyId);
  await dialog.getByLabel('API key secret').fill(sandbox.credentials.personal.apiKeySecret);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  const organization = dialog.getByLabel('Organization');
  await expect(organization).toBeVisible();
  await expect(organization.locator('option')).toHaveText(['Acme Platform', 'Acme Labs']);
  await expect(dialog.getByText('This credential reaches several organizations. Choose the one this connection manages.')).toBeVisible();
  await shoot(app, 'choose-organization');
  await organization.selectOption({ label: 'Acme Platform' });
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();

  // Sync: the organization, its projects and teams, and its keys.
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();
  for (const scope of ['Acme Platform', 'Platform', 'Networking', 'Data', 'SRE', 'Developers']) {
    await expect(sidebar.getByRole('button', { name: new RegExp(`^${scope} \\d`) })).toBeVisible();
  }
  await expect(sidebar.getByRole('button', { name: /^Legacy/ })).toHaveCount(0);
  for (const name of ['keyfleet-admin', 'terraform-ci', 'dashboard-reader', 'cost-report', 'never-used']) await expect(keyRow(app, name)).toHaveCount(1);
  await expect(keyRow(app, 'cost-report')).toContainText(sandbox.key(sandbox.ids.keys['cost-report']!)!.apiKeyId as string);

  // Create an Admin key: project roles are offered only for other roles.
  await sidebar.getByRole('button', { name: /^Acme Platform \d/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await expect(form.getByLabel('Type')).toHaveValue('organization');
  await form.getByLabel('Organization role').selectOption('User');
  await expect(form.getByRole('group', { name: 'Project roles' })).toBeVisible();
  await expect(form.getByLabel('Role in Networking')).toBeVisible();
  await form.getByLabel('Organization role').selectOption('Admin');
  await expect(form.getByRole('group', { name: 'Project roles' })).toHaveCount(0);
  await expect(form.getByLabel('Organization role').locator('option')).toHaveText(['Admin', 'User', 'Auditor (custom role)', 'Release manager (custom role)']);
  await form.getByLabel('Name').fill('deploy-bot');
  await form.getByRole('button', { name: 'Create key' }).click();

  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  const apiKeyId = (await reveal.getByTestId('reveal-API key ID').textContent())!;
  const apiKeySecret = (await reveal.getByTestId('reveal-API key secret').textContent())!;
  expect(sandbox.authenticates({ apiKeyId, apiKeySecret })).toBe(true);
  await expect(reveal).toContainText('Both are needed to use the key');
  await shoot(app, 'reveal');
  await reveal.getByRole('button', { name: 'Copy API key secret' }).click();
  await expect(reveal.getByRole('button', { name: 'Copy API key secret' })).toContainText('Copied');
  await expect.poll(() => harness.clipboard.readText()).toBe(apiKeySecret);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();

  // The key is shown although env zero's list does not carry it yet, and survives a sync.
  const row = keyRow(app, 'deploy-bot');
  await expect(row).toContainText('Active');
  await expect(row).toContainText(apiKeyId);
  await syncNow(app);
  await expect(keyRow(app, 'deploy-bot')).toHaveCount(1);
  const id = (await row.getAttribute('data-key-id'))!;
  expect(sandbox.key(id)).toMatchObject({ name: 'deploy-bot', organizationRole: 'Admin', apiKeyId });

  // Rename is only a local label, deactivation does not exist: the buttons say so.
  await expect(row.getByRole('button', { name: 'Deactivate deploy-bot' })).toBeDisabled();
  await expect(row.getByRole('button', { name: 'Deactivate deploy-bot' })).toHaveAttribute('title', /not available — env zero keys cannot be deactivated/);

  // Delete: revoked, and honest that env zero may accept it for up to an hour.
  await row.getByRole('button', { name: 'Delete deploy-bot' }).click();
  const confirm = app.getByRole('dialog', { name: 'Delete “deploy-bot”?' });
  await expect(confirm).toContainText('a deleted key may keep working until then');
  const before = Date.now();
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(row).toContainText('Revoked');
  const until = new Date(before + 60 * 60 * 1000).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const later = new Date(Date.now() + 60 * 60 * 1000).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  await expect(row).toContainText(new RegExp(`may still authenticate until (${until}|${later})`));
  expect(sandbox.key(id)!.deletedAt).not.toBeNull();
  // As shown: the key still signs in during env zero's cache window.
  expect(sandbox.authenticates({ apiKeyId, apiKeySecret })).toBe(true);
  await shoot(app, 'revoked');

  // It stays revoked through the next sync.
  await syncNow(app);
  await expect(keyRow(app, 'deploy-bot')).toContainText('Revoked');

  const [connection] = await harness.core.api.connections.list();
  await harness.core.close();
  expect(scanForSecrets(harness.dataDir, [apiKeySecret, sandbox.credentials.personal.apiKeySecret])).toEqual([]);
  await createKeytarSecretStore().delete(connectionAccount(connection!.id));
});

test('a User key with a team: offered on create, shown in its details, kept by a rotation', async ({ app, sandbox, harness }) => {
  const { apiKeyId, apiKeySecret } = sandbox.credentials.admin;
  await connectWith(app, 'envzero', sandbox.url, { 'API key ID': apiKeyId, 'API key secret': apiKeySecret });

  // Teams are offered for a User key, never for an Admin key.
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await expect(form.getByRole('group', { name: 'Teams' })).toHaveCount(0);
  await form.getByLabel('Organization role').selectOption('User');
  const teams = form.getByRole('group', { name: 'Teams' });
  await expect(teams.getByRole('checkbox')).toHaveCount(2);
  await teams.getByRole('checkbox', { name: 'Developers' }).check();
  await form.getByLabel('Role in Data').selectOption('Release manager (custom role)');
  await form.getByLabel('Name').fill('release-bot');
  await shoot(app, 'create-teams');
  await createAndCopy(app, form, 'API key secret');
  const row = keyRow(app, 'release-bot');
  const id = (await row.getAttribute('data-key-id'))!;
  expect(sandbox.teamsOf(id)).toEqual([sandbox.ids.teams.Developers]);
  expect(sandbox.projectRoles(id)).toEqual([{ projectId: sandbox.ids.projects.Data, role: sandbox.ids.roles.releaseManager }]);

  // The details name its teams and project roles; the rotation says the twin keeps them, and does.
  const wizard = await detailsThenRotation(app, 'release-bot', { Teams: 'Developers', 'Project roles': 'Data: Release manager' }, [
    'Teams: Developers',
    'Project roles: Data: Release manager',
  ]);
  await shoot(app, 'rotation-plan');
  const twin = await rotateToTwin(app, harness, wizard, id, 'API key secret');
  expect(sandbox.teamsOf(twin.twinId)).toEqual([sandbox.ids.teams.Developers]);
  expect(sandbox.projectRoles(twin.twinId)).toEqual(sandbox.projectRoles(id));
  await twin.cancel();
});
