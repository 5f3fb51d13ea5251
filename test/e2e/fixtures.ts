// Playwright fixtures: a seeded Rancher sandbox, a fresh data dir and a harness per test, and
// the page opened on the real renderer.
import { test as base, expect, type Page } from '@playwright/test';
import { startRancherSandbox, type RancherSandbox, type SandboxCredential } from '../backends/rancher/server.ts';
import { startHarness, type Harness } from '../harness/server.ts';
import { tempDir } from '../support/temp.ts';

export { expect };

export const test = base.extend<{ sandbox: RancherSandbox; harness: Harness; app: Page; revealTtlMs: number | undefined }>({
  revealTtlMs: [undefined, { option: true }],
  sandbox: async ({}, use) => {
    const sandbox = await startRancherSandbox({ settleMs: 20 });
    await use(sandbox);
    await sandbox.close();
  },
  harness: async ({ revealTtlMs }, use) => {
    const dir = tempDir('keyfleet-e2e-');
    const harness = await startHarness({ dataDir: dir.path, revealTtlMs, http: { timeoutMs: 5000, retries: 0, backoffMs: 10 } });
    await use(harness);
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
}

/** The table row of a key, by its name. */
export function keyRow(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });
}
