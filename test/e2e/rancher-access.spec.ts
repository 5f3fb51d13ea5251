// Where Rancher refuses: a deactivated environment shown as inactive with its keys as last synced,
// a read-only member's environment offered for no new key, and a health board that says why its
// last-use cards count no Rancher key. At 1280×800 and 1920×1080, for a person to look at.
import type { Page } from '@playwright/test';
import { SEEDED_LABELS, seededCredential } from '../backends/rancher/seed.ts';
import { connectRancher, expect, keyRow, shoot, test } from './fixtures.ts';

/** A screenshot at each of the two window sizes the views are checked at. */
async function shootBoth(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await shoot(page, `${name}-${width}x${height}`);
  }
}

test('a deactivated environment is shown as inactive, keeps its keys, and is offered for no new key', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await expect(keyRow(app, 'staging-ci')).toHaveCount(1);

  sandbox.setProjectState(sandbox.ids.projects.Staging!, 'inactive');
  const [connection] = await harness.core.api.connections.list();
  await harness.core.api.sync.run({ connectionId: connection!.id });
  const staging = sidebar.getByRole('button', { name: /Staging/ });
  await expect(staging).toContainText('inactive');
  await staging.click();
  await expect(app.getByRole('status').filter({ hasText: 'Staging is inactive' })).toContainText('deactivated in Rancher');
  // Its keys, as they were at the last sync, with nothing to do to them while Rancher refuses.
  await expect(keyRow(app, 'staging-ci')).toHaveCount(1);
  await expect(keyRow(app, 'staging-ci').getByRole('button', { name: 'Deactivate staging-ci' })).toBeDisabled();
  await expect(keyRow(app, 'staging-ci').getByRole('button', { name: 'Edit staging-ci' })).toBeDisabled();
  await shootBoth(app, 'inactive-environment');

  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  const where = form.getByLabel('Where');
  await expect(where.locator('option')).toHaveText(['Account · alice', 'Default']);
  await expect(form.getByText('Not offered: Staging (inactive).')).toBeVisible();
  await shootBoth(app, 'create-form-without-inactive');
});

test('a read-only member sees the environment as such, offered for no new key; Rancher reports no last use', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, seededCredential(SEEDED_LABELS.readOnlyMember), 'Bob’s Rancher');
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  const def = sidebar.getByRole('button', { name: /Default/ });
  await expect(def).toContainText('read-only');
  await def.click();
  await expect(app.getByRole('status').filter({ hasText: 'Read-only in Default' })).toContainText('Rancher shows you its keys but refuses to create, change or delete any');

  await expect(keyRow(app, 'monitoring').getByRole('button', { name: 'Delete monitoring' })).toBeDisabled();
  await keyRow(app, 'monitoring').getByText('monitoring', { exact: true }).click();
  const detail = app.getByRole('complementary', { name: 'monitoring' });
  await expect(detail).toContainText('not reported: Rancher 1.x does not record when');
  await shootBoth(app, 'read-only-environment');

  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await expect(form.getByLabel('Where').locator('option')).toHaveText(['Account · bob']);
  await expect(form.getByText('Not offered: Default (read-only for you).')).toBeVisible();
});

test('the health board says why it counts no Rancher key as never used or idle', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const summary = await harness.core.api.health.summary({ idleDays: 90 });
  expect(summary.counts.neverUsed).toBe(0);
  const [reason] = summary.notCounted['never-used'];
  expect(reason).toMatch(/^Rancher 1\.x does not report when a key was last used: \d+ active keys are not counted\.$/);

  await app.getByRole('button', { name: 'Key health' }).click();
  const neverUsed = app.getByRole('button', { name: /Never used/ });
  await expect(neverUsed).toContainText('0');
  // The reason sits on the card and describes its button.
  await expect(neverUsed).toHaveAccessibleDescription(reason!);
  await expect(app.getByRole('button', { name: /Idle for more than 90 days/ })).toHaveAccessibleDescription(reason!);
  await expect(app.getByRole('button', { name: /No expiry/ })).toHaveAccessibleDescription(/^Rancher 1\.x Account API keys and Environment API keys cannot expire/);
  await shootBoth(app, 'health-board-reasons');
});
