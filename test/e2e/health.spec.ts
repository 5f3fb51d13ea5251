// The health board and an organization's policy, as a person uses them, against the deepset
// sandbox (keys with roles and expiry dates).
import type { Page } from '@playwright/test';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { backendTest, expect, keyRow, shoot } from './fixtures.ts';

const test = backendTest(() => startDeepsetSandbox(), {});

async function connect(page: Page, sandbox: DeepsetSandbox) {
  await page.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Backend').selectOption({ label: 'deepset AI Platform' });
  await dialog.getByLabel('Display name').fill('Acme');
  await dialog.getByLabel('Server URL').fill(sandbox.url);
  await dialog.getByLabel('Token', { exact: true }).fill(sandbox.credentials.admin);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Connections' })).toContainText('Synced just now');
}

test('the health board counts keys that need attention and opens exactly them', async ({ app, sandbox, harness }) => {
  await connect(app, sandbox);
  const [connection] = await harness.core.api.connections.list();
  await harness.core.api.keys.create({
    connectionId: connection!.id,
    scopeId: sandbox.ids.organization,
    type: 'service',
    name: 'expiring-soon',
    role: 'MEMBER',
    expiresAt: Date.now() + 3 * 86_400_000,
  });
  const summary = await harness.core.api.health.summary({ idleDays: 90 });

  await app.getByRole('button', { name: 'Key health' }).click();
  const card = app.getByRole('button', { name: /Expire within 7 days/ });
  await expect(card).toContainText(String(summary.counts.expiring7));
  await expect(app.getByRole('button', { name: /Admin or organization-wide/ })).toContainText(String(summary.counts.privileged));
  await shoot(app, 'health-board');
  await card.click();
  await expect(app.getByRole('heading', { name: /All keys \/ Expire within 7 days/ })).toBeVisible();
  await expect(app.getByText(`${summary.counts.expiring7} ${summary.counts.expiring7 === 1 ? 'key' : 'keys'}`)).toBeVisible();
  await expect(keyRow(app, 'expiring-soon')).toHaveCount(1);
  await expect(keyRow(app, 'research-bot')).toHaveCount(0);
  await app.getByRole('button', { name: 'Clear filter: Expire within 7 days' }).click();
  await expect(keyRow(app, 'research-bot')).toHaveCount(1);
});

test('a policy is checked in the create form', async ({ app, sandbox }) => {
  await connect(app, sandbox);
  await app.getByRole('button', { name: 'Policy' }).click();
  const policy = app.getByRole('dialog', { name: 'Policy for “Acme”' });
  await policy.getByLabel('Maximum key lifetime (days)').fill('30');
  await policy.getByLabel('No admin keys').check();
  await policy.getByRole('button', { name: 'Save policy' }).click();
  await expect(policy).toBeHidden();

  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await form.getByLabel('Name').fill('too-powerful');
  // The form offers no admin role (the core refuses one all the same, test/integration/policy-groups.test.ts).
  const admin = form.getByLabel('Organization role').locator('option[value="ADMIN"]');
  await expect(admin).toBeDisabled();
  await expect(admin).toHaveText('Admin — not allowed by policy');
  await expect(form.getByText('This organization’s policy allows no admin keys')).toBeVisible();
  await form.getByRole('button', { name: 'Create key' }).click();
  await expect(form.getByText('This organization’s policy requires an expiry date.')).toBeVisible();
  await shoot(app, 'policy-refusal');
});
