// The whole first flow, as a person does it, in Chromium against the real renderer and core:
// connect a Rancher 1.x server, sync, create a key and see its secret once, deactivate and
// activate it, edit it, delete it; a failing sync keeps the cached keys; no secret in the data dir.
import { cpSync } from 'node:fs';
import { createKeytarSecretStore, connectionAccount } from '../../src-main/secrets/secret-store.ts';
import { startHarness } from '../harness/server.ts';
import { tempDir } from '../support/temp.ts';
import { scanForSecrets } from '../support/scan.ts';
import { connectRancher, expect, keyRow, shoot, test } from './fixtures.ts';

/** Keys of one account the sandbox would list (removed ones are hidden, as in Rancher). */
function listedNames(keys: Array<Record<string, unknown>>): string[] {
  return keys
    .filter((k) => !['removed', 'purged', 'removing', 'purging'].includes(String(k.state)))
    .map((k) => (typeof k.name === 'string' ? k.name : ''))
    .filter(Boolean);
}

test('an empty Keyfleet invites the user to add a connection', async ({ app }) => {
  await expect(app.getByRole('heading', { name: 'Connect your first organization' })).toBeVisible();
  await expect(app.getByText('No connections yet.')).toBeVisible();
});

test('connecting stores the credential in the keychain and syncs environments and keys', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await expect(sidebar.getByText('Sandbox Rancher')).toBeVisible();
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();

  // Environments alice belongs to appear as scopes; Production (admin only) does not.
  await expect(sidebar.getByRole('button', { name: /Default/ })).toBeVisible();
  await expect(sidebar.getByRole('button', { name: /Staging/ })).toBeVisible();
  await expect(sidebar.getByRole('button', { name: /Production/ })).toHaveCount(0);

  // Every key alice can see is listed, across her account and environments.
  const expected = [
    ...listedNames(sandbox.keys(sandbox.ids.user)),
    ...listedNames(sandbox.keys(sandbox.ids.projects.Default)),
    ...listedNames(sandbox.keys(sandbox.ids.projects.Staging)),
  ];
  expect(expected.length).toBeGreaterThan(3);
  for (const name of expected) await expect(keyRow(app, name)).toHaveCount(1);

  // The credential went to the keychain, and nowhere in the data dir.
  const [connection] = await harness.core.api.connections.list();
  const stored = await createKeytarSecretStore().get(connectionAccount(connection!.id));
  expect(JSON.parse(stored!)).toMatchObject({ accessKey: sandbox.credentials.user.accessKey });
  expect(scanForSecrets(harness.dataDir, [sandbox.credentials.user.secretKey])).toEqual([]);
  await shoot(app, 'key-table');
});

test('creating a key reveals its secret exactly once, and the secret is never stored', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Default/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();

  const form = app.getByRole('dialog', { name: 'Create a key' });
  await expect(form.getByLabel('Type')).toHaveValue('environment');
  await form.getByLabel('Name').fill('deploy-bot');
  await form.getByLabel('Description').fill('used by the deploy pipeline');
  const created = app.waitForResponse((r) => r.url().endsWith('/__harness/invoke/keys.create'));
  await form.getByRole('button', { name: 'Create key' }).click();
  const { value } = (await (await created).json()) as { value: { revealSlotId: string; key: { id: string } } };

  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  await expect(reveal).toBeVisible();
  const accessKey = (await reveal.getByTestId('reveal-Access key').textContent())!;
  const secretKey = (await reveal.getByTestId('reveal-Secret key').textContent())!;
  expect(accessKey).toMatch(/^[0-9A-F]{20}$/);
  expect(secretKey).toHaveLength(40);
  expect(sandbox.authenticates(accessKey, secretKey)).toBe(true);
  await shoot(app, 'reveal-dialog');

  // The slot was read by the dialog; a second read fails.
  // window.keyfleet answers with a Result, never a throw (only plain data crosses the context bridge).
  const second = await app.evaluate(async (slotId) => {
    type Take = (i: { slotId: string }) => Promise<{ ok: true } | { ok: false; error: { message: string } }>;
    const result = await (globalThis as unknown as { keyfleet: { reveal: { take: Take } } }).keyfleet.reveal.take({ slotId });
    return result.ok ? 'revealed again' : result.error.message;
  }, value.revealSlotId);
  expect(second).toMatch(/already revealed once/);

  // Closing without copying asks first.
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal.getByText('You have not copied the secret.')).toBeVisible();
  await reveal.getByRole('button', { name: 'Go back' }).click();
  await reveal.getByRole('button', { name: 'Copy Secret key' }).click();
  await expect(reveal.getByRole('button', { name: 'Copy Secret key' })).toContainText('Copied');
  await expect.poll(() => harness.clipboard.readText()).toBe(secretKey);
  // Marked as a password, so clipboard histories that honour the mark skip it.
  expect(harness.clipboard.concealed).toBe(true);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();

  const row = keyRow(app, 'deploy-bot');
  await expect(row).toContainText('Active');
  await expect(row).toContainText(`${accessKey}:••••`);

  await harness.core.close();
  expect(scanForSecrets(harness.dataDir, [secretKey, sandbox.credentials.user.secretKey])).toEqual([]);
});

test('a key can be deactivated, activated again, renamed and deleted', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Staging/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await form.getByLabel('Name').fill('short-lived');
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  await reveal.getByRole('button', { name: 'Copy Secret key' }).click();
  await reveal.getByRole('button', { name: 'Done' }).click();

  const row = keyRow(app, 'short-lived');
  const id = (await row.getAttribute('data-key-id'))!;
  await row.getByRole('button', { name: 'Deactivate short-lived' }).click();
  await expect(row).toContainText('Inactive');
  expect(sandbox.key(id)!.state).toBe('inactive');

  await row.getByRole('button', { name: 'Activate short-lived' }).click();
  await expect(row).toContainText('Active');
  expect(sandbox.key(id)!.state).toBe('active');

  await row.getByRole('button', { name: 'Edit short-lived' }).click();
  const edit = app.getByRole('dialog', { name: 'Edit key' });
  await edit.getByLabel('Name').fill('short-lived-renamed');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(keyRow(app, 'short-lived-renamed')).toHaveCount(1);
  expect(sandbox.key(id)!.name).toBe('short-lived-renamed');

  // Deleting an active key: Keyfleet deactivates it first, as Rancher requires.
  const renamed = keyRow(app, 'short-lived-renamed');
  await renamed.getByRole('button', { name: 'Delete short-lived-renamed' }).click();
  const confirm = app.getByRole('dialog', { name: 'Delete “short-lived-renamed”?' });
  await expect(confirm.getByText(/deactivates an active key first/)).toBeVisible();
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(keyRow(app, 'short-lived-renamed')).toHaveCount(0);
  expect(['removing', 'removed', 'purged']).toContain(sandbox.key(id)?.state ?? 'purged');
});

test('a failing sync shows the error and keeps the cached keys listed', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const known = listedNames(sandbox.keys(sandbox.ids.user))[0]!;
  await expect(keyRow(app, known)).toHaveCount(1);

  sandbox.faults.add({ kind: 'status', status: 500, path: '/apikeys' });
  await app.getByRole('button', { name: 'Sync now' }).click();
  const alert = app.getByRole('alert').filter({ hasText: 'The last sync of “Sandbox Rancher” failed' });
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText(/Rancher at 127\.0\.0\.1:\d+ is unavailable \(HTTP 500\)/);
  await expect(alert).toContainText('Showing the inventory as of');
  // One claim about that inventory, in the sidebar and the header alike.
  await expect(app.getByRole('navigation', { name: 'Connections' })).toContainText('Sync failed just now · as of just now');
  await expect(app.locator('.pane-header .sync-state')).toHaveText('Sync failed just now · as of just now');
  await expect(keyRow(app, known)).toHaveCount(1);
  await shoot(app, 'sync-failed');
});

test('a rejected credential is reported on the form and nothing is stored', async ({ app, sandbox, harness }) => {
  await app.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = app.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Server URL').fill(sandbox.url);
  await dialog.getByLabel('Access key').fill(sandbox.credentials.user.accessKey);
  await dialog.getByLabel('Secret key').fill('wrong-secret-wrong-secret-wrong-secret00');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Rancher rejected the connection');
  expect(await harness.core.api.connections.list()).toEqual([]);
});

test('a secret that was never seen is offered again, once', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const [connection] = await harness.core.api.connections.list();
  // A key created while no dialog read its secret (as after a crash or a quit).
  await harness.core.api.keys.create({ connectionId: connection!.id, scopeId: sandbox.ids.user, type: 'account', name: 'unseen' });
  await app.reload();
  const banner = app.getByRole('status').filter({ hasText: 'A new secret has not been seen yet' });
  // Named by its key, in its connection.
  await banner.getByRole('button', { name: 'Show the new secret of “unseen” in Sandbox Rancher' }).click();
  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  await expect(reveal.locator('.reveal-lead')).toContainText('Account API key “unseen” was created.');
  const accessKey = (await reveal.getByTestId('reveal-Access key').textContent())!;
  const secretKey = (await reveal.getByTestId('reveal-Secret key').textContent())!;
  expect(sandbox.authenticates(accessKey, secretKey)).toBe(true);
  await reveal.getByRole('button', { name: 'Copy Secret key' }).click();
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(banner).toHaveCount(0);
  expect(await harness.core.api.reveal.pending()).toEqual([]);
});

test('the rotation wizard creates a twin, reveals it once, and deactivates the old key after deployment', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const oldRow = keyRow(app, 'laptop');
  const oldId = (await oldRow.getAttribute('data-key-id'))!;
  await oldRow.getByRole('button', { name: 'Rotate laptop' }).click();

  const wizard = app.getByRole('dialog', { name: 'Rotate “laptop”' });
  await expect(wizard.getByText(/create a twin key/)).toBeVisible();
  await wizard.getByRole('button', { name: 'Create the new key' }).click();
  const accessKey = (await wizard.getByTestId('reveal-Access key').textContent())!;
  const secretKey = (await wizard.getByTestId('reveal-Secret key').textContent())!;
  expect(sandbox.authenticates(accessKey, secretKey)).toBe(true);
  await shoot(app, 'rotation-reveal');
  await wizard.getByRole('button', { name: 'Copy Secret key' }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();

  // The old key keeps working until the user says the new one is deployed.
  expect(sandbox.key(oldId)!.state).toBe('active');
  await expect(wizard.getByRole('button', { name: 'Next' })).toBeDisabled();
  await wizard.getByLabel('The new key is deployed and in use').check();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Deactivate old key' }).click();
  await expect(wizard.getByRole('status')).toContainText('Rotation complete');
  await wizard.getByRole('button', { name: 'Close', exact: true }).click();

  expect(sandbox.key(oldId)!.state).toBe('inactive');
  await expect(keyRow(app, 'laptop')).toHaveCount(2);
  const oldOne = app.locator(`[data-key-id="${oldId}"]`);
  await expect(oldOne).toContainText('Inactive');
  // The two keys say what they are to each other, in the table and in the details.
  const ids = await Promise.all((await keyRow(app, 'laptop').all()).map((row) => row.getAttribute('data-key-id')));
  const newId = ids.find((id) => id !== oldId)!;
  const newOne = app.locator(`[data-key-id="${newId}"]`);
  await expect(oldOne.locator('.status-note')).toHaveText(`replaced by “laptop” (${accessKey}:••••)`);
  await expect(newOne.locator('.status-note')).toHaveText(/^replaces “laptop” \([0-9A-F]+:••••\)$/);
  await newOne.getByText('laptop', { exact: true }).click();
  const details = app.getByRole('complementary', { name: 'laptop' });
  await expect(details.locator('.detail-field').filter({ hasText: 'Replaces' })).toContainText('“laptop”');
  await details.locator('.detail-field').filter({ hasText: 'Replaces' }).getByRole('button', { name: '“laptop”' }).click();
  await expect(details.locator('.detail-field').filter({ hasText: 'Replaced by' })).toContainText(`“laptop” ${accessKey}:••••`);
  await expect(details.getByRole('group', { name: 'Actions for laptop' }).getByRole('button', { name: 'Activate', exact: true })).toBeEnabled();
  await shoot(app, 'rotation-partners');
});

test('a key’s details, all connections at once, and the action journal', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  // Details: every field, the history, the backend's own fields without any secret.
  await keyRow(app, 'laptop').getByText('laptop', { exact: true }).click();
  const detail = app.getByRole('complementary', { name: 'laptop' });
  await expect(detail.locator('dd').filter({ hasText: 'Personal laptop' })).toBeVisible();
  await expect(detail.getByText('Sync: first seen')).toBeVisible();
  await detail.getByText('Backend fields').click();
  await expect(detail.locator('pre')).toContainText('"publicValue"');
  await expect(detail.locator('pre')).not.toContainText('secretValue');
  await shoot(app, 'key-detail');
  await detail.getByRole('button', { name: 'Close key details' }).click();

  // All keys: a connection column appears, and the sidebar counts the keys it lists.
  await app.getByRole('button', { name: 'All keys' }).click();
  await expect(app.getByRole('heading', { name: 'All keys' })).toBeVisible();
  const listed = (await app.getByText(/^\d+ keys$/).first().textContent())!;
  await expect(app.getByRole('button', { name: 'All keys' }).getByLabel(listed, { exact: true })).toHaveText(listed.split(' ')[0]!);
  await expect(app.getByRole('columnheader', { name: 'Connection' })).toBeVisible();
  await expect(keyRow(app, 'laptop')).toContainText('Sandbox Rancher');

  // The journal records what Keyfleet did.
  await keyRow(app, 'laptop').getByRole('button', { name: 'Deactivate laptop' }).click();
  await expect(keyRow(app, 'laptop')).toContainText('Inactive');
  await app.getByRole('button', { name: 'Action journal' }).click();
  const journal = app.getByRole('table');
  await expect(journal.getByRole('row').nth(1)).toContainText('deactivate');
  await expect(journal.getByRole('row').nth(1)).toContainText('Done');
  await expect(journal).toContainText('connection add');
  const download = app.waitForEvent('download');
  await app.getByRole('button', { name: 'Export CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/^keyfleet-journal-.*\.csv$/);
  await expect(app.getByText(/SHA-256/)).toBeVisible();
  await shoot(app, 'journal');
});

test('follows the OS dark theme', async ({ app, sandbox }) => {
  await app.emulateMedia({ colorScheme: 'dark' });
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await expect(app.locator('body')).toHaveCSS('background-color', 'rgb(15, 20, 27)');
  await keyRow(app, 'laptop').getByText('laptop', { exact: true }).click();
  await shoot(app, 'dark-theme');
});

test.describe('a revealed secret on screen', () => {
  test.use({ revealTtlMs: 3000 });

  test('counts down and is cleared from the window when its time is up', async ({ app, sandbox }) => {
    await connectRancher(app, sandbox, sandbox.credentials.user);
    await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Default/ }).click();
    await app.getByRole('button', { name: 'Create key' }).first().click();
    const form = app.getByRole('dialog', { name: 'Create a key' });
    await form.getByLabel('Name').fill('fleeting');
    await form.getByRole('button', { name: 'Create key' }).click();
    const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
    await expect(reveal.getByText(/Cleared from this window in 0:0\d/)).toBeVisible();
    await expect(reveal.getByText('The secret was cleared from this window when its time was up.')).toBeVisible({ timeout: 6000 });
    await expect(reveal.getByTestId('reveal-Secret key')).toHaveCount(0);
  });
});

test('a bulk action previews the exact keys, needs the count typed, and reports each result', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Default/ }).click();
  await app.getByRole('button', { name: 'Bulk action…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Bulk action' });
  // Rancher reports no last use: none of its keys is idle, and the preview says why.
  await dialog.getByLabel('Idle for more than (days)').fill('100');
  await dialog.getByRole('button', { name: 'Preview (dry run)' }).click();
  await expect(dialog.getByRole('status')).toContainText('0 keys would be deactivated.');
  await expect(dialog.getByRole('list', { name: 'Not judged idle' })).toHaveText('Not selected as idle: Rancher 1.x does not report when a key was last used.');
  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await app.setViewportSize({ width, height });
    await shoot(app, `bulk-idle-not-judged-${width}x${height}`);
  }
  await dialog.getByRole('button', { name: 'Back' }).click();
  await dialog.getByLabel('Idle for more than (days)').fill('');
  await dialog.getByRole('button', { name: 'Preview (dry run)' }).click();
  await expect(dialog.getByRole('status')).toContainText('2 keys would be deactivated; 1 matching key is skipped');
  const list = dialog.getByRole('list', { name: 'Keys in this action' });
  await expect(list.getByRole('listitem')).toHaveText([/compose-deploy/, /monitoring/]);
  const run = dialog.getByRole('button', { name: 'Deactivate 2 keys' });
  await expect(run).toBeDisabled();
  await dialog.getByLabel('Type 2 to confirm').fill('2');
  await shoot(app, 'bulk-preview');
  // Each key takes a moment on the backend: the dialog shows the run key by key as it goes.
  sandbox.faults.add({ kind: 'latency', ms: 700, method: 'POST', path: '/apikeys/' });
  await run.click();
  await expect(dialog.getByRole('status')).toContainText('Deactivating 1 of 2 keys…');
  await expect(dialog.getByRole('progressbar', { name: 'Bulk action progress' })).toHaveAttribute('aria-valuenow', '1');
  await expect(dialog.getByRole('list', { name: 'Keys done so far' }).getByRole('listitem')).toHaveText([/compose-deploy|laptop/]);
  await shoot(app, 'bulk-progress');
  await expect(dialog.getByRole('status')).toContainText('2 of 2 keys deactivated');
  sandbox.faults.clear();
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(keyRow(app, 'monitoring')).toContainText('Inactive');
  await expect(keyRow(app, 'compose-deploy')).toContainText('Inactive');
  await app.getByRole('button', { name: 'All keys' }).click();
  await expect(keyRow(app, 'laptop')).toContainText('Active');
  await expect(keyRow(app, 'keyfleet')).toContainText('Active');
});

test('everything is reachable from the keyboard', async ({ app, sandbox, page }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await page.keyboard.press('/');
  await expect(app.getByRole('searchbox')).toBeFocused();
  await page.keyboard.type('staging');
  await expect(app.getByText('2 keys')).toBeVisible();
  await app.getByRole('searchbox').fill('');
  await expect(app.getByText('8 keys')).toBeVisible();

  const first = app.getByRole('row').nth(1);
  await first.focus();
  await page.keyboard.press('ArrowDown');
  const second = app.getByRole('row').nth(2);
  await expect(second).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(app.getByRole('complementary')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(app.getByRole('complementary')).toHaveCount(0);

  await second.focus();
  await page.keyboard.press('e');
  await expect(app.getByRole('dialog', { name: 'Edit key' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(app.getByRole('dialog')).toHaveCount(0);

  await app.locator('main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('n');
  await expect(app.getByRole('dialog', { name: 'Create a key' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await expect(app.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Rotate the key');
});

test('offline: an unreachable backend leaves the inventory reviewable, read-only, until it is back', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await expect(keyRow(app, 'laptop')).toHaveCount(1);
  sandbox.faults.add({ kind: 'drop' });
  await app.getByRole('button', { name: 'Sync now' }).click();
  const banner = app.getByRole('status').filter({ hasText: 'Sandbox Rancher cannot be reached' });
  await expect(banner).toContainText('read-only');
  // One claim about the cached inventory, alike in the sidebar and the header.
  await expect(app.getByRole('navigation', { name: 'Connections' })).toContainText('Offline · as of just now');
  await expect(app.locator('.pane-header .sync-state')).toHaveText('Offline · as of just now');
  // Everything cached is still there; actions that need the backend say why they are off.
  await expect(keyRow(app, 'laptop')).toContainText('Active');
  const deactivate = keyRow(app, 'laptop').getByRole('button', { name: 'Deactivate laptop' });
  await expect(deactivate).toBeDisabled();
  await expect(deactivate).toHaveAttribute('title', /cannot be reached right now/);
  await expect(app.getByRole('button', { name: 'Create key' }).first()).toBeDisabled();
  await shoot(app, 'offline');

  sandbox.faults.clear();
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(banner).toHaveCount(0);
  await expect(keyRow(app, 'laptop').getByRole('button', { name: 'Deactivate laptop' })).toBeEnabled();
});

test('a key removed on the backend stays visible as gone, until hidden', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const id = (await keyRow(app, 'laptop').getAttribute('data-key-id'))!;
  // Someone removes the key in Rancher itself.
  const auth = { authorization: `Basic ${Buffer.from(`${sandbox.credentials.user.accessKey}:${sandbox.credentials.user.secretKey}`).toString('base64')}` };
  await fetch(`${sandbox.url}/v2-beta/apikeys/${id}/?action=deactivate`, { method: 'POST', headers: auth });
  await expect.poll(() => sandbox.key(id)!.state).toBe('inactive');
  await fetch(`${sandbox.url}/v2-beta/apikeys/${id}`, { method: 'DELETE', headers: auth });

  await app.getByRole('button', { name: 'Sync now' }).click();
  const row = keyRow(app, 'laptop');
  await expect(row).toContainText('Gone');
  await expect(row).toContainText(/since just now; last seen/);
  await expect(row.getByRole('button', { name: 'Deactivate laptop' })).toHaveCount(0);
  await shoot(app, 'ghost-row');
  await row.getByRole('button', { name: 'Hide laptop' }).click();
  await expect(keyRow(app, 'laptop')).toHaveCount(0);
});

test('what changed, a secret-free export, and reviewing a copy read-only', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await keyRow(app, 'laptop').getByRole('button', { name: 'Edit laptop' }).click();
  const edit = app.getByRole('dialog', { name: 'Edit key' });
  await edit.getByLabel('Name').fill('laptop-2026');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(keyRow(app, 'laptop-2026')).toHaveCount(1);

  await app.getByRole('button', { name: 'What changed' }).click();
  const changes = app.getByRole('table');
  await expect(changes.getByRole('row').nth(1)).toContainText('name: laptop → laptop-2026');
  // The connection's first sync: one line, not one per key.
  await expect(changes.getByRole('row')).toHaveCount(3);
  await expect(changes.getByRole('row').nth(2)).toContainText('8 keys found by the first sync');
  await shoot(app, 'what-changed');

  await app.getByRole('button', { name: 'Sandbox Rancher Rancher 1.x' }).click();
  const download = app.waitForEvent('download');
  await app.getByRole('group', { name: 'Export inventory' }).getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^keyfleet-inventory-sandbox-rancher-.*\.csv$/);
  await expect(app.getByRole('status').filter({ hasText: /Exported 8 keys/ })).toContainText('SHA-256');

  // An auditor opens a copy of this data dir (database and WAL): read-only, no credential.
  const copy = tempDir('keyfleet-review-');
  cpSync(harness.dataDir, copy.path, { recursive: true });
  const review = await startHarness({ dataDir: copy.path, review: true });
  try {
    await app.goto(review.pageUrl);
    await expect(app.getByText('Reviewing a copy, read-only')).toBeVisible();
    await expect(app.getByRole('button', { name: 'Add connection' }).first()).toBeDisabled();
    await expect(keyRow(app, 'laptop-2026')).toContainText('Active');
    await expect(keyRow(app, 'laptop-2026').getByRole('button', { name: 'Deactivate laptop-2026' })).toHaveAttribute('title', /read-only review/);
    await expect(app.getByRole('button', { name: 'Sync now' })).toBeVisible();
    await shoot(app, 'review');
  } finally {
    await review.close();
    copy.cleanup();
  }
});
