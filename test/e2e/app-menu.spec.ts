// The app menu's commands reach the window as `app.command` events (the desktop glue emits them
// from the menu; here the test emits them from the core) and do what their menu item says.
import type { AppCommand } from '../../src-preload/contract.ts';
import { connectRancher, expect, test } from './fixtures.ts';

test('menu commands: add connection, shortcuts, sync all, find keys, settings, lock vault', async ({ app, harness, sandbox }) => {
  const command = (name: AppCommand) => {
    harness.core.events.emit('app.command', { command: name });
  };

  await expect(app.getByRole('button', { name: 'Add connection' }).first()).toBeVisible();
  const add = app.getByRole('dialog', { name: 'Add a connection' });
  // The first command may come before the page's event stream is connected: repeat until it lands.
  await expect(async () => {
    command('add-connection');
    await expect(add).toBeVisible({ timeout: 500 });
  }).toPass();
  await add.getByRole('button', { name: 'Cancel' }).click();
  await expect(add).toBeHidden();

  command('shortcuts');
  const sheet = app.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(sheet).toBeHidden();

  await connectRancher(app, sandbox, sandbox.credentials.user);
  const before = (await harness.core.api.connections.list())[0]!.lastSync!.at;
  command('sync-all');
  // While the sync runs the connection has no finished sync to show (lastSync is null).
  await expect.poll(async () => (await harness.core.api.connections.list())[0]!.lastSync?.at ?? 0).toBeGreaterThan(before);

  await app.getByRole('button', { name: 'My vault' }).click();
  command('filter');
  await expect(app.getByRole('searchbox')).toBeFocused();

  command('settings');
  await expect(app.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();

  command('lock-vault');
  await expect.poll(async () => (await harness.core.api.vault.status()).locked).toBe(true);
});
