// deepset as a person uses it, in Chromium against the real renderer and core: connect with a user
// access token, create a workspace-scoped service key with an expiry, see its secret once and its
// masked form after a sync, delete it; and a read-only API key connection that lists but cannot create.
import type { Page } from '@playwright/test';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { backendTest, createAndCopy, detailsThenRotation, expect, keyRow as rowOf, rotateToTwin, shoot as save } from './fixtures.ts';

const READ_ONLY_NOTE =
  'This connection uses a deepset API key: it may list keys but not manage them. Reconnect with a user access token to manage keys.';

const test = backendTest(() => startDeepsetSandbox(), {});
const shoot = (page: Page, name: string) => save(page, `deepset-${name}`);

/** Fill the add-connection form the way a person does: backend, region, credential kind, token. */
async function connectDeepset(page: Page, sandbox: DeepsetSandbox, token: string, kind: 'User access token' | 'API key (read-only)', name: string) {
  await page.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Backend').selectOption({ label: 'deepset AI Platform' });
  await dialog.getByLabel('Display name').fill(name);
  // The regions fill the address; the sandbox stands in for a self-hosted deployment.
  await dialog.getByRole('group', { name: 'Regions' }).getByRole('button', { name: 'US' }).click();
  await expect(dialog.getByLabel('Server URL')).toHaveValue('https://api.us.deepset.ai');
  await dialog.getByLabel('Server URL').fill(`${sandbox.url}/api/v1`);
  await dialog.getByLabel('Credential').selectOption({ label: kind });
  await expect(dialog.getByText(kind === 'User access token' ? /expires with the web session/ : /can list keys but not create/)).toBeVisible();
  await dialog.getByLabel('Token', { exact: true }).fill(token);
  await shoot(page, `connect-${kind === 'User access token' ? 'user-token' : 'api-key'}`);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
}

const keyRow = (page: Page, text: string) => page.getByRole('row').filter({ has: page.getByText(text, { exact: true }) });

function inDays(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test('a user access token creates a workspace key with an expiry, reveals it once, shows it masked, deletes it', async ({ app, sandbox, harness }) => {
  await connectDeepset(app, sandbox, sandbox.credentials.admin, 'User access token', 'deepset sandbox');
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();
  for (const workspace of ['production', 'staging', 'research']) await expect(sidebar.getByRole('button', { name: new RegExp(workspace) })).toBeVisible();
  // A key created without a name shows its id.
  await expect(keyRow(app, sandbox.ids.keys.unnamed!)).toHaveCount(1);

  await sidebar.getByRole('button', { name: /production/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await expect(form.getByLabel('Where')).toHaveValue('production');
  await form.getByLabel('Type').selectOption({ label: 'Service key' });
  await form.getByLabel('Name').fill('e2e-deploy');
  await expect(form.getByLabel('Organization role')).toHaveValue('MEMBER');
  await form.getByLabel('Expires').fill(inDays(30));
  await shoot(app, 'create-form');
  const created = app.waitForResponse((r) => r.url().endsWith('/__harness/invoke/keys.create'));
  await form.getByRole('button', { name: 'Create key' }).click();
  const { value } = (await (await created).json()) as { value: { revealSlotId: string; key: { id: string } } };

  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  const secret = (await reveal.getByTestId('reveal-API key').textContent())!;
  expect(secret).toMatch(/^api_/);
  expect(sandbox.authenticates(secret)).toBe(true);
  await expect(reveal).toContainText('deepset shows a new API key only this once');
  await shoot(app, 'reveal');
  // window.keyfleet answers with a Result, never a throw (only plain data crosses the context bridge).
  const second = await app.evaluate(async (slotId) => {
    type Take = (i: { slotId: string }) => Promise<{ ok: true } | { ok: false; error: { message: string } }>;
    const result = await (globalThis as unknown as { keyfleet: { reveal: { take: Take } } }).keyfleet.reveal.take({ slotId });
    return result.ok ? 'revealed again' : result.error.message;
  }, value.revealSlotId);
  expect(second).toMatch(/already revealed once/);
  await reveal.getByRole('button', { name: 'Copy API key' }).click();
  await expect(reveal.getByRole('button', { name: 'Copy API key' })).toContainText('Copied');
  await expect.poll(() => harness.clipboard.readText()).toBe(secret);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();

  const stored = sandbox.key(value.key.id)!;
  // Made the documented way: an organization key limited to the workspace it was asked for in.
  expect(stored).toMatchObject({ name: 'e2e-deploy', personal: false, scope: 'organization', workspaces: ['production'] });
  expect(stored.expiresAt! - Date.now()).toBeGreaterThan(29 * 86_400_000);

  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();
  // It lives in the organization, limited to production.
  await sidebar.getByRole('button', { name: /acme-search/ }).click();
  const row = keyRow(app, 'e2e-deploy');
  await expect(row).toContainText(`api_…${secret.slice(-4)}`);
  await expect(row).toContainText('Service');
  await expect(row).not.toContainText(secret);
  await shoot(app, 'key-table');

  await row.getByRole('button', { name: 'Delete e2e-deploy' }).click();
  await app.getByRole('dialog', { name: 'Delete “e2e-deploy”?' }).getByRole('button', { name: 'Delete key' }).click();
  await expect(keyRow(app, 'e2e-deploy')).toHaveCount(0);
  expect(sandbox.key(value.key.id)).toBeUndefined();

  await harness.core.close();
  expect(scanForSecrets(harness.dataDir, [secret, sandbox.credentials.admin])).toEqual([]);
});

test('an API key connection lists every key but cannot create or delete', async ({ app, sandbox }) => {
  await connectDeepset(app, sandbox, sandbox.credentials.apiKey, 'API key (read-only)', 'deepset read-only');
  await expect(app.getByRole('status').filter({ hasText: 'This connection can only read' })).toContainText(READ_ONLY_NOTE);
  for (const key of sandbox.keys()) await expect(keyRow(app, key.name ?? key.id)).toHaveCount(1);
  await expect(keyRow(app, 'prod-search')).toContainText(`api_…${sandbox.secretOf(sandbox.ids.keys['prod-search']!)!.slice(-4)}`);

  const create = app.getByRole('button', { name: 'Create key' }).first();
  await expect(create).toBeDisabled();
  await expect(create).toHaveAttribute('title', READ_ONLY_NOTE);
  await expect(keyRow(app, 'ci-pipeline').getByRole('button', { name: 'Delete ci-pipeline' })).toBeDisabled();
  await shoot(app, 'read-only');
});

test('a workspace role chosen on create and kept by a rotation, whose expiry is never silently dropped', async ({ app, sandbox, harness }) => {
  await connectDeepset(app, sandbox, sandbox.credentials.admin, 'User access token', 'deepset sandbox');
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();

  await sidebar.getByRole('button', { name: /acme-search/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  const role = form.getByLabel('Workspace role');
  await expect(role.locator('option')).toHaveText(['deepset’s default: your own workspace role.', 'Editor', 'Search user', 'Annotator']);
  await role.selectOption({ label: 'Annotator' });
  await form.getByLabel('Type').selectOption({ label: 'Service key' });
  await form.getByLabel('Name').fill('labeller');
  await form.getByLabel('Expires').fill(inDays(20));
  await shoot(app, 'create-workspace-role');
  await createAndCopy(app, form, 'API key');
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();
  const row = rowOf(app, 'labeller');
  const id = (await row.getAttribute('data-key-id'))!;
  expect(sandbox.key(id)!.roleId).toBe(sandbox.ids.roles.Annotator);

  // deepset does not say when a key was made: the twin expires when the old key would have.
  const wizard = await detailsThenRotation(app, 'labeller', { 'Workspace role': 'Annotator' }, ['Workspace role: Annotator']);
  const expires = wizard.getByRole('group', { name: 'New key expires' });
  await expect(expires.getByText(/When the old key would have expired/)).toBeVisible();
  await expect(expires.getByLabel('New key expires on')).toHaveValue(inDays(20));
  await shoot(app, 'rotation-plan');
  const twin = await rotateToTwin(app, harness, wizard, id, 'API key');
  expect(sandbox.key(twin.twinId)).toMatchObject({ roleId: sandbox.ids.roles.Annotator });
  expect(Math.abs(sandbox.key(twin.twinId)!.expiresAt! - sandbox.key(id)!.expiresAt!)).toBeLessThan(5_000);
  await twin.cancel();
  await wizard.getByRole('button', { name: 'Close', exact: true }).click();

  // An expired key whose lifetime nobody can tell: the wizard asks before anything is made.
  await sidebar.getByRole('button', { name: /production/ }).click();
  await rowOf(app, 'prod-old').getByRole('button', { name: 'Rotate prod-old' }).click();
  const asks = app.getByRole('dialog', { name: 'Rotate “prod-old”' });
  await expect(asks.getByText(/does not say how long it was meant to last: choose/)).toBeVisible();
  await expect(asks.getByRole('button', { name: 'Create the new key' })).toBeDisabled();
  await asks.getByLabel('New key expires on').fill(inDays(14));
  await expect(asks.getByRole('button', { name: 'Create the new key' })).toBeEnabled();
  await shoot(app, 'rotation-choose-expiry');
  await asks.getByRole('button', { name: 'Cancel' }).click();
});
