// Onyx, as a person does it, in Chromium against the real renderer and core, on both kinds of Onyx
// server: connect with an admin key, create a limited key and see its secret once, regenerate it
// (the old secret dies at once, the new one is shown once), rename it keeping it limited, delete it.
import { startOnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { backendTest, connectWith, createAndCopy, detailsThenRotation, expect, keyRow, rotateToTwin, shoot } from './fixtures.ts';

const test = backendTest((options: { variant: Variant; proxyTakesAuthorization?: boolean }) => startOnyxSandbox(options), { variant: 'groups' });

for (const variant of ['roles', 'groups'] as const) {
  test.describe(`Onyx (${variant === 'roles' ? '≤ v4.6, roles' : 'main, groups'})`, () => {
    test.use({ sandboxOptions: { variant } });

    test('connect, create a limited key, regenerate it once, rename it keeping its role, delete it', async ({ app, sandbox, harness }) => {
      // Connect with an admin key, pasting the API root.
      await app.getByRole('button', { name: 'Add connection' }).first().click();
      const connect = app.getByRole('dialog', { name: 'Add a connection' });
      await connect.getByLabel('Backend').selectOption('onyx');
      await connect.getByLabel('Display name').fill('Sandbox Onyx');
      await connect.getByLabel('Server URL').fill(`${sandbox.url}/api`);
      await connect.getByLabel('Admin API key or personal access token').fill(sandbox.credentials.adminKey);
      await connect.getByRole('button', { name: 'Connect' }).click();
      await expect(connect).toBeHidden();
      const sidebar = app.getByRole('navigation', { name: 'Connections' });
      await expect(sidebar.getByText(/Synced just now/)).toBeVisible();
      await expect(keyRow(app, 'search-bot')).toHaveCount(1);
      await expect(keyRow(app, 'keyfleet-admin')).toContainText(sandbox.apiKey(sandbox.ids.keys['keyfleet-admin']!)!.display);

      // Create a limited key: a role on ≤ v4.6, no group on main.
      await sidebar.getByRole('button', { name: /Service accounts/ }).click();
      await app.getByRole('button', { name: 'Create key' }).first().click();
      const form = app.getByRole('dialog', { name: 'Create a key' });
      await expect(form.getByLabel('Type')).toHaveValue('api-key');
      await form.getByLabel('Name').fill('lobby-kiosk');
      if (variant === 'roles') {
        await form.getByLabel('Role').selectOption('limited');
        await expect(form.getByText('Read-only agent access')).toBeVisible();
      } else {
        await expect(form.getByRole('checkbox', { name: 'Engineering' })).not.toBeChecked();
        await expect(form.getByText('No group: a limited key')).toBeVisible();
      }
      await shoot(app, `onyx-${variant}-create-form`);
      await form.getByRole('button', { name: 'Create key' }).click();

      const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
      const first = (await reveal.getByTestId('reveal-API key').textContent())!;
      expect(first).toMatch(/^on_[A-Za-z0-9_-]{256}$/);
      expect(sandbox.authenticates(first)).toBe(true);
      await reveal.getByRole('button', { name: 'Copy API key' }).click();
      await reveal.getByRole('button', { name: 'Done' }).click();
      await expect(reveal).toBeHidden();

      const row = keyRow(app, 'lobby-kiosk');
      const id = Number((await row.getAttribute('data-key-id'))!.replace('key-', ''));
      const limited = () => {
        const key = sandbox.apiKey(id)!;
        return variant === 'roles' ? key.role === 'limited' : key.groupIds.length === 0;
      };
      expect(limited()).toBe(true);
      await expect(row).toContainText(`on_${first.slice(3, 7)}********${first.slice(-4)}`);

      // Regenerate: the UI says the current secret dies at once, then shows the new one once.
      await row.getByRole('button', { name: 'Regenerate lobby-kiosk' }).click();
      const wizard = app.getByRole('dialog', { name: 'Rotate “lobby-kiosk”' });
      // Said once: the wizard's own sentence, not the backend's note repeating it.
      await expect(wizard.getByText('The current secret stops working immediately.')).toBeVisible();
      await expect(wizard.getByText(/stops working at once|stops working immediately/)).toHaveCount(1);
      await shoot(app, `onyx-${variant}-regenerate-confirm`);
      expect(sandbox.authenticates(first)).toBe(true);
      await wizard.getByRole('button', { name: 'Regenerate secret' }).click();
      const second = (await wizard.getByTestId('reveal-API key').textContent())!;
      expect(second).toMatch(/^on_/);
      await expect(wizard.locator('.reveal-lead')).toHaveText(/^New secret for “lobby-kiosk”\. /);
      await expect(wizard.locator('.reveal-lead')).not.toContainText('has a new secret');
      expect(second).not.toBe(first);
      expect(sandbox.authenticates(first)).toBe(false);
      expect(sandbox.authenticates(second)).toBe(true);
      await shoot(app, `onyx-${variant}-regenerate-reveal`);
      await wizard.getByRole('button', { name: 'Copy API key' }).click();
      await expect(wizard.getByRole('button', { name: 'Copy API key' })).toContainText('Copied');
      await expect.poll(() => harness.clipboard.readText()).toBe(second);
      await wizard.getByRole('button', { name: 'Done' }).click();
      await expect(wizard.getByRole('status')).toContainText('The secret was regenerated; the old secret no longer works.');
      await wizard.getByRole('button', { name: 'Close', exact: true }).click();
      await expect(keyRow(app, 'lobby-kiosk')).toContainText(`on_${second.slice(3, 7)}********${second.slice(-4)}`);

      // Rename: Onyx's PATCH would reset the role or groups; the key stays limited.
      await keyRow(app, 'lobby-kiosk').getByRole('button', { name: 'Edit lobby-kiosk' }).click();
      const edit = app.getByRole('dialog', { name: 'Edit key' });
      await edit.getByLabel('Name').fill('lobby-kiosk-east');
      await edit.getByRole('button', { name: 'Save' }).click();
      await expect(keyRow(app, 'lobby-kiosk-east')).toHaveCount(1);
      expect(sandbox.apiKey(id)!.name).toBe('lobby-kiosk-east');
      expect(limited()).toBe(true);
      expect(sandbox.authenticates(second)).toBe(true);

      // Delete.
      await keyRow(app, 'lobby-kiosk-east').getByRole('button', { name: 'Delete lobby-kiosk-east' }).click();
      const confirm = app.getByRole('dialog', { name: 'Delete “lobby-kiosk-east”?' });
      await confirm.getByRole('button', { name: 'Delete key' }).click();
      await expect(keyRow(app, 'lobby-kiosk-east')).toHaveCount(0);
      expect(sandbox.apiKey(id)).toBeUndefined();
      expect(sandbox.authenticates(second)).toBe(false);
      await shoot(app, `onyx-${variant}-after-delete`);

      await harness.core.close();
      expect(scanForSecrets(harness.dataDir, [first, second, sandbox.credentials.adminKey])).toEqual([]);
    });
  });
}

test.describe('personal access tokens (main)', () => {
  test('a token limited to scopes: offered on create, shown in its details, kept by a rotation with its lifetime', async ({ app, sandbox, harness }) => {
    await connectWith(app, 'onyx', sandbox.url, { 'Admin API key or personal access token': sandbox.credentials.adminPat });
    await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /My personal access tokens/ }).click();
    await app.getByRole('button', { name: 'Create key' }).first().click();
    const form = app.getByRole('dialog', { name: 'Create a key' });
    await expect(form.getByLabel('Type')).toHaveValue('pat');
    const scopes = form.getByRole('group', { name: 'Scopes' });
    await expect(scopes.getByText('No scope: the token can do everything you can.')).toBeVisible();
    await scopes.getByRole('checkbox', { name: 'Chat: Read' }).check();
    await scopes.getByRole('checkbox', { name: 'Chat: Write' }).check();
    await form.getByLabel('Name').fill('chat-bot');
    await form.getByLabel('Expires').fill(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
    await shoot(app, 'onyx-create-scopes');
    await createAndCopy(app, form, 'Personal access token');
    const row = keyRow(app, 'chat-bot');
    const keyId = (await row.getAttribute('data-key-id'))!;
    const id = Number(keyId.replace('pat-', ''));
    expect(sandbox.pat(id)!.scopes).toEqual(['read:chat', 'write:chat']);

    // A token is rotated by a twin: same scopes, and (by default) as long a life.
    const wizard = await detailsThenRotation(app, 'chat-bot', { Scopes: 'read:chat, write:chat' }, ['Scopes: read:chat, write:chat']);
    const expires = wizard.getByRole('group', { name: 'New key expires' });
    await expect(expires.getByText(/As long a life as the old key had/)).toBeVisible();
    await expect(expires.getByLabel('New key expires on')).not.toHaveValue('');
    await shoot(app, 'onyx-rotation-plan');
    const twin = await rotateToTwin(app, harness, wizard, keyId, 'Personal access token');
    const made = sandbox.pat(Number(twin.twinId.replace('pat-', '')))!;
    expect(made.scopes).toEqual(['read:chat', 'write:chat']);
    expect(Math.abs(made.expiresAt! - sandbox.pat(id)!.expiresAt!)).toBeLessThan(2 * 86_400_000);
    await twin.cancel();
  });
});

test.describe('behind a proxy that keeps Authorization for itself', () => {
  test.use({ sandboxOptions: { variant: 'groups', proxyTakesAuthorization: true } });

  test('connects by sending the key as X-Onyx-Authorization', async ({ app, sandbox }) => {
    await connectWith(app, 'onyx', sandbox.url, { 'Admin API key or personal access token': sandbox.credentials.adminKey }, ['Send the key as X-Onyx-Authorization']);
    await expect(keyRow(app, 'search-bot')).toHaveCount(1);
    // Without it, the proxy keeps the key from Onyx: the credential is refused.
    await app.getByRole('button', { name: 'Add connection' }).first().click();
    const again = app.getByRole('dialog', { name: 'Add a connection' });
    await again.getByLabel('Backend').selectOption('onyx');
    await again.getByLabel('Server URL').fill(sandbox.url);
    await again.getByLabel('Admin API key or personal access token').fill(sandbox.credentials.adminKey);
    await again.getByRole('button', { name: 'Connect' }).click();
    await expect(again.getByRole('alert')).toContainText('Onyx did not accept the connection’s credential');
    await shoot(app, 'onyx-connection-refused-without-option');
  });
});
