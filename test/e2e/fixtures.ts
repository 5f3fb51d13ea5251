// Playwright fixtures shared by every backend's E2E spec: that backend's seeded sandbox, a fresh
// data dir and harness per test, and the page opened on the real renderer (failing the test if it
// logs an error). Each spec builds its `test` with backendTest(its sandbox starter).
import { mkdirSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';
import { startRancherSandbox, type RancherSandbox, type SandboxCredential } from '../backends/rancher/server.ts';
import { startHarness, type Harness } from '../harness/server.ts';
import { tempDir } from '../support/temp.ts';

export { expect };

const SCREENSHOTS = 'test-results/screenshots';

export function backendTest<S extends { close(): Promise<void> }, O extends object>(start: (options: O) => Promise<S>, defaults: O) {
  return base.extend<{ sandboxOptions: O; sandbox: S; harness: Harness; app: Page; revealTtlMs: number | undefined }>({
    // A plain options object, never a fixture function, which is what Playwright's type excludes.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    sandboxOptions: [defaults as Exclude<O, Function>, { option: true }],
    revealTtlMs: [undefined, { option: true }],
    sandbox: async ({ sandboxOptions }, use) => {
      const sandbox = await start(sandboxOptions);
      await use(sandbox);
      await sandbox.close();
    },
    harness: async ({ revealTtlMs }, use) => {
      const dir = tempDir('keyfleet-e2e-');
      const harness = await startHarness({ dataDir: dir.path, revealTtlMs, syncIntervalMs: 0, http: { timeoutMs: 5000, retries: 0, backoffMs: 10 } });
      await use(harness);
      // Connections' credentials live in the real keychain: remove them, not just the data dir.
      for (const c of await harness.core.api.connections.list().catch(() => [])) {
        await harness.core.api.connections.remove({ connectionId: c.id }).catch(() => undefined);
      }
      await harness.close();
      dir.cleanup();
    },
    app: async ({ page, harness }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(harness.pageUrl);
      await use(page);
      expect(problems, 'the page logged errors').toEqual([]);
    },
  });
}

/** The Rancher sandbox's test, used by the specs of the foundation's flows. */
export const test = backendTest((options: { settleMs: number }) => startRancherSandbox(options), { settleMs: 20 });

/** Saves a screenshot for a person to look at. */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}

/** Fill the add-connection form the way a person does. */
export async function connectRancher(page: Page, sandbox: RancherSandbox, credential: SandboxCredential, name = 'Sandbox Rancher') {
  await page.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Display name').fill(name);
  await dialog.getByLabel('Server URL').fill(`${sandbox.url}/v2-beta`);
  await dialog.getByLabel('Access key').fill(credential.accessKey);
  await dialog.getByLabel('Secret key').fill(credential.secretKey);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  // Adding a connection starts its first sync; the flows below need its scopes.
  await expect(page.getByRole('navigation', { name: 'Connections' }).getByText(name, { exact: true }).locator('..')).toContainText('Synced');
}

/** The table row of a key, by its name. */
export function keyRow(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });
}
