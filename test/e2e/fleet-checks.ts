// What the fleet spec measures in the page: clipped text without an ellipsis or a tooltip, actions
// cut off or covered, navigation out of reach. Each returns what is wrong, so a failure names it.
import type { Locator, Page } from '@playwright/test';

// The page-side functions run in Chromium, but this file is type-checked as Node code: the few
// browser globals they use are described here.
interface PageElement {
  tagName: string;
  className: string | { baseVal: string };
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  parentElement: PageElement | null;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number; height: number };
  contains(other: PageElement | null): boolean;
}
interface PageGlobals {
  document: { querySelectorAll(selector: string): Iterable<PageElement>; elementFromPoint(x: number, y: number): PageElement | null };
  getComputedStyle: (element: PageElement) => { overflowX: string; textOverflow: string; visibility: string };
  innerWidth: number;
  innerHeight: number;
}

/** Every element under `root` whose text is cut off without an ellipsis, or with one but no tooltip. */
export function clippedWithoutTooltip(page: Page, root: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const problems: string[] = [];
    for (const scope of document.querySelectorAll(selector)) {
      for (const element of [scope, ...scope.querySelectorAll('*')]) {
        // Text for screen readers only is 1 px wide on purpose.
        if (element.scrollWidth <= element.clientWidth + 1 || element.clientWidth <= 1) continue;
        const style = getComputedStyle(element);
        if (style.overflowX === 'visible' || style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
        const className = typeof element.className === 'string' ? element.className : element.className.baseVal;
        const what = `${element.tagName.toLowerCase()}.${className.replace(/ /g, '.')} “${(element.textContent ?? '').trim().slice(0, 40)}”`;
        if (style.textOverflow !== 'ellipsis') problems.push(`${what}: clipped without an ellipsis`);
        else if (!element.closest('[title]')?.getAttribute('title')) problems.push(`${what}: an ellipsis without a tooltip`);
      }
    }
    return problems;
  }, root);
}

/**
 * The buttons under `root` that a person could not click where they are: outside the window or the
 * scrolling box they sit in, cut by their cell, or covered by something else.
 */
export function unreachableButtons(page: Page, root: string, box: string | null): Promise<string[]> {
  return page.evaluate(
    ([selector, boxSelector]) => {
      const { document, innerWidth, innerHeight } = globalThis as unknown as PageGlobals;
      const problems: string[] = [];
      const box = boxSelector ? [...document.querySelectorAll(boxSelector)][0] : undefined;
      const frame = box?.getBoundingClientRect();
      // A sticky header inside the box covers rows scrolled beneath it: they are not cut off.
      const head = box ? [...box.querySelectorAll('[role="rowgroup"]:first-child')][0]?.getBoundingClientRect() : undefined;
      const limit = frame ? { left: frame.left, right: frame.right, bottom: frame.bottom, top: Math.max(frame.top, head?.bottom ?? frame.top) } : { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
      for (const button of document.querySelectorAll(`${selector} button`)) {
        const r = button.getBoundingClientRect();
        const name = button.getAttribute('aria-label') ?? (button.textContent ?? '').trim();
        // Rows scrolled half out of the box vertically are not what this checks.
        if (r.bottom <= limit.top || r.top >= limit.bottom) continue;
        if (r.top < limit.top - 0.5 || r.bottom > limit.bottom + 0.5) continue;
        if (r.width === 0 || r.height === 0) problems.push(`${name}: has no size`);
        else if (r.left < Math.max(0, limit.left) - 0.5 || r.right > Math.min(innerWidth, limit.right) + 0.5) problems.push(`${name}: cut off at the side (${Math.round(r.left)}–${Math.round(r.right)})`);
        else {
          const cell = button.closest('[role="cell"]');
          const c = cell?.getBoundingClientRect();
          if (c && (r.left < c.left - 0.5 || r.right > c.right + 0.5)) problems.push(`${name}: sticks out of its cell`);
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          if (!hit || !(button === hit || button.contains(hit))) problems.push(`${name}: covered by ${hit?.tagName.toLowerCase() ?? 'nothing'}`);
        }
      }
      return problems;
    },
    [root, box] as const,
  );
}

/** Whether a locator's element sits wholly inside the window and is what a click there reaches. */
export async function clickableInWindow(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  if (!box || !size) return false;
  const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height;
  const hit = await locator.evaluate((element) => {
    const { document } = globalThis as unknown as PageGlobals;
    const self = element as unknown as PageElement;
    const r = self.getBoundingClientRect();
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return at !== null && (at === self || self.contains(at));
  });
  return inside && hit;
}
