// The desktop app itself, where an Electron binary is installed: the flows only a real binary can
// show (the real contextBridge between the preload and the page, the system clipboard, a native
// error dialog and the process exiting). Electron's binary is downloaded from GitHub (npm start
// fetches it, see scripts/ensure-electron.ts); where it is missing this spec skips and says why.
// Everything else about the glue runs everywhere, under a stand-in electron, in test/glue/.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { createCore } from '../../src-main/core.ts';
import { installedBinary } from '../../scripts/ensure-electron.ts';
import { startEnvZeroSandbox } from '../backends/envzero/server.ts';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Loaded with -r before the app: writes error dialogs to stdout, since nobody can click a modal one under Xvfb. */
const ERROR_BOX_PROBE = fileURLToPath(new URL('./error-box-probe.cjs', import.meta.url));
const SANDBOX_FLAGS = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

function electronBinary(): { path: string } | { reason: string } {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const path = installedBinary(dir);
  return path
    ? { path }
    : {
        reason:
          'Electron binary not installed: the electron package downloads it from GitHub (npm start runs its installer first), and this machine has not. Run `node scripts/ensure-electron.ts` on a networked machine to run this spec.',
      };
}

const binary = electronBinary();
if ('reason' in binary && !process.env.TEST_WORKER_INDEX) console.log(`\n[electron spec] skipped: ${binary.reason}\n`);

/** The app on a fresh data dir; after the test its connections (and their keychain items) are removed. */
async function withApp(run: (page: Page, app: ElectronApplication) => Promise<void>): Promise<void> {
  if (!('path' in binary)) return;
  const data = tempDir('keyfleet-electron-');
  const app = await electron.launch({ executablePath: binary.path, args: ['.', ...SANDBOX_FLAGS], cwd: ROOT, env: { ...process.env, KEYFLEET_DATA_DIR: data.path } });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Connect your first organization' })).toBeVisible();
    await run(page, app);
  } finally {
    await app.close();
    const core = createCore({ dataDir: data.path, syncIntervalMs: 0 });
    for (const connection of await core.api.connections.list()) await core.api.connections.remove({ connectionId: connection.id });
    await core.close();
    data.cleanup();
  }
}

async function openAddConnection(page: Page) {
  await page.getByRole('button', { name: 'Add connection' }).first().click();
  return page.getByRole('dialog', { name: 'Add a connection' });
}

test.describe('desktop app (Electron)', () => {
  test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');

  test('connects, creates a key with a one-time reveal, copies it to the system clipboard, and deletes it', async () => {
    const sandbox = await startRancherSandbox({ settleMs: 20 });
    try {
      await withApp(async (page, app) => {
        // The page sees only the typed API: no Node, no ipcRenderer.
        expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');

        const dialog = await openAddConnection(page);
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
        await expect(reveal.getByRole('button', { name: 'Copy Secret key' })).toContainText('Copied');
        // The system clipboard, read in the main process: the copy really left the app.
        expect(await app.evaluate(({ clipboard }) => clipboard.readText())).toBe(secretKey);
        await reveal.getByRole('button', { name: 'Done' }).click();

        const row = page.getByRole('row').filter({ hasText: 'electron-e2e' });
        await row.getByRole('button', { name: 'Delete electron-e2e' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete key' }).click();
        await expect(page.getByRole('row').filter({ hasText: 'electron-e2e' })).toHaveCount(0);
      });
    } finally {
      await sandbox.close();
    }
  });

  test('connects an env zero personal key that reaches two organizations, once one is chosen', async () => {
    const sandbox = await startEnvZeroSandbox({ listLagMs: 0 });
    try {
      await withApp(async (page) => {
        const dialog = await openAddConnection(page);
        await dialog.getByLabel('Backend').selectOption('envzero');
        await dialog.getByLabel('Display name').fill('Electron env zero');
        await dialog.getByLabel('Server URL').fill(sandbox.url);
        await dialog.getByLabel('API key ID').fill(sandbox.credentials.personal.apiKeyId);
        await dialog.getByLabel('API key secret').fill(sandbox.credentials.personal.apiKeySecret);
        await dialog.getByRole('button', { name: 'Connect' }).click();
        // The choices crossed the real contextBridge: the organization picker is there.
        const organization = dialog.getByLabel('Organization');
        await expect(organization.locator('option')).toHaveText(['Acme Platform', 'Acme Labs']);
        await organization.selectOption({ label: 'Acme Platform' });
        await dialog.getByRole('button', { name: 'Connect' }).click();
        await expect(dialog).toBeHidden();
        await expect(page.getByRole('navigation', { name: 'Connections' }).getByText('Electron env zero', { exact: true })).toBeVisible();
      });
    } finally {
      await sandbox.close();
    }
  });

  test('shows the core’s message under the connection form field it refused', async () => {
    await withApp(async (page) => {
      const dialog = await openAddConnection(page);
      await dialog.getByLabel('Server URL').fill('ftp://rancher.example.com');
      await dialog.getByLabel('Access key').fill('access');
      await dialog.getByLabel('Secret key').fill('secret');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await expect(dialog.getByLabel('Server URL')).toHaveAttribute('aria-invalid', 'true');
      await expect(dialog.getByText('must be an http:// or https:// address without credentials in it', { exact: true })).toBeVisible();
    });
  });

  test('a start on a damaged database shows its error and exits', async () => {
    if (!('path' in binary)) return;
    const data = tempDir('keyfleet-electron-');
    try {
      mkdirSync(data.path, { recursive: true });
      writeFileSync(join(data.path, 'keyfleet.db'), Buffer.alloc(8192, 'not a database '));
      const child = spawn(binary.path, ['-r', ERROR_BOX_PROBE, '.', ...SANDBOX_FLAGS], { cwd: ROOT, env: { ...process.env, KEYFLEET_DATA_DIR: data.path }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 30_000);
        child.once('exit', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      const box = /KEYFLEET-ERROR-BOX (.*)/.exec(stdout)?.[1];
      expect(box, stdout).toBeDefined();
      expect(JSON.parse(box!)).toMatchObject({ title: 'Keyfleet could not start', content: expect.stringContaining('SQLITE_NOTADB') });
      expect(code).toBe(1);
    } finally {
      data.cleanup();
    }
  });
});
