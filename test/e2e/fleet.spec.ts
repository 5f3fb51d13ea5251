// A fleet in one window: eleven connections of all five backends and 1,200+ keys, as a person with
// many organizations sees them, at 1280×800 and 1920×1080. No action is cut off, the navigation is
// always in reach, every clipped text has an ellipsis and a tooltip, the detail pane offers the
// key's actions, the filter finds keys by connection and backend, and axe finds nothing. With
// KEYFLEET_README_SHOTS=1 it also writes the README's screenshots to docs/screenshots/.
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { backendTest, expect, keyRow, shoot } from './fixtures.ts';
import { clickableInWindow, clippedWithoutTooltip, unreachableButtons } from './fleet-checks.ts';
import { BIG_RANCHER_KEYS, connectFleet, startFleet } from './fleet.ts';
import { emptyVault, PASSPHRASE } from './vault-steps.ts';

const test = backendTest(() => startFleet(), {});
const README_SHOTS = 'docs/screenshots';
const VIEWS = ['My vault', 'Key health', 'What changed', 'Action journal', 'Settings'];

async function expectAccessible(page: Page, view: string, testInfo: TestInfo): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = results.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  await testInfo.attach(`axe-${view}`, { body: JSON.stringify({ view, violations }), contentType: 'application/json' });
  expect(violations, `axe violations in ${view}`).toEqual([]);
}

/** Nothing cut off in the table and the sidebar: no action, no text without an ellipsis and a tooltip. */
async function expectNothingClipped(page: Page, where: string): Promise<void> {
  expect(await unreachableButtons(page, '[data-testid="key-table"] [role="row"]', '[data-testid="key-table"]'), `${where}: row actions`).toEqual([]);
  expect(await clippedWithoutTooltip(page, '[data-testid="key-table"] [role="row"]'), `${where}: table text`).toEqual([]);
  expect(await clippedWithoutTooltip(page, '.sidebar'), `${where}: sidebar text`).toEqual([]);
  expect(await unreachableButtons(page, '.pane > .pane-header, .pane > .toolbar', null), `${where}: the pane's own buttons`).toEqual([]);
}

async function expectNavigationReachable(page: Page): Promise<void> {
  const views = page.getByRole('navigation', { name: 'Views' });
  for (const name of VIEWS) expect(await clickableInWindow(page, views.getByRole('button', { name })), `${name} in reach`).toBe(true);
}

for (const [width, height] of [
  [1280, 800],
  [1920, 1080],
] as const) {
  test(`eleven connections at ${width}×${height}: actions, navigation, details, filter, axe`, async ({ app, sandbox, harness }, testInfo) => {
    test.setTimeout(150_000);
    await app.setViewportSize({ width, height });
    const ids = await connectFleet(harness.core, sandbox);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    const connections = await harness.core.api.connections.list();
    expect(new Set(connections.map((c) => c.kind)).size).toBe(5);
    await app.reload();

    // All keys across the fleet.
    const sidebar = app.getByRole('navigation', { name: 'Connections' });
    await sidebar.getByRole('button', { name: /^All keys/ }).click();
    const total = (await harness.core.api.keys.list({ limit: 1 })).total;
    expect(total).toBeGreaterThan(BIG_RANCHER_KEYS);
    await expect(app.locator('.toolbar-count')).toHaveText(`${total.toLocaleString('en-US')} keys`);
    await expect(app.getByTestId('key-table').locator('[role="row"][data-key-id]').first()).toBeVisible();
    // Every connection has a colour of its own.
    const colours = await sidebar.locator('.connection-color').evaluateAll((dots) => dots.map((d) => (d as unknown as { style: { backgroundColor: string } }).style.backgroundColor));
    expect(colours).toHaveLength(connections.length);
    expect(new Set(colours).size).toBe(connections.length);
    await expectNothingClipped(app, 'all keys');
    await expectNavigationReachable(app);
    await shoot(app, `fleet-${width}-all-keys`);
    await expectAccessible(app, `fleet ${width} all keys`, testInfo);

    // A key's details: its actions in reach, its values unclipped, the table's actions still there.
    const row = keyRow(app, 'build-agent-1');
    await row.first().getByText('build-agent-1', { exact: true }).click();
    const detail = app.getByRole('complementary', { name: 'build-agent-1' });
    await expect(detail).toBeVisible();
    const actions = detail.getByRole('group', { name: 'Actions for build-agent-1' });
    for (const name of ['Edit', 'Deactivate', 'Rotate', 'Delete']) {
      const button = actions.getByRole('button', { name, exact: true });
      await expect(button).toBeEnabled();
      expect(await clickableInWindow(app, button), `${name} in the detail pane`).toBe(true);
    }
    await expect(detail.getByRole('region', { name: 'Safe to delete?' })).toContainText('not reported: Rancher 1.x does not record when its Account API keys are used');
    expect(await clippedWithoutTooltip(app, '.detail-pane'), 'detail pane text').toEqual([]);
    await expectNothingClipped(app, 'with details');
    await expectNavigationReachable(app);
    await shoot(app, `fleet-${width}-detail`);
    await expectAccessible(app, `fleet ${width} details`, testInfo);
    // An action from the pane: its dialog opens on its first field and gives the focus back.
    await actions.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = app.getByRole('dialog', { name: 'Edit key' });
    await expect(edit.getByLabel('Name')).toBeFocused();
    await app.keyboard.press('Escape');
    await expect(edit).toBeHidden();
    await expect(actions.getByRole('button', { name: 'Edit', exact: true })).toBeFocused();
    await detail.getByRole('button', { name: 'Close key details' }).click();

    // The filter finds keys by backend and by connection name.
    const search = app.getByRole('searchbox');
    const deepset = connections.filter((c) => c.kind === 'deepset');
    const deepsetKeys = (await Promise.all(deepset.map((c) => harness.core.api.keys.list({ connectionId: c.id, limit: 1 })))).reduce((n, p) => n + p.total, 0);
    expect(deepsetKeys).toBeGreaterThan(0);
    await search.fill('deepset');
    await expect(app.locator('.toolbar-count')).toHaveText(`${deepsetKeys} keys`);
    const shownConnections = await app.getByTestId('key-table').locator('[role="row"][data-key-id] .connection-cell').allTextContents();
    expect(new Set(shownConnections)).toEqual(new Set(deepset.map((c) => c.name)));
    const onyx = connections.find((c) => c.name === 'Onyx internal knowledge base')!;
    await search.fill('onyx internal');
    await expect(app.locator('.toolbar-count')).toHaveText(`${(await harness.core.api.keys.list({ connectionId: onyx.id, limit: 1 })).total} keys`);
    expect(new Set(await app.getByTestId('key-table').locator('[role="row"][data-key-id] .connection-cell').allTextContents())).toEqual(new Set([onyx.name]));
    await shoot(app, `fleet-${width}-filter`);
    await search.fill('');

    // Sorting: a click anywhere on a header, the Connection column, expiry soonest first.
    const header = app.getByRole('columnheader', { name: 'Connection' });
    const box = (await header.boundingBox())!;
    await app.mouse.click(box.x + box.width - 3, box.y + box.height - 3);
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    const first = [...connections].sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }))[0]!;
    await expect(app.getByTestId('key-table').locator('[role="row"][data-key-id]').first().locator('.connection-cell')).toHaveText(first.name);
    await app.getByRole('columnheader', { name: 'Expires' }).click();
    const soonest = (await harness.core.api.keys.list({ limit: 1, sort: { column: 'expiresAt', direction: 'asc' } })).rows[0]!;
    expect(soonest.expiresAt).not.toBeNull();
    await expect(app.getByTestId('key-table').locator('[role="row"][data-key-id]').first()).toHaveAttribute('data-key-id', soonest.id);

    // A compact sidebar: every connection on one line, still nothing clipped, still axe-clean.
    await sidebar.getByRole('button', { name: 'Compact list' }).click();
    await expect(sidebar.getByRole('button', { name: 'Compact list' })).toHaveAttribute('aria-pressed', 'true');
    await expectNothingClipped(app, 'compact');
    await expectNavigationReachable(app);
    await shoot(app, `fleet-${width}-compact`);
    await expectAccessible(app, `fleet ${width} compact sidebar`, testInfo);
  });
}

test('a fleet’s feedback: one "Sync all" with its summary, banners in their view, the first sync in one line, a remembered sidebar', async ({ app, sandbox, harness }, testInfo) => {
  test.setTimeout(150_000);
  await app.setViewportSize({ width: 1280, height: 800 });
  await connectFleet(harness.core, sandbox);
  await app.reload();
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await sidebar.getByRole('button', { name: /^All keys/ }).click();

  // The first sync of a connection is one line in What changed.
  await app.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'What changed' }).click();
  const acme = (await harness.core.api.connections.list()).find((c) => c.name.startsWith('Acme Production'))!;
  await app.getByRole('combobox', { name: /^In/ }).selectOption(acme.id);
  const changes = app.getByRole('table');
  await expect(changes.getByRole('row')).toHaveCount(2);
  const found = (await harness.core.api.keys.list({ connectionId: acme.id, limit: 1 })).total;
  expect(found).toBeGreaterThanOrEqual(BIG_RANCHER_KEYS);
  await expect(changes.getByRole('row').nth(1)).toContainText(`${found.toLocaleString('en-US')} keys found by the first sync`);

  // "Sync all" from the pane and from the app menu: one action, one summary naming what failed.
  await sidebar.getByRole('button', { name: /^All keys/ }).click();
  sandbox.onyx[1]!.faults.add({ kind: 'status', status: 503 });
  await app.getByRole('button', { name: 'Sync all' }).click();
  const summary = app.getByRole('alert').filter({ hasText: '1 of 11 connections could not be synced' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(summary.getByRole('listitem')).toHaveText([/^Onyx internal knowledge base: .*unavailable \(HTTP 503\)/]);
  await shoot(app, 'fleet-sync-all-summary');
  await summary.getByRole('button', { name: /^Dismiss/ }).click();
  await expect(async () => {
    harness.core.events.emit('app.command', { command: 'sync-all' });
    await expect(summary).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  // The sidebar, the header and the banner make one claim about that connection.
  await sidebar.getByRole('button', { name: /^Onyx internal knowledge base/ }).click();
  const claim = (await sidebar.locator('.connection-sync.failed').first().textContent())!;
  expect(claim).toMatch(/^Sync failed just now · as of just now$/);
  await expect(app.locator('.pane-header .sync-state')).toHaveText(claim);
  await expect(app.getByRole('alert').filter({ hasText: 'The last sync of “Onyx internal knowledge base” failed' })).toContainText('Showing the inventory as of');
  sandbox.onyx[1]!.faults.clear();

  // A banner stays in its view: an export's banner does not follow into the settings.
  await sidebar.getByRole('button', { name: /^All keys/ }).click();
  const download = app.waitForEvent('download');
  await app.getByRole('button', { name: 'Export CSV' }).click();
  await download;
  await expect(app.getByRole('status').filter({ hasText: 'Exported' })).toBeVisible();
  await app.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(app.getByRole('status').filter({ hasText: 'Exported' })).toHaveCount(0);

  // Folded connections and the compact list are remembered across a reload.
  await sidebar.getByRole('button', { name: `Scopes of ${acme.name}` }).click();
  await expect(sidebar.getByRole('button', { name: `Scopes of ${acme.name}` })).toHaveAttribute('aria-expanded', 'false');
  await sidebar.getByRole('button', { name: 'Compact list' }).click();
  await expect.poll(async () => (await harness.core.api.settings.get()).values.compactSidebar).toBe(true);
  await app.reload();
  await expect(sidebar.getByRole('button', { name: `Scopes of ${acme.name}` })).toHaveAttribute('aria-expanded', 'false');
  await expect(sidebar.getByRole('button', { name: 'Scopes of Staging' })).toHaveAttribute('aria-expanded', 'true');
  await expect(sidebar.getByRole('button', { name: 'Compact list' })).toHaveAttribute('aria-pressed', 'true');
  await sidebar.getByRole('button', { name: 'Fold every connection’s scopes' }).click();
  await expect(sidebar.locator('.scope-list')).toHaveCount(0);
  await expectNavigationReachable(app);
  await expectAccessible(app, 'fleet folded and compact', testInfo);
  await shoot(app, 'fleet-folded-compact');

  // The keyboard: a skip link first, straight past the sidebar to the main content.
  await app.bringToFront();
  await app.reload();
  await expect(sidebar.getByRole('button', { name: /^All keys/ })).toBeVisible();
  // Once the main content is there (a loaded machine takes a moment after the reload).
  await expect(app.locator('#main')).toHaveAttribute('aria-busy', 'false');
  await expect(app.locator('#main').getByRole('button', { name: 'Export CSV' })).toBeVisible();
  await app.keyboard.press('Tab');
  const skip = app.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await app.keyboard.press('Enter');
  await expect(app.locator('#main')).toBeFocused();
  await app.keyboard.press('Tab');
  expect(await app.evaluate(() => (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('#main') !== null)).toBe(true);
});

test('the README’s screenshots: a fleet, a key’s details, the rotation wizard, the one-time reveal, key health, the vault', async ({ app, sandbox, harness, typedSecrets }) => {
  test.setTimeout(150_000);
  const readme = process.env.KEYFLEET_README_SHOTS === '1';
  const capture = async (name: string) => {
    // No hover left behind by the last click.
    await app.mouse.move(0, 0);
    await shoot(app, `readme-${name}`);
    if (readme) {
      mkdirSync(README_SHOTS, { recursive: true });
      await app.screenshot({ path: `${README_SHOTS}/${name}.png` });
    }
  };
  await app.setViewportSize({ width: 1440, height: 900 });
  await connectFleet(harness.core, sandbox);
  const secret = 'kf-demo-0f6c2b1e9d8a7c5b4e3f2a1d0c9b8a7e';
  typedSecrets.add(secret);
  typedSecrets.add(PASSPHRASE);
  await harness.core.api.vault.setup({ passphrase: PASSPHRASE });
  await harness.core.api.vault.add({ name: 'Stripe restricted key', service: 'other', url: 'https://dashboard.stripe.com', fields: [{ label: 'Secret key', value: secret, secret: true }], tags: ['payments'] });
  await app.reload();
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await sidebar.getByRole('button', { name: /^All keys/ }).click();
  await expect(app.getByTestId('key-table').locator('[role="row"][data-key-id]').first()).toBeVisible();
  await capture('all-keys');

  await app.getByRole('searchbox').fill('laptop');
  await keyRow(app, 'laptop').first().getByText('laptop', { exact: true }).click();
  await expect(app.getByRole('complementary', { name: 'laptop' })).toBeVisible();
  await capture('key-details');

  await app.getByRole('searchbox').fill('');
  await sidebar.getByRole('button', { name: /^Staging/ }).first().click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await form.getByLabel('Name').fill('release-pipeline');
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  await expect(reveal.getByTestId('reveal-Secret key')).toBeVisible();
  await capture('one-time-reveal');
  await reveal.getByRole('button', { name: 'Copy Secret key' }).click();
  // The copy lands through the core; Done before it would ask about an uncopied secret.
  await expect(reveal.getByRole('button', { name: 'Copy Secret key, copied' })).toBeVisible();
  await reveal.getByRole('button', { name: 'Done' }).click();

  await app.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Key health' }).click();
  await expect(app.getByRole('heading', { name: 'Key health', level: 1 })).toBeVisible();
  await capture('key-health');

  await app.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'My vault' }).click();
  await expect(app.getByText('Stripe restricted key')).toBeVisible();
  await capture('vault');

  // Last: an unfinished rotation puts a banner over every view.
  await sidebar.getByRole('button', { name: /^All keys/ }).click();
  await app.getByRole('searchbox').fill('laptop');
  await keyRow(app, 'laptop').first().getByText('laptop', { exact: true }).click();
  await app.getByRole('complementary', { name: 'laptop' }).getByRole('button', { name: 'Rotate', exact: true }).click();
  const wizard = app.getByRole('dialog', { name: 'Rotate “laptop”' });
  await wizard.getByRole('button', { name: 'Create the new key' }).click();
  await expect(wizard.getByTestId('reveal-Secret key')).toBeVisible();
  await capture('rotation-wizard');
  await wizard.getByRole('button', { name: 'Copy Secret key' }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Close for now' }).click();
  await expect(wizard).toBeHidden();
  // The vault's secrets live in the real keychain.
  await emptyVault(harness);
});
