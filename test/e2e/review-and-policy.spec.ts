// Two rules that hold in the window, not only in the core, in Chromium against the real renderer:
// a reviewed copy opens without an error and every control that would change something is off,
// saying why; and "no admin keys" covers every way a backend grants power — on Onyx servers with
// groups, the Admin group — in the create form.
import { startOnyxSandbox, type Variant } from '../backends/onyx/server.ts';
import { backendTest, connectOnyx, connectRancher, expect, inReviewCopy, keyRow, shootSizes, test } from './fixtures.ts';

test('a reviewed copy is read-only in the window too: no error on open, every change disabled with the reason', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await inReviewCopy(app, harness, async () => {
    await expect(keyRow(app, 'laptop')).toContainText('Active');
    // Nothing failed while opening it.
    await expect(app.getByRole('alert')).toHaveCount(0);
    await expect(app.getByText('Could not check for unseen secrets')).toHaveCount(0);

    const reason = /Not in a read-only review of a copied data dir/;
    for (const control of [
      app.getByRole('button', { name: 'Sync now' }),
      app.getByRole('button', { name: 'Policy' }),
      app.getByRole('button', { name: 'Bulk action…' }),
      app.getByRole('button', { name: 'Remove connection Sandbox Rancher' }),
      app.getByRole('button', { name: 'Edit connection Sandbox Rancher' }),
    ]) {
      await expect(control).toBeDisabled();
      await expect(control).toHaveAttribute('title', reason);
    }
    await expect(app.getByRole('button', { name: 'Rotate credential' })).toHaveCount(0);
    // The keyboard's sync shortcut does nothing either (no error appears).
    await app.keyboard.press('s');
    await expect(app.getByRole('alert')).toHaveCount(0);
    await shootSizes(app, 'review-read-only');
  });
});

const onyx = backendTest((options: { variant: Variant }) => startOnyxSandbox(options), { variant: 'groups' });

for (const variant of ['groups', 'roles'] as const) {
  onyx.describe(`“no admin keys” on Onyx (${variant})`, () => {
    onyx.use({ sandboxOptions: { variant } });

    onyx('the create form offers no way to admin power, the Admin group included', async ({ app, sandbox }) => {
      await connectOnyx(app, sandbox);

      await app.getByRole('button', { name: 'Policy' }).click();
      const policy = app.getByRole('dialog', { name: /^Policy for/ });
      await policy.getByLabel(/No admin keys \(admin roles, admin bindings and admin groups/).check();
      await policy.getByRole('button', { name: 'Save policy' }).click();
      await expect(policy).toBeHidden();

      await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Service accounts/ }).click();
      await app.getByRole('button', { name: 'Create key' }).first().click();
      const form = app.getByRole('dialog', { name: 'Create a key' });
      await expect(form.getByText('This organization’s policy allows no admin keys')).toBeVisible();
      if (variant === 'groups') {
        const admin = form.getByRole('checkbox', { name: 'Admin — not allowed by policy' });
        await expect(admin).toBeDisabled();
        await expect(form.getByRole('checkbox', { name: 'Engineering' })).toBeEnabled();
      } else {
        const role = form.getByLabel('Role');
        await expect(role.locator('option[value="admin"]')).toBeDisabled();
        await expect(role).toHaveValue('basic');
      }
      await shootSizes(app, `policy-onyx-${variant}`);
      const before = sandbox.apiKeys().length;
      await form.getByLabel('Name').fill('within-policy');
      await form.getByRole('button', { name: 'Create key' }).click();
      const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
      await reveal.getByRole('button', { name: 'Copy API key' }).click();
      await reveal.getByRole('button', { name: 'Done' }).click();
      expect(sandbox.apiKeys().length).toBe(before + 1);
      expect(sandbox.apiKeys().at(-1)!.groups).not.toContain('Admin');
    });
  });
}
