// The key Keyfleet itself signs in with, as a person meets it in Chromium against the real renderer
// and core: marked in the table and the details; deactivate and activate ask first (even from the
// keyboard), naming the key and what stops working; on the own key the warning says it ends
// Keyfleet's access, and afterwards the truth is told (done, and the connection needs a new
// credential); its rotation is one step, and the credential's age is shown on the connection.
import { connectionAccount, createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { startOnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { backendTest, connectOnyx, connectRancher, expect, keyRow, shootSizes, test } from './fixtures.ts';

test('deactivate and activate ask first, from a click or the keyboard, naming the key and what stops working', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const row = keyRow(app, 'laptop');
  const id = (await row.getAttribute('data-key-id'))!;

  // Enter on a focused power icon no longer deactivates on the spot.
  await row.getByRole('button', { name: 'Deactivate laptop' }).focus();
  await app.keyboard.press('Enter');
  const ask = app.getByRole('dialog', { name: 'Deactivate “laptop”?' });
  await expect(ask).toContainText('Whatever uses “laptop” of Sandbox Rancher (an account key) stops authenticating at once');
  await expect(ask).toContainText('A deactivated key stops authenticating at once and can be activated again.');
  await shootSizes(app, 'deactivate-confirm');
  expect(sandbox.key(id)!.state).toBe('active');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  expect(sandbox.key(id)!.state).toBe('active');
  await expect(row).toContainText('Active');

  await row.getByRole('button', { name: 'Deactivate laptop' }).click();
  await ask.getByRole('button', { name: 'Deactivate key' }).click();
  await expect(row).toContainText('Inactive');
  expect(sandbox.key(id)!.state).toBe('inactive');

  await row.getByRole('button', { name: 'Activate laptop' }).click();
  const activate = app.getByRole('dialog', { name: 'Activate “laptop”?' });
  await expect(activate).toContainText('authenticates again: anything still holding its secret regains that access at once');
  await activate.getByRole('button', { name: 'Activate key' }).click();
  await expect(row).toContainText('Active');
  expect(sandbox.key(id)!.state).toBe('active');
});

test('the key Keyfleet signs in with is marked, guarded, and deactivating it is reported truthfully', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const own = keyRow(app, 'keyfleet');
  const id = (await own.getAttribute('data-key-id'))!;
  await expect(own.getByText('Keyfleet’s key')).toBeVisible();
  await expect(keyRow(app, 'laptop').getByText('Keyfleet’s key')).toHaveCount(0);

  // The details say so; Rancher cannot delete it (the deactivation first would end the access).
  await own.click();
  const details = app.getByRole('complementary', { name: /keyfleet/ });
  await expect(details).toContainText('Sandbox Rancher signs in with this key; replace it with “Rotate Keyfleet’s credential”.');
  await expect(own.getByRole('button', { name: 'Delete keyfleet' })).toBeDisabled();
  await expect(own.getByRole('button', { name: 'Delete keyfleet' })).toHaveAttribute('title', /Rancher deletes only inactive keys, and once this key is inactive Keyfleet can no longer sign in/);
  await shootSizes(app, 'own-key-details');

  await own.getByRole('button', { name: 'Deactivate keyfleet' }).click();
  const ask = app.getByRole('dialog', { name: 'Deactivate “keyfleet”?' });
  await expect(ask.getByRole('alert')).toContainText('Keyfleet signs in to “Sandbox Rancher” with this key. Deactivating “keyfleet” ends Keyfleet’s access');
  await expect(ask.getByRole('button', { name: 'rotate Keyfleet’s credential' })).toBeVisible();
  await shootSizes(app, 'own-key-deactivate');
  await ask.getByRole('button', { name: 'Deactivate anyway' }).click();

  // Done — not "could not deactivate" — and the connection needs a new credential.
  await expect(app.getByRole('status').filter({ hasText: 'Deactivated “keyfleet”' })).toContainText('it needs a new credential');
  await expect(own).toContainText('Inactive');
  expect(sandbox.key(id)!.state).toBe('inactive');
  const banner = app.getByRole('status').filter({ hasText: '“Sandbox Rancher” needs a new credential' });
  await expect(banner).toContainText('“keyfleet”, the key Keyfleet signed in with, was deactivated in Keyfleet just now');
  await expect(banner.getByRole('button', { name: 'Reconnect' })).toBeVisible();
  // Nothing that needs the backend is offered until then: the ended credential cannot sign in.
  for (const name of ['Activate keyfleet', 'Deactivate laptop', 'Create key']) {
    const button = app.getByRole('button', { name, exact: true }).first();
    await expect(button).toBeDisabled();
  }
  await expect(keyRow(app, 'laptop').getByRole('button', { name: 'Deactivate laptop' })).toHaveAttribute('title', /Sandbox Rancher needs a new credential first: Reconnect it/);
  await shootSizes(app, 'own-key-ended');
  await app.getByRole('button', { name: 'Action journal' }).click();
  const line = app.getByRole('table').getByRole('row').nth(1);
  await expect(line).toContainText('Done');
  await expect(line).toContainText('the key this connection signed in with: it needs a new credential');
});

test('Keyfleet’s credential is rotated in one step, and its age is shown on the connection', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const strip = app.getByRole('group', { name: 'Keyfleet’s credential' });
  await expect(strip).toContainText('Signs in with “keyfleet”');
  await expect(strip).toContainText('created 30 days ago');
  const oldId = (await keyRow(app, 'keyfleet').getAttribute('data-key-id'))!;

  // The row's rotate action on this key is the one-step rotation too.
  await keyRow(app, 'keyfleet').getByRole('button', { name: 'Rotate Keyfleet’s credential keyfleet' }).click();
  const dialog = app.getByRole('dialog', { name: 'Rotate Keyfleet’s credential' });
  await expect(dialog).toContainText('signs in with the twin and checks it reaches the same organization');
  await expect(dialog).toContainText('deactivates the old key');
  await shootSizes(app, 'credential-rotation');
  await dialog.getByRole('button', { name: 'Rotate now' }).click();
  await expect(dialog.getByRole('status')).toContainText('Done. Sandbox Rancher now signs in with a new key; the old one was deactivated.');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  const connectionId = (await harness.core.api.connections.list())[0]!.id;
  const stored = JSON.parse((await createKeytarSecretStore().get(connectionAccount(connectionId)))!) as { accessKey: string; secretKey: string };
  expect(stored.accessKey).not.toBe(sandbox.credentials.user.accessKey);
  expect(sandbox.authenticates(stored.accessKey, stored.secretKey)).toBe(true);
  expect(sandbox.key(oldId)!.state).toBe('inactive');
  await expect(strip).toContainText('created less than a day ago');
  await expect(keyRow(app, 'keyfleet').filter({ hasText: 'Keyfleet’s key' })).toContainText('Active');
  await app.getByRole('button', { name: 'Sync now' }).click();
  await expect(app.getByRole('navigation', { name: 'Connections' }).getByText(/Synced just now/)).toBeVisible();
  await app.getByRole('button', { name: 'Action journal' }).click();
  await expect(app.getByRole('table').getByRole('row').nth(1)).toContainText('rotate-credential');
});

const onyx = backendTest((options: { variant: Variant }) => startOnyxSandbox(options), { variant: 'groups' });

onyx('Onyx: deleting the key Keyfleet signs in with says first what it ends, then that the connection needs a new credential', async ({ app, sandbox }) => {
  await connectOnyx(app, sandbox);
  const own = keyRow(app, 'keyfleet-admin');
  await expect(own.getByText('Keyfleet’s key')).toBeVisible();

  await own.getByRole('button', { name: 'Delete keyfleet-admin' }).click();
  const ask = app.getByRole('dialog', { name: 'Delete “keyfleet-admin”?' });
  await expect(ask.getByRole('alert')).toContainText('Deleting “keyfleet-admin” ends Keyfleet’s access');
  await ask.getByRole('button', { name: 'Delete anyway' }).click();
  await expect(own).toHaveCount(0);
  expect(sandbox.authenticates(sandbox.credentials.adminKey)).toBe(false);
  await expect(app.getByRole('status').filter({ hasText: 'needs a new credential' }).getByRole('button', { name: 'Reconnect' })).toBeVisible();
  await expect(app.getByRole('navigation', { name: 'Connections' })).toContainText('Needs a new credential');
});
