// Accessibility of every view, in Chromium against the real renderer and core: axe-core (WCAG 2.0
// and 2.1, A and AA) finds nothing on any view or dialog; the main flow works from the keyboard
// alone with a visible focus ring at every stop; reduced motion stops every animation and
// transition; forced colors keep the focus ring and the edges of controls. Also the first run
// (what is kept where, the keychain check and its Linux fix, a connection per backend, the
// sandbox only in a development build) and the settings view (saved, checked, applied).
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { startHarness, type Harness } from '../harness/server.ts';
import { tempDir } from '../support/temp.ts';
import { startDeepsetSandbox } from '../backends/deepset/server.ts';
import { backendTest, connectRancher, expect, keyRow, shoot, test } from './fixtures.ts';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// The page-side functions below run in Chromium, but this file is type-checked as Node code: the
// few browser globals they use are described here rather than adding the DOM library to every test.
interface PageElement {
  tagName: string;
  outerHTML: string;
  classList: Iterable<string> & { contains(name: string): boolean };
  parentElement: PageElement | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
  scrollTo(x: number, y: number): void;
}
interface PageStyle {
  outlineStyle: string;
  outlineWidth: string;
  outlineColor: string;
  animationName: string;
  transitionDuration: string;
  borderTopStyle: string;
  borderTopWidth: string;
}
interface PageGlobals {
  document: {
    activeElement: PageElement | null;
    body: PageElement;
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
  };
  getComputedStyle: (element: PageElement) => PageStyle;
  requestAnimationFrame: (callback: () => void) => number;
}

/** Resolves after two frames: whatever the last input changed has been drawn. */
function twoFrames(page: Page): Promise<unknown> {
  return page.evaluate(() => {
    const { requestAnimationFrame } = globalThis as unknown as PageGlobals;
    return new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}

/** Runs axe on the page as it is and fails with each violation's rule and elements. */
async function expectAccessible(page: Page, view: string, testInfo: TestInfo): Promise<void> {
  // Nothing half-drawn: wait for the page to settle (no animation is running under reduced motion).
  await twoFrames(page);
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const violations = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 3).join(' ') ?? ''}`),
  }));
  await testInfo.attach(`axe-${view}`, {
    body: JSON.stringify({ view, violations: violations.length, passes: results.passes.length, incomplete: results.incomplete.length }),
    contentType: 'application/json',
  });
  console.log(`axe ${view}: ${violations.length} violations, ${results.passes.length} rules passed`);
  expect(violations, `axe violations in ${view}`).toEqual([]);
}

/** What has the keyboard focus, and whether a ring is drawn round it (or round its field box). */
async function focusRing(page: Page) {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const element = document.activeElement;
    if (!element || element === document.body) return { visible: false, what: 'nothing', ring: '' };
    const ringOf = (el: PageElement) => {
      const style = getComputedStyle(el);
      return { drawn: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2, ring: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` };
    };
    const own = ringOf(element);
    // The filter draws its ring round the whole search box.
    const box = element.parentElement?.classList.contains('search') ? ringOf(element.parentElement) : null;
    const label = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? '';
    return {
      visible: element.matches(':focus-visible') && (own.drawn || Boolean(box?.drawn)),
      what: `${element.tagName.toLowerCase()}${element.getAttribute('role') ? `[role=${element.getAttribute('role')}]` : ''} “${label}”`,
      ring: box?.drawn ? box.ring : own.ring,
    };
  });
}

/** Presses Tab until `target` has the focus, checking the focus ring at every stop on the way. */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const ring = await focusRing(page);
    expect(ring.visible, `a visible focus ring on ${ring.what} (${ring.ring})`).toBe(true);
    if (await target.evaluate((el) => (el as unknown) === (globalThis as unknown as PageGlobals).document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

// ---------------------------------------------------------------- every view, through axe

/** The vault passphrase the views below are opened with (the leak scan looks for it). */
const A11Y_PASSPHRASE = 'a11y vault passphrase 2291';

test('first run: the welcome and the empty state have no accessibility violations', async ({ app }, testInfo) => {
  await expect(app.getByRole('heading', { name: 'Welcome to Keyfleet', level: 1 })).toBeVisible();
  await expect(app.getByRole('status').filter({ hasText: 'It works' })).toBeVisible();
  await expectAccessible(app, 'welcome', testInfo);
  await app.getByRole('button', { name: 'Show how' }).click();
  await expectAccessible(app, 'welcome with the sandbox steps', testInfo);
  await app.getByRole('button', { name: 'Add a LangWatch connection' }).click();
  await expectAccessible(app, 'add-connection dialog', testInfo);
  await app.getByRole('dialog', { name: 'Add a connection' }).getByRole('button', { name: 'Cancel' }).click();

  await app.getByRole('button', { name: 'Don’t show this again' }).click();
  await expect(app.getByRole('heading', { name: 'No organizations connected' })).toBeVisible();
  await expectAccessible(app, 'empty state', testInfo);
  await app.keyboard.press('?');
  await expectAccessible(app, 'shortcuts dialog', testInfo);
  await app.keyboard.press('Escape');
  await app.getByRole('button', { name: 'Action journal' }).click();
  await expectAccessible(app, 'action journal (empty)', testInfo);
  await app.getByRole('button', { name: 'My vault' }).click();
  await expect(app.getByRole('heading', { name: 'Choose a vault passphrase' })).toBeVisible();
  await app.getByLabel('Vault passphrase').fill('weak');
  await expectAccessible(app, 'vault (first use: choosing a passphrase)', testInfo);
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expectAccessible(app, 'settings (no connections)', testInfo);
});

test('every view with a sandbox connected has no accessibility violations', async ({ app, sandbox, harness, typedSecrets }, testInfo) => {
  test.setTimeout(120_000);
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await expect(keyRow(app, 'laptop')).toHaveCount(1);
  await expectAccessible(app, 'connection and key table', testInfo);

  await keyRow(app, 'laptop').getByText('laptop', { exact: true }).click();
  const detail = app.getByRole('complementary', { name: 'laptop' });
  await expect(detail).toBeVisible();
  await detail.getByText('Backend fields').click();
  await expectAccessible(app, 'key detail pane', testInfo);
  await detail.getByRole('button', { name: 'Close key details' }).click();

  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Default/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await expect(form.getByLabel('Name')).toBeVisible();
  await expectAccessible(app, 'create-key dialog', testInfo);
  await form.getByLabel('Name').fill('a11y-key');
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  await expect(reveal.getByTestId('reveal-Secret key')).toBeVisible();
  await expectAccessible(app, 'reveal dialog', testInfo);
  await reveal.getByRole('button', { name: 'Copy Secret key' }).click();
  await expectAccessible(app, 'reveal dialog after copying', testInfo);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();

  await app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /^Sandbox Rancher/ }).click();
  await keyRow(app, 'laptop').getByRole('button', { name: 'Rotate laptop' }).click();
  const wizard = app.getByRole('dialog', { name: 'Rotate “laptop”' });
  await expect(wizard.getByRole('button', { name: 'Create the new key' })).toBeVisible();
  await expectAccessible(app, 'rotation wizard', testInfo);
  await wizard.getByRole('button', { name: 'Close dialog' }).click();
  await expect(wizard).toBeHidden();

  await app.getByRole('button', { name: 'Policy' }).click();
  await expect(app.getByRole('dialog', { name: /Policy for/ }).getByLabel('No admin keys')).toBeEnabled();
  await expectAccessible(app, 'policy dialog', testInfo);
  await app.keyboard.press('Escape');

  await keyRow(app, 'laptop').getByRole('button', { name: 'Delete laptop' }).click();
  await expectAccessible(app, 'delete-key dialog', testInfo);
  await app.keyboard.press('Escape');

  await app.getByRole('button', { name: 'Bulk action…' }).click();
  await expectAccessible(app, 'bulk dialog', testInfo);
  await app.keyboard.press('Escape');

  await app.getByRole('button', { name: 'Key health' }).click();
  await expect(app.getByRole('button', { name: /Expire within 7 days/ })).toBeVisible();
  await expectAccessible(app, 'health board', testInfo);

  await app.getByRole('button', { name: 'What changed' }).click();
  await expect(app.getByText('a11y-key').first()).toBeVisible();
  await expectAccessible(app, 'what changed', testInfo);

  await app.getByRole('button', { name: 'Action journal' }).click();
  await expect(app.getByRole('table')).toBeVisible();
  await expectAccessible(app, 'action journal', testInfo);

  const secret = 'sk-a11y-vault-Qm3xV8tP2rL7';
  typedSecrets.add(secret).add(A11Y_PASSPHRASE);
  await harness.core.api.vault.setup({ passphrase: A11Y_PASSPHRASE });
  await harness.core.api.vault.add({ name: 'Personal token', service: 'OpenAI', tags: ['personal'], fields: [{ label: 'Secret', value: secret, secret: true }] });
  await app.getByRole('button', { name: 'My vault' }).click();
  await expect(app.getByRole('button', { name: 'Reveal Personal token' })).toBeVisible();
  await expectAccessible(app, 'vault', testInfo);
  for (const [button, dialog] of [
    ['Add', 'vault entry dialog'],
    ['Import .env', 'vault .env import dialog'],
    ['Export .env', 'vault .env export dialog'],
    ['Back up', 'vault backup dialog'],
    ['Restore', 'vault restore dialog'],
  ] as const) {
    await app.getByRole('button', { name: button, exact: true }).click();
    await expect(app.getByRole('dialog')).toBeVisible();
    await expectAccessible(app, dialog, testInfo);
    await app.keyboard.press('Escape');
  }
  await app.keyboard.press('l');
  await expect(app.getByRole('heading', { name: 'Your vault is locked' })).toBeVisible();
  await expectAccessible(app, 'vault (locked)', testInfo);
  await app.getByLabel('Vault passphrase').fill(A11Y_PASSPHRASE);
  await app.getByRole('button', { name: 'Unlock' }).click();
  await expect(app.getByRole('button', { name: 'Reveal Personal token' })).toBeVisible();

  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('button', { name: 'Edit policy for Sandbox Rancher' })).toBeVisible();
  await expectAccessible(app, 'settings', testInfo);
  await app.getByLabel('Clear a copied secret after (seconds)').fill('2');
  await app.getByRole('button', { name: 'Save settings' }).click();
  await expect(app.getByText('At least 5 seconds, or there is no time to paste.')).toBeVisible();
  await expectAccessible(app, 'settings with a field error', testInfo);
});

test('the dark theme and the more-contrast preference keep every view readable', async ({ app, sandbox }, testInfo) => {
  await app.emulateMedia({ colorScheme: 'dark' });
  await expect(app.getByRole('status').filter({ hasText: 'It works' })).toBeVisible();
  await expectAccessible(app, 'welcome (dark)', testInfo);
  await shoot(app, 'welcome-dark');
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await expectAccessible(app, 'key table (dark)', testInfo);
  await keyRow(app, 'laptop').getByText('laptop', { exact: true }).click();
  await expectAccessible(app, 'key detail (dark)', testInfo);
  await app.getByRole('button', { name: 'Settings' }).click();
  await expectAccessible(app, 'settings (dark)', testInfo);
  await shoot(app, 'settings-dark');
  await app.emulateMedia({ colorScheme: 'light', contrast: 'more' });
  await expectAccessible(app, 'settings (more contrast)', testInfo);
  await app.getByRole('button', { name: 'Key health' }).click();
  await expectAccessible(app, 'health board (more contrast)', testInfo);
});

test('a deactivated environment, its create form and a health board with reasons have no accessibility violations, light and dark', async ({ app, sandbox, harness }, testInfo) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  sandbox.setProjectState(sandbox.ids.projects.Staging!, 'inactive');
  const [connection] = await harness.core.api.connections.list();
  await harness.core.api.sync.run({ connectionId: connection!.id });
  const staging = app.getByRole('navigation', { name: 'Connections' }).getByRole('button', { name: /Staging/ });
  await expect(staging).toContainText('inactive');
  await staging.click();
  await expect(app.getByRole('status').filter({ hasText: 'Staging is inactive' })).toBeVisible();
  await expectAccessible(app, 'inactive environment', testInfo);
  await app.getByRole('button', { name: 'Create key' }).first().click();
  await expect(app.getByText('Not offered: Staging (inactive).')).toBeVisible();
  await expectAccessible(app, 'create form with a withheld environment', testInfo);
  await app.keyboard.press('Escape');
  await app.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(app, 'inactive environment (dark)', testInfo);
  await app.getByRole('button', { name: 'Key health' }).click();
  await expect(app.getByText(/does not report when a key was last used/).first()).toBeVisible();
  await expectAccessible(app, 'health board with reasons (dark)', testInfo);
});

// ---------------------------------------------------------------- keyboard, motion, forced colors

test('the main flow works from the keyboard alone, with a visible focus ring at every stop', async ({ app, sandbox }) => {
  test.setTimeout(90_000);
  await expect(app.getByRole('heading', { name: 'Welcome to Keyfleet' })).toBeVisible();
  // Two workers share the browser: this page must be the one that receives the keys.
  await app.bringToFront();
  const sidebar = app.getByRole('navigation', { name: 'Connections' });

  // Open the add-connection form, fill it and submit it, all by keyboard.
  await tabTo(app, sidebar.getByRole('button', { name: 'Add connection' }));
  await app.keyboard.press('Enter');
  const dialog = app.getByRole('dialog', { name: 'Add a connection' });
  await expect(dialog).toBeVisible();
  // A dialog opens on its first field, not on its × button.
  await expect(dialog.getByLabel('Backend')).toBeFocused();
  await tabTo(app, dialog.getByLabel('Display name'));
  await app.keyboard.type('Keyboard Rancher');
  await tabTo(app, dialog.getByLabel('Server URL'));
  await app.keyboard.type(`${sandbox.url}/v2-beta`);
  await tabTo(app, dialog.getByLabel('Access key'));
  await app.keyboard.type(sandbox.credentials.user.accessKey);
  await tabTo(app, dialog.getByLabel('Secret key'));
  await app.keyboard.type(sandbox.credentials.user.secretKey);
  await tabTo(app, dialog.getByRole('button', { name: 'Connect' }));
  await app.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(sidebar.getByText('Keyboard Rancher', { exact: true }).locator('..')).toContainText('Synced');

  // Into the table, then from row to row with the arrow keys; Enter opens the details, Esc closes them.
  const rows = app.getByTestId('key-table').locator('[role="row"][data-key-id]');
  await tabTo(app, rows.first());
  await expect(rows.first()).toHaveAttribute('aria-rowindex', '2');
  const row = (index: number) => app.locator(`[role="row"][aria-rowindex="${index}"]`);
  // One key at a time, as a person presses them: the next row gets the focus in the next frame.
  await app.keyboard.press('ArrowDown');
  await expect(row(3)).toBeFocused();
  expect((await focusRing(app)).visible).toBe(true);
  await app.keyboard.press('ArrowDown');
  await expect(row(4)).toBeFocused();
  await app.keyboard.press('ArrowUp');
  const focused = row(3);
  await expect(focused).toBeFocused();
  await twoFrames(app);
  await expect(focused).toBeFocused();
  const name = (await focused.locator('.key-name').textContent())!.trim();
  await app.keyboard.press('Enter');
  await expect(app.getByRole('complementary', { name })).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(app.getByRole('complementary', { name })).toBeHidden();

  // The create form from the keyboard (n), and back out with Esc: the focus returns to the row.
  await expect(focused).toBeFocused();
  await app.keyboard.press('n');
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await expect(form).toBeVisible();
  // The form asks the backend what it offers first; its first field gets the focus once it is there.
  await expect(form.getByLabel('Where')).toBeFocused();
  await tabTo(app, form.getByLabel('Name'));
  await app.keyboard.press('Escape');
  await expect(form).toBeHidden();
  await expect(focused).toBeFocused();

  // Settings by its shortcut, then its first field.
  await app.keyboard.press(',');
  await expect(app.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await tabTo(app, app.getByLabel('Sync every connection in the background every (minutes)'));
});

test('icon-only buttons all have names a screen reader can say', async ({ app, sandbox }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  const unnamed = await app.locator('button').evaluateAll((found) =>
    (found as unknown as PageElement[])
      .filter((b) => (b.textContent ?? '').trim() === '' && !b.getAttribute('aria-label') && !b.getAttribute('aria-labelledby'))
      .map((b) => b.outerHTML.slice(0, 120)),
  );
  expect(unnamed).toEqual([]);
  // Every icon is hidden from assistive technology; the button carries the words.
  expect(await app.locator('svg.icon:not([aria-hidden="true"])').count()).toBe(0);
  await expect(app.getByRole('button', { name: 'Remove connection Sandbox Rancher' })).toBeVisible();
  await expect(keyRow(app, 'laptop').getByRole('button', { name: 'Deactivate laptop' })).toBeVisible();
});

/** WCAG's contrast ratio of two CSS colours (rgb or rgba, alpha ignored: these are opaque). */
function contrast(foreground: string, background: string): number {
  const luminance = (css: string) => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(foreground), luminance(background)].sort((x, y) => y - x) as [number, number];
  return (a + 0.05) / (b + 0.05);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`danger buttons stay readable on hover, and Activate and Deactivate look different (${scheme})`, async ({ app, sandbox }) => {
    await app.emulateMedia({ colorScheme: scheme });
    await connectRancher(app, sandbox, sandbox.credentials.user);
    const colours = (locator: Locator) =>
      locator.evaluate((el) => {
        const style = (globalThis as unknown as { getComputedStyle: (e: unknown) => { color: string; backgroundColor: string } }).getComputedStyle(el);
        return { color: style.color, background: style.backgroundColor };
      });
    const icon = (locator: Locator) => locator.locator('svg').innerHTML();
    // The row's power buttons: one shape to deactivate, another to activate.
    const deactivate = keyRow(app, 'laptop').getByRole('button', { name: 'Deactivate laptop' });
    const activate = keyRow(app, 'old-ci').getByRole('button', { name: 'Activate old-ci' });
    expect(await icon(deactivate)).not.toEqual(await icon(activate));

    // The confirmation's Delete, and the detail pane's, hovered.
    await keyRow(app, 'laptop').getByText('laptop', { exact: true }).click();
    const paneDelete = app.getByRole('complementary', { name: 'laptop' }).getByRole('button', { name: 'Delete', exact: true });
    await paneDelete.hover();
    const pane = await colours(paneDelete);
    expect(contrast(pane.color, pane.background), `detail pane Delete on hover: ${JSON.stringify(pane)}`).toBeGreaterThanOrEqual(4.5);
    await paneDelete.click();
    const confirm = app.getByRole('dialog', { name: 'Delete “laptop”?' });
    // A destructive dialog opens on its safe choice.
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    const remove = confirm.getByRole('button', { name: 'Delete key' });
    const still = await colours(remove);
    await remove.hover();
    const hovered = await colours(remove);
    expect(contrast(still.color, still.background), `Delete key: ${JSON.stringify(still)}`).toBeGreaterThanOrEqual(4.5);
    expect(contrast(hovered.color, hovered.background), `Delete key on hover: ${JSON.stringify(hovered)}`).toBeGreaterThanOrEqual(4.5);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    // Closed: the focus is back on the button that opened it.
    await expect(paneDelete).toBeFocused();
  });
}

test('reduced motion: nothing animates or transitions', async ({ app, sandbox }) => {
  await app.emulateMedia({ reducedMotion: 'reduce' });
  // A slow sync keeps the indeterminate progress bar (an animation otherwise) on screen.
  sandbox.faults.add({ kind: 'latency', ms: 1500 });
  await app.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = app.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Server URL').fill(`${sandbox.url}/v2-beta`);
  await dialog.getByLabel('Access key').fill(sandbox.credentials.user.accessKey);
  await dialog.getByLabel('Secret key').fill(sandbox.credentials.user.secretKey);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  const progress = app.locator('.progress-bar');
  await expect(progress).toBeVisible({ timeout: 15_000 });

  const moving = () =>
    app.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
      return [...document.querySelectorAll('*')]
        .map((el) => ({ el, style: getComputedStyle(el) }))
        .filter(({ style }) => style.animationName !== 'none' || style.transitionDuration.split(',').some((d) => parseFloat(d) > 0))
        .map(({ el, style }) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${style.animationName} ${style.transitionDuration}`);
    });
  expect(await moving()).toEqual([]);
  // Without the preference the same page does animate, so the check above can see motion.
  await app.emulateMedia({ reducedMotion: 'no-preference' });
  expect(await moving()).not.toEqual([]);
  await app.emulateMedia({ reducedMotion: 'reduce' });
  sandbox.faults.clear();
});

test('forced colors: the focus ring and the edges of controls stay visible', async ({ app, sandbox }) => {
  await app.emulateMedia({ forcedColors: 'active' });
  await connectRancher(app, sandbox, sandbox.credentials.user);
  // The sidebar says "Synced" before the table has fetched its first page.
  await expect(keyRow(app, 'laptop')).toBeVisible();
  const edges = await app.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const pick = (selector: string) => {
      const el = document.querySelector(selector);
      if (!el) return `${selector}: missing`;
      const s = getComputedStyle(el);
      return `${selector}: ${s.borderTopStyle} ${s.borderTopWidth}`;
    };
    return [pick('.button.primary'), pick('.icon-button'), pick('.grid-body .grid-row'), pick('.pill')];
  });
  for (const edge of edges) expect(edge).toMatch(/: solid [1-9]/);

  // The focus ring, on a button and on a table row.
  await app.getByRole('button', { name: 'Sync now' }).focus();
  await app.keyboard.press('Shift+Tab');
  await app.keyboard.press('Tab');
  const onButton = await focusRing(app);
  expect(onButton.visible, `${onButton.what}: ${onButton.ring}`).toBe(true);
  await keyRow(app, 'laptop').focus();
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowUp');
  const onRow = await focusRing(app);
  expect(onRow.visible, `${onRow.what}: ${onRow.ring}`).toBe(true);
  // The selected sidebar entry is marked by more than a background colour.
  const selected = await app.locator('.connection-item.selected').first().evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el as unknown as PageElement).outlineStyle);
  expect(selected).toBe('solid');
});

// ---------------------------------------------------------------- first run and settings

test('the welcome explains what is kept where, checks the keychain, and offers each backend', async ({ app, harness }) => {
  const welcome = app.getByRole('region', { name: 'Welcome to Keyfleet' });
  await expect(welcome.getByRole('heading', { name: 'What Keyfleet keeps, and where' })).toBeVisible();
  await expect(welcome).toContainText(`${harness.dataDir}/keyfleet.db`);
  await expect(welcome).toContainText('Secrets, only in the OS keychain');
  // A real round trip through the keychain, in the core.
  await expect(welcome.getByRole('status').filter({ hasText: 'It works' })).toContainText('wrote a test item, read it back and deleted it');
  for (const backend of await harness.core.api.app.backends()) {
    await expect(welcome.getByRole('button', { name: new RegExp(`^Add an? ${backend.displayName} connection$`) })).toBeVisible();
    await expect(welcome.getByText(backend.credential.hint)).toBeVisible();
  }
  await expect(welcome.getByText('Needs: Access key and Secret key')).toBeVisible();
  await expect(welcome.getByText('Needs: User access token or API key (read-only)')).toBeVisible();

  // "Add a … connection" opens the form for that backend.
  await welcome.getByRole('button', { name: 'Add an Onyx connection' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add a connection' });
  await expect(dialog.getByLabel('Backend')).toHaveValue('onyx');
  await expect(dialog.getByLabel('Admin API key or personal access token')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // The harness is a development build: the sandbox is offered, and shows how on request.
  const steps = app.locator('#sandbox-steps');
  await expect(steps).toBeHidden();
  await app.getByRole('button', { name: 'Show how' }).click();
  await expect(steps).toContainText('npm run preview:web');
  await shoot(app, 'welcome-sandbox');
  await app.locator('.welcome').evaluate((el) => (el as unknown as PageElement).scrollTo(0, 0));
  await shoot(app, 'welcome');

  // Put away: remembered in the settings (SQLite), and the empty state shows instead.
  await app.getByRole('button', { name: 'Don’t show this again' }).click();
  await expect(app.getByRole('heading', { name: 'No organizations connected' })).toBeVisible();
  expect((await harness.core.api.settings.get()).values.welcomeDismissed).toBe(true);
  await app.reload();
  await expect(app.getByRole('heading', { name: 'No organizations connected' })).toBeVisible();
  await shoot(app, 'empty-state');

  // Settings bring it back.
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'Show the welcome again' }).click();
  await expect(app.getByText('The welcome will show while Keyfleet has no connections and no vault entries.')).toBeVisible();
  expect((await harness.core.api.settings.get()).values.welcomeDismissed).toBe(false);
  await app.reload();
  await expect(app.getByRole('heading', { name: 'Welcome to Keyfleet' })).toBeVisible();
});

test('the welcome is not shown once something is in the vault', async ({ app, harness, typedSecrets }) => {
  await expect(app.getByRole('heading', { name: 'Welcome to Keyfleet' })).toBeVisible();
  const secret = 'sk-welcome-vault-T7pQ2mX9';
  typedSecrets.add(secret).add(A11Y_PASSPHRASE);
  await harness.core.api.vault.setup({ passphrase: A11Y_PASSPHRASE });
  await harness.core.api.vault.add({ name: 'Mine', service: 'x', fields: [{ label: 'Token', value: secret, secret: true }] });
  await app.reload();
  await expect(app.getByRole('heading', { name: 'No organizations connected' })).toBeVisible();
  await expect(app.getByRole('heading', { name: 'Welcome to Keyfleet' })).toHaveCount(0);
});

/** A keytar whose Secret Service cannot be reached, as on a Linux box without one. */
const unreachableKeytar = {
  getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  setPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  deletePassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
};

async function openHarness(page: Page, options: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const harness = await startHarness({ syncIntervalMs: 0, ...options });
  await page.goto(harness.pageUrl);
  return harness;
}

test('without a reachable keychain the welcome says so and how to fix it on Linux', async ({ page }, testInfo) => {
  const dir = tempDir('keyfleet-e2e-');
  const harness = await openHarness(page, { dataDir: dir.path, secretStore: createKeytarSecretStore({ keytar: unreachableKeytar }) });
  try {
    const check = page.locator('.keychain-check');
    await expect(check.getByRole('status')).toContainText('Not reachable.');
    await expect(check).toContainText('Cannot autolaunch D-Bus');
    if (process.platform === 'linux') {
      await expect(check.getByRole('heading', { name: 'How to fix it on Linux' })).toBeVisible();
      await expect(check.getByRole('listitem')).toHaveCount(3);
      await expect(check).toContainText('gnome-keyring');
      await expect(check).toContainText('KWallet');
      await expect(check).toContainText('D-Bus');
    }
    await expect(check.getByRole('button', { name: 'Check again' })).toBeEnabled();
    await expectAccessible(page, 'welcome without a keychain', testInfo);
    await shoot(page, 'welcome-no-keychain');
  } finally {
    await harness.close();
    dir.cleanup();
  }
});

test('a release build does not offer the sandbox', async ({ page }) => {
  const dir = tempDir('keyfleet-e2e-');
  const harness = await openHarness(page, { dataDir: dir.path, version: '1.0.0' });
  try {
    await expect(page.getByRole('heading', { name: 'Connect your first organization' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Try the sandbox' })).toHaveCount(0);
  } finally {
    await harness.close();
    dir.cleanup();
  }
});

test('settings are shown, checked field by field, saved to SQLite and used by the core', async ({ app, sandbox, harness }) => {
  await connectRancher(app, sandbox, sandbox.credentials.user);
  await app.getByRole('button', { name: 'Settings' }).click();
  const view = app.getByRole('region', { name: 'Settings' });
  await expect(view).toContainText(harness.dataDir);
  await expect(view).toContainText('KEYFLEET_DATA_DIR');
  await expect(view).toContainText('--review=');
  // What locks the vault with the OS, said for the OS the core runs on (here Linux).
  await expect(view.getByText(/locks when the computer sleeps and, where the desktop reports it \(GNOME, KDE and others\), when the screen locks/)).toBeVisible();
  await expect(view.getByLabel('Lock the vault after idle (minutes)')).toHaveValue('5');
  await expect(view.getByLabel('Remind me before a key expires (days before)')).toHaveValue('60, 30, 7, 1');

  // Invalid values: the core's message under each field, nothing saved.
  await view.getByLabel('Sync every connection in the background every (minutes)').fill('2');
  await view.getByLabel('Clear a copied secret after (seconds)').fill('soon');
  await view.getByLabel('Remind me before a key expires (days before)').fill('30, 30');
  await view.getByRole('button', { name: 'Save settings' }).click();
  await expect(view.getByText('Enter 0 (off) or at least 5 minutes; backends should not be asked more often.')).toBeVisible();
  await expect(view.getByText('Enter a whole number of seconds.')).toBeVisible();
  await expect(view.getByText('Each threshold only once.')).toBeVisible();
  await expect(view.getByLabel('Clear a copied secret after (seconds)')).toHaveAttribute('aria-invalid', 'true');
  expect((await harness.core.api.settings.get()).values.clipboardClearSeconds).toBe(30);
  await shoot(app, 'settings-errors');

  await view.getByLabel('Sync every connection in the background every (minutes)').fill('45');
  await view.getByLabel('Lock the vault after idle (minutes)').fill('9');
  await view.getByLabel('Clear a copied secret after (seconds)').fill('12');
  await view.getByLabel('Remind me before a key expires (days before)').fill('7 14, 3');
  await view.getByRole('button', { name: 'Save settings' }).click();
  await expect(view.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await expect(view.getByLabel('Remind me before a key expires (days before)')).toHaveValue('14, 7, 3');
  expect((await harness.core.api.settings.get()).values).toMatchObject({ syncIntervalMinutes: 45, autoLockMinutes: 9, clipboardClearSeconds: 12, expiryReminderDays: [14, 7, 3] });
  // Used: the vault reports the new auto-lock, a copy is cleared after the new time.
  expect((await harness.core.api.vault.status()).autoLockMinutes).toBe(9);
  const before = Date.now();
  const { clearsAt } = await harness.core.api.clipboard.writeSecret({ text: 'settings-e2e' });
  expect(clearsAt - before).toBeGreaterThanOrEqual(12_000);
  expect(clearsAt - before).toBeLessThan(13_000);
  await app.getByRole('button', { name: 'My vault' }).click();
  await expect(app.getByText('locks after 9 idle minutes')).toBeVisible();

  // Per-organization policy: linked, not duplicated.
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(view.getByText('Rancher 1.x · No rules')).toBeVisible();
  await view.getByRole('button', { name: 'Edit policy for Sandbox Rancher' }).click();
  const policy = app.getByRole('dialog', { name: 'Policy for “Sandbox Rancher”' });
  await policy.getByLabel('No admin keys').check();
  await policy.getByRole('button', { name: 'Save policy' }).click();
  await expect(view.getByText('Rancher 1.x · no admin keys')).toBeVisible();
  await shoot(app, 'settings-policies');
  await view.evaluate((el) => (el as unknown as PageElement).scrollTo(0, 0));
  await shoot(app, 'settings');
});

const deepsetTest = backendTest(() => startDeepsetSandbox(), {});

deepsetTest('a backend’s further fields, its key facts and a rotation’s expiry choice have no accessibility violations', async ({ app, sandbox, harness }, testInfo) => {
  await harness.core.api.connections.add({ kind: 'deepset', name: 'deepset', baseUrl: sandbox.url, credential: { type: 'token', token: sandbox.credentials.admin }, credentialKind: 'user-token' });
  await app.reload();
  await app.getByRole('button', { name: 'Sync now' }).first().click();
  await expect(app.getByRole('navigation', { name: 'Connections' }).getByText(/Synced just now/)).toBeVisible();

  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await expect(form.getByLabel('Workspace role')).toBeVisible();
  await expectAccessible(app, 'create form with a workspace role', testInfo);
  await form.getByRole('button', { name: 'Cancel' }).click();

  await keyRow(app, 'ci-pipeline').getByText('ci-pipeline', { exact: true }).click();
  await expect(app.getByRole('complementary', { name: 'ci-pipeline' }).getByText('Workspace role')).toBeVisible();
  await expectAccessible(app, 'key details with backend facts', testInfo);
  await app.getByRole('button', { name: 'Close key details' }).click();

  await keyRow(app, 'ci-pipeline').getByRole('button', { name: 'Rotate ci-pipeline' }).click();
  const wizard = app.getByRole('dialog', { name: 'Rotate “ci-pipeline”' });
  await expect(wizard.getByRole('group', { name: 'New key expires' })).toBeVisible();
  await expectAccessible(app, 'rotation plan with its expiry', testInfo);
});
