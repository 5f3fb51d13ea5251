// Hostile names and risky input, in Chromium against the real renderer and core. A backend key and
// a connection named with a right-to-left override ("prod-\u202Etset\u202C" reads "prod-test"):
// every view that shows them keeps each name in a bidi isolate, and every confirmation that asks
// the user to check a name writes its hidden characters out, with a warning. The connection form
// refuses a credential HTTP cannot carry under its field, sending nothing, and asks the user to
// accept plain http to another machine; such a connection is marked in the sidebar and the header.
import type { Page } from '@playwright/test';
import { recordFigures } from '../security/figures.ts';
import { LAN_ADDRESS, startLanForwarder } from '../support/lan-forwarder.ts';
import { expect, keyRow, shoot, test } from './fixtures.ts';

const KEY = 'prod-\u202Etset\u202C';
const KEY_NAME = `${KEY}-0`;
const CONNECTION = 'Ops \u202Eduolc\u202C';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

interface TextAudit {
  texts: number;
  bare: string[];
}

/**
 * Every text on the page that holds a direction override or embedding, and those of them that no
 * isolate contains: neither an element with unicode-bidi isolate (a <bdi>) between the text and its
 * block, nor first-strong/left/right isolate … pop isolate round the override in the text itself.
 */
function auditTexts(page: Page): Promise<TextAudit> {
  return page.evaluate(() => {
    type El = { parentElement: El | null; tagName: string };
    const g = globalThis as unknown as {
      document: { body: El; createTreeWalker(root: El, show: number): { nextNode(): { nodeValue: string | null; parentElement: El | null } | null } };
      getComputedStyle(el: El): { unicodeBidi: string; display: string };
    };
    const walker = g.document.createTreeWalker(g.document.body, 4);
    const audit = { texts: 0, bare: [] as string[] };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue ?? '';
      if (!/[\u202A-\u202E]/.test(text)) continue;
      audit.texts++;
      if (/[\u2066-\u2068][^\u2069]*[\u202A-\u202E]/.test(text)) continue;
      let isolated = false;
      for (let el = node.parentElement; el && el !== g.document.body; el = el.parentElement) {
        const style = g.getComputedStyle(el);
        if (['isolate', 'isolate-override', 'plaintext'].includes(style.unicodeBidi)) {
          isolated = true;
          break;
        }
        if (style.display !== 'inline' && style.display !== 'contents') break;
      }
      if (!isolated) audit.bare.push(`${node.parentElement?.tagName.toLowerCase() ?? '?'}: ${JSON.stringify(text.slice(0, 60))}`);
    }
    return audit;
  });
}

test('names with direction overrides are isolated in every view and written out in every confirmation', async ({ app, sandbox, harness }) => {
  test.setTimeout(120_000);
  sandbox.seedKeys(sandbox.ids.user, 1, { namePrefix: KEY });
  const connection = await harness.core.api.connections.add({ kind: 'rancher', name: CONNECTION, baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } });
  await harness.core.api.sync.run({ connectionId: connection.id });
  await app.reload();
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  const views: Array<{ view: string; audit: TextAudit }> = [];
  const audit = async (view: string) => views.push({ view, audit: await auditTexts(app) });

  await sidebar.getByText(CONNECTION, { exact: true }).click();
  await expect(keyRow(app, KEY_NAME)).toHaveCount(1);
  await audit('sidebar, header and key table');
  await keyRow(app, KEY_NAME).getByText(KEY_NAME, { exact: true }).click();
  const detail = app.getByRole('complementary');
  await expect(detail.getByText('\\u202E').first()).toBeVisible();
  await detail.getByText('Backend fields').click();
  await audit('key detail');
  await detail.getByRole('button', { name: 'Close key details' }).click();

  // Confirmations: the name written out, and a warning.
  const confirmations: Array<{ dialog: string; written: boolean; warned: boolean }> = [];
  const confirm = async (dialog: string, open: () => Promise<void>) => {
    await open();
    const shown = app.getByRole('dialog');
    await expect(shown).toBeVisible();
    await audit(dialog);
    // Written out in the body; and a title that names the key shows no raw override either.
    const heading = (await shown.getByRole('heading').first().textContent()) ?? '';
    const written = (await shown.locator('.hidden-char', { hasText: '\\u202E' }).count()) > 0 && !heading.includes('\u202E');
    const warned = await shown.getByRole('note').filter({ hasText: 'invisible or direction-changing characters' }).isVisible();
    confirmations.push({ dialog, written, warned });
    for (const size of SIZES) {
      await app.setViewportSize(size);
      await shoot(app, `hostile-name-${dialog.replace(/\W+/g, '-')}-${size.width}`);
    }
    await app.keyboard.press('Escape');
    await expect(shown).toBeHidden();
  };
  await confirm('delete key', () => keyRow(app, KEY_NAME).getByRole('button', { name: `Delete ${KEY_NAME}` }).click());
  await confirm('rotate key', () => keyRow(app, KEY_NAME).getByRole('button', { name: `Rotate ${KEY_NAME}` }).click());
  await confirm('remove connection', async () => {
    await app.getByRole('button', { name: 'Remove connection' }).click();
  });
  await confirm('bulk action', async () => {
    await app.getByLabel('Filter keys').fill('tset');
    await expect(keyRow(app, KEY_NAME)).toHaveCount(1);
    await app.getByRole('button', { name: 'Bulk action…' }).click();
    // The seeded key is inactive: activating it is what the plan would do.
    await app.getByRole('dialog').getByLabel('Action').selectOption('activate');
    await app.getByRole('dialog').getByLabel(/Idle for more than/).fill('');
    await app.getByRole('dialog').getByRole('button', { name: 'Preview (dry run)' }).click();
    await expect(app.getByRole('dialog').getByRole('list', { name: 'Keys in this action' })).toBeVisible();
  });
  await app.getByLabel('Filter keys').fill('');

  await app.getByRole('button', { name: 'What changed' }).click();
  await expect(app.getByRole('table')).toBeVisible();
  await audit('what changed');
  await app.getByRole('button', { name: 'Action journal' }).click();
  await expect(app.getByRole('table')).toBeVisible();
  await audit('action journal');
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await audit('settings');
  await app.getByRole('button', { name: 'Key health' }).click();
  await audit('health board');

  const texts = views.reduce((n, v) => n + v.audit.texts, 0);
  const bare = views.flatMap((v) => v.audit.bare.map((b) => `${v.view}: ${b}`));
  const shownRight = confirmations.filter((c) => c.written && c.warned).length;
  recordFigures('hostile-names', [
    { figure: `texts with a direction override, across ${views.length} views and dialogs`, value: texts, target: '> 0', ok: texts > 0 },
    { figure: 'of them outside any bidi isolate', value: bare.length, target: '0', ok: bare.length === 0, detail: bare.slice(0, 3).join(' | ') },
    { figure: 'confirmations writing the hidden characters out, with a warning', value: `${shownRight}/${confirmations.length}`, target: 'all', ok: confirmations.length === 4 && shownRight === 4 },
  ]);
  expect(bare).toEqual([]);
  expect(texts).toBeGreaterThan(views.length);
  expect(confirmations).toEqual(confirmations.map((c) => ({ ...c, written: true, warned: true })));
});

test('the connection form refuses a credential HTTP cannot carry under its field, and sends nothing', async ({ app, sandbox }) => {
  await app.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = app.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Server URL').fill(sandbox.url);
  await dialog.getByLabel('Access key').fill(sandbox.credentials.user.accessKey);
  await dialog.getByLabel('Secret key').fill(`${sandbox.credentials.user.secretKey.slice(0, 12)}…`);
  const before = sandbox.requests.length;
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByLabel('Secret key')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('Holds “…”, so the copy was cut short. Copy the whole credential and paste it again.', { exact: true })).toBeVisible();
  expect(sandbox.requests.length).toBe(before);
  await shoot(app, 'credential-field-error');
});

test('plain http to another machine needs the risk accepted in the form; the connection is then marked', async ({ app, sandbox }) => {
  test.skip(!LAN_ADDRESS, 'this machine has no network address besides loopback');
  const forwarder = await startLanForwarder(LAN_ADDRESS!, sandbox.url);
  try {
    const url = forwarder.url;
    await app.getByRole('button', { name: 'Add connection' }).first().click();
    const dialog = app.getByRole('dialog', { name: 'Add a connection' });
    await dialog.getByLabel('Display name').fill('Plain Rancher');
    await dialog.getByLabel('Server URL').fill(url);
    await dialog.getByLabel('Access key').fill(sandbox.credentials.user.accessKey);
    await dialog.getByLabel('Secret key').fill(sandbox.credentials.user.secretKey);
    const warning = dialog.getByRole('group', { name: /Plain http is not encrypted/ });
    await expect(warning).toContainText('readable and changeable by anyone on the way');
    for (const size of SIZES) {
      await app.setViewportSize(size);
      await shoot(app, `plain-http-form-${size.width}`);
    }
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(dialog.getByRole('alert').first()).toContainText('is reached over plain http');
    await expect(dialog.getByText('Accept the risk to connect over plain http, or use an https address.')).toBeVisible();
    await warning.getByLabel('I accept this risk for this connection').check();
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(dialog).toBeHidden();
    const sidebar = app.getByRole('navigation', { name: 'Connections' });
    await expect(sidebar.getByText('Plain http')).toBeVisible();
    await sidebar.getByText('Plain Rancher', { exact: true }).click();
    await expect(app.getByRole('heading', { level: 1 }).getByText('Plain http')).toBeVisible();
    await expect(keyRow(app, 'laptop')).toHaveCount(1);
    for (const size of SIZES) {
      await app.setViewportSize(size);
      await shoot(app, `plain-http-marked-${size.width}`);
    }
    // The one-line list keeps the mark, as an icon that still says its words to a screen reader.
    await sidebar.getByRole('button', { name: 'Compact list' }).click();
    await expect(sidebar.getByRole('button', { name: 'Compact list' })).toHaveAttribute('aria-pressed', 'true');
    await expect(sidebar.locator('.plain-http-mark')).toBeVisible();
    await expect(sidebar.getByText('Plain http')).toHaveCount(1);
    for (const size of SIZES) {
      await app.setViewportSize(size);
      await shoot(app, `plain-http-compact-${size.width}`);
    }
    await sidebar.getByRole('button', { name: 'Compact list' }).click();
  } finally {
    await forwarder.close();
  }
});
