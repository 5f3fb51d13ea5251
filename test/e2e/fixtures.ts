// Playwright fixtures shared by every backend's E2E spec: that backend's seeded sandbox, a fresh
// data dir and harness per test, and the page opened on the real renderer (failing the test if it
// logs an error). Each spec builds its `test` with backendTest(its sandbox starter).
import { mkdirSync, statSync } from 'node:fs';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { startRancherSandbox, type RancherSandbox, type SandboxCredential } from '../backends/rancher/server.ts';
import { startHarness, type Harness } from '../harness/server.ts';
import { captureOutput, needlesIn, needleVariants, sandboxNeedles, type SandboxSecrets } from '../support/leaks.ts';
import { filesUnder, scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';

export { expect };

const SCREENSHOTS = 'test-results/screenshots';

/** What one test's leak scan saw, attached to its result for the leak reporter (no secret in it). */
export interface LeakScan {
  needles: number;
  files: number;
  bytes: number;
  hits: Array<{ where: string; needle: string }>;
}

export function backendTest<S extends SandboxSecrets & { close(): Promise<void> }, O extends object>(start: (options: O) => Promise<S>, defaults: O) {
  return base.extend<{
    sandboxOptions: O;
    sandbox: S;
    harness: Harness;
    app: Page;
    revealTtlMs: number | undefined;
    /** Secrets a test typed in itself (e.g. into the vault); the leak scan looks for them too. */
    typedSecrets: Set<string>;
    leakScan: void;
  }>({
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
    typedSecrets: async ({}, use) => {
      await use(new Set());
    },
    // Secrets at rest, after every flow: the data dir (database, WAL, shm, logs), the page's
    // storage (cookies, localStorage, IndexedDB, sessionStorage) and everything this process — the
    // harness and the core — printed, searched for every secret the sandbox issued and every
    // credential it seeded.
    leakScan: [
      async ({ sandbox, harness, page, typedSecrets }, use, testInfo) => {
        const output = captureOutput();
        try {
          await use();
        } finally {
          output.stop();
        }
        const needles = [...sandboxNeedles(sandbox), ...[...typedSecrets].flatMap(needleVariants)];
        const files = filesUnder(harness.dataDir);
        const storage = [
          JSON.stringify(await page.context().storageState({ indexedDB: true })),
          await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage))).catch(() => ''),
        ].join('\n');
        const hits = [
          ...scanForSecrets(harness.dataDir, needles).map(({ file, needle }) => ({ where: file.slice(harness.dataDir.length + 1), needle })),
          ...needlesIn(storage, needles).map((needle) => ({ where: 'browser storage', needle })),
          ...needlesIn(output.text(), needles).map((needle) => ({ where: 'harness stdout/stderr', needle })),
        ];
        const scan: LeakScan = { needles: needles.length, files: files.length, bytes: files.reduce((n, f) => n + statSync(f).size, 0), hits };
        await testInfo.attach('leak-scan', { body: JSON.stringify(scan), contentType: 'application/json' });
        expect(hits, 'secrets found at rest').toEqual([]);
      },
      { auto: true },
    ],
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

/**
 * Fills the add-connection form the way a person does (backend, address, each credential field by
 * its label, any switches ticked) and waits for the first sync.
 */
export async function connectWith(page: Page, backend: string, url: string, credential: Record<string, string>, switches: string[] = []) {
  await page.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Backend').selectOption(backend);
  await dialog.getByLabel('Server URL').fill(url);
  for (const [label, value] of Object.entries(credential)) await dialog.getByLabel(label).fill(value);
  if (switches.length > 0) await dialog.getByText(/^Advanced/).click();
  for (const label of switches) await dialog.getByLabel(label).check();
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Connections' }).getByText(/Synced just now/)).toBeVisible();
}

/** Submits an open create form, copies the one-time value named `copy`, and closes the reveal. */
export async function createAndCopy(page: Page, form: Locator, copy: string) {
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = page.getByRole('dialog', { name: 'Copy your new key now' });
  await reveal.getByRole('button', { name: `Copy ${copy}` }).click();
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();
}

/**
 * From a composed rotation's plan step to its twin: creates it, copies the one-time value named
 * `copy`, and answers the twin's id, then cancels the rotation (deleting the twin) when asked.
 */
export async function rotateToTwin(page: Page, harness: Harness, wizard: Locator, oldKeyId: string, copy: string): Promise<{ twinId: string; cancel(): Promise<void> }> {
  await wizard.getByRole('button', { name: 'Create the new key' }).click();
  await wizard.getByRole('button', { name: `Copy ${copy}` }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  const twinId = (await harness.core.api.rotation.list()).find((r) => r.oldKeyId === oldKeyId)!.newKeyId!;
  return {
    twinId,
    async cancel() {
      await wizard.getByRole('button', { name: 'Cancel rotation (delete the new key)' }).click();
      await expect(wizard.getByRole('status')).toContainText('Rotation cancelled');
    },
  };
}

/** The value a key's details show under a label (common fields and the backend's facts alike). */
export function detailField(detail: Locator, label: string): Locator {
  return detail.locator('.detail-field').filter({ has: detail.page().getByText(label, { exact: true }) }).locator('dd');
}

/**
 * Opens a key's details and checks what they show under each label (the backend's facts among
 * them), then opens its rotation and checks that the plan lists what the twin keeps. Answers the
 * wizard, still at its plan step.
 */
export async function detailsThenRotation(page: Page, name: string, facts: Record<string, string>, keeps: string[]): Promise<Locator> {
  const row = keyRow(page, name);
  await row.getByText(name, { exact: true }).click();
  const detail = page.getByRole('complementary', { name });
  for (const [label, value] of Object.entries(facts)) await expect(detailField(detail, label)).toHaveText(value);
  // The backend's facts among the common rows, at the two sizes people use most.
  const size = page.viewportSize();
  for (const [width, height] of [[1280, 800], [1920, 1080]] as const) {
    await page.setViewportSize({ width, height });
    await shoot(page, `details-${name}-${width}`);
  }
  if (size) await page.setViewportSize(size);
  await detail.getByRole('button', { name: 'Close key details' }).click();
  await row.getByRole('button', { name: `Rotate ${name}` }).click();
  const wizard = page.getByRole('dialog', { name: `Rotate “${name}”` });
  for (const line of keeps) await expect(wizard.getByText(line, { exact: true })).toBeVisible();
  return wizard;
}
