// The same first flow in the real desktop app, where an Electron binary is installed. Electron's
// binary is downloaded from GitHub on first launch, which machines limited to the npm registry
// cannot do; there this spec skips and says so.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

function electronBinary(): { path: string } | { reason: string } {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      reason:
        'Electron binary not installed: node_modules/electron has no path.txt, because the binary comes from GitHub, which this machine cannot reach (the npm package only fetches it lazily). Run `npx install-electron` on a networked machine to run this spec.',
    };
  }
  const path = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { reason: `Electron binary missing at ${path}; reinstall the electron package.` };
}

const binary = electronBinary();
if ('reason' in binary && !process.env.TEST_WORKER_INDEX) console.log(`\n[electron spec] skipped: ${binary.reason}\n`);

test.describe('desktop app (Electron)', () => {
  test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');

  test('connects, creates a key with a one-time reveal, and deletes it', async () => {
    if (!('path' in binary)) return;
    const sandbox = await startRancherSandbox({ settleMs: 20 });
    const data = tempDir('keyfleet-electron-');
    const app = await electron.launch({
      executablePath: binary.path,
      args: ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, KEYFLEET_DATA_DIR: data.path },
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('heading', { name: 'Connect your first organization' })).toBeVisible();
      // The page sees only the typed API: no Node, no ipcRenderer.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');

      await page.getByRole('button', { name: 'Add connection' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Add a connection' });
      await dialog.getByLabel('Server URL').fill(sandbox.url);
      await dialog.getByLabel('Access key').fill(sandbox.credentials.user.accessKey);
      await dialog.getByLabel('Secret key').fill(sandbox.credentials.user.secretKey);
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await page.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Default/ }).click();

      await page.getByRole('button', { name: 'Create key' }).first().click();
      const form = page.getByRole('dialog', { name: 'Create a key' });
      await form.getByLabel('Name').fill('electron-e2e');
      await form.getByRole('button', { name: 'Create key' }).click();
      const reveal = page.getByRole('dialog', { name: 'Copy your new key now' });
      const accessKey = (await reveal.getByTestId('reveal-Access key').textContent())!;
      const secretKey = (await reveal.getByTestId('reveal-Secret key').textContent())!;
      expect(sandbox.authenticates(accessKey, secretKey)).toBe(true);
      await reveal.getByRole('button', { name: 'Copy Secret key' }).click();
      await reveal.getByRole('button', { name: 'Done' }).click();

      const row = page.getByRole('row').filter({ hasText: 'electron-e2e' });
      await row.getByRole('button', { name: 'Delete electron-e2e' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete key' }).click();
      await expect(page.getByRole('row').filter({ hasText: 'electron-e2e' })).toHaveCount(0);
    } finally {
      await app.close();
      await sandbox.close();
      data.cleanup();
    }
  });
});
