// The renderer's figures, in Debian's Chromium through the web harness: first rows painted from
// the cache, filter latency, a fling through the whole list (DOM rows, long tasks), the JS heap,
// and what crossed the transport. Timing happens inside the page (performance.now()), so the
// CDP round trips of driving it are not counted.
import { writeFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { median, percentile } from './lib.ts';

const CHROMIUM = process.env.KEYFLEET_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

// Runs in the page before the renderer (plain JS: the bench is type-checked without the DOM lib).
const IN_PAGE = String.raw`(() => {
  const b = (window.__bench = { longTasks: [], firstRowSeenAt: null, firstRowAt: null });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  // When the last keys.list answer arrived (the transport's part of a filter).
  const realFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await realFetch(...args);
    if (String(args[0]).includes('/invoke/keys.list')) {
      await response.clone().arrayBuffer();
      b.listAnsweredAt = performance.now();
    }
    return response;
  };
  const afterPaint = (fn) => requestAnimationFrame(() => setTimeout(fn, 0));
  // First key rows: the first [role=row] holding a key, then the frame that paints it.
  const firstRow = new MutationObserver(() => {
    if (b.firstRowSeenAt !== null || !document.querySelector('[role=row][data-key-id]')) return;
    b.firstRowSeenAt = performance.now();
    firstRow.disconnect();
    afterPaint(() => (b.firstRowAt = performance.now()));
  });
  firstRow.observe(document, { childList: true, subtree: true });

  const countText = () => document.querySelector('.toolbar-count')?.textContent ?? '';
  b.countIs = (n) => !countText().includes('Loading') && Number(countText().replace(/[^0-9]/g, '')) === n;
  const shows = (expected) => {
    const text = countText();
    if (text.includes('Loading')) return false;
    if (Number(text.replace(/[^0-9]/g, '')) !== expected) return false;
    return expected === 0 ? document.querySelector('.empty-state') !== null : document.querySelector('[data-testid=key-table] [role=row][data-key-id]') !== null;
  };
  // A filter measurement: from the (last) keydown until the table shows the expected total with
  // its rows, after a "Loading…" that followed that keydown (so an older answer never counts).
  b.arm = (expected) => {
    b.result = new Promise((resolve) => {
      let keyAt = null;
      let sawLoading = false;
      let done = false;
      const check = () => {
        if (done || keyAt === null) return;
        if (countText().includes('Loading')) sawLoading = true;
        else if (sawLoading && shows(expected)) {
          done = true;
          observer.disconnect();
          window.removeEventListener('keydown', onKey, true);
          const shownAt = performance.now();
          const answeredMs = b.listAnsweredAt - keyAt;
          afterPaint(() => resolve({ ms: performance.now() - keyAt, shownMs: shownAt - keyAt, answeredMs }));
        }
      };
      const onKey = () => {
        keyAt = performance.now();
        sawLoading = false;
        check();
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      window.addEventListener('keydown', onKey, true);
    });
    return true;
  };
  // A fling: scrollTop moves by step px every frame to the bottom of the list.
  b.fling = (step) =>
    new Promise((resolve) => {
      const el = document.querySelector('[data-testid=key-table]');
      const start = performance.now();
      let maxRows = 0;
      let maxKeyRows = 0;
      let frames = 0;
      let blankFrames = 0;
      const tick = () => {
        maxRows = Math.max(maxRows, document.querySelectorAll('[role=row]').length);
        const keyRows = el.querySelectorAll('[role=row][data-key-id]').length;
        maxKeyRows = Math.max(maxKeyRows, keyRows);
        if (keyRows === 0) blankFrames++;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
          const end = performance.now();
          const settle = () => {
            if (el.querySelector('[role=row][data-key-id]')) {
              resolve({ start, end, settledMs: performance.now() - end, frames, blankFrames, maxRows, maxKeyRows, scrollHeight: el.scrollHeight });
            } else requestAnimationFrame(settle);
          };
          settle();
          return;
        }
        el.scrollTop += step;
        frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
})();`;

/** What the in-page script puts on window (predicates run in the page: no closures over Node values). */
interface BenchWindow {
  __bench: { firstRowAt: number | null; countIs(n: number): boolean };
}

export interface IpcStats {
  calls: number;
  bytes: number;
  maxBytes: number;
  rows: number;
  maxRows: number;
  maxLimit: number;
}

function watchTransport(page: Page, stats: Record<string, IpcStats>): void {
  page.on('requestfinished', (request) => {
    const match = /\/__harness\/invoke\/([^?]+)/.exec(request.url());
    if (!match) return;
    const channel = decodeURIComponent(match[1]!);
    void request.response().then(async (response) => {
      if (!response) return;
      const body = await response.body().catch(() => Buffer.alloc(0));
      const s = (stats[channel] ??= { calls: 0, bytes: 0, maxBytes: 0, rows: 0, maxRows: 0, maxLimit: 0 });
      s.calls++;
      s.bytes += body.length;
      s.maxBytes = Math.max(s.maxBytes, body.length);
      try {
        const value = (JSON.parse(body.toString('utf8')) as { value?: unknown }).value;
        const rows = Array.isArray(value) ? value.length : Array.isArray((value as { rows?: unknown } | null)?.rows) ? (value as { rows: unknown[] }).rows.length : 0;
        s.rows += rows;
        s.maxRows = Math.max(s.maxRows, rows);
        const input = JSON.parse(request.postData() ?? 'null') as { limit?: unknown } | null;
        if (input && typeof input.limit === 'number') s.maxLimit = Math.max(s.maxLimit, input.limit);
      } catch {
        // not JSON: counted in bytes only
      }
    });
  });
}

async function openPage(browser: Browser, url: string, stats?: Record<string, IpcStats>): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  await context.addInitScript({ content: IN_PAGE });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (stats) watchTransport(page, stats);
  await page.goto(url);
  return page;
}

export interface BrowserFigures {
  chromium: string;
  firstRows: { runs: number[]; medianMs: number; maxMs: number };
  search: { samples: Array<{ query: string; ms: number; shownMs: number; answeredMs: number; total: number }>; p50: number; p95: number; max: number; burst: Array<{ query: string; ms: number }> };
  scroll: { maxDomRows: number; maxKeyRows: number; frames: number; blankFrames: number; flingMs: number; settledMs: number; longTasks: number; longestTaskMs: number; scrollHeight: number };
  heap: { usedMb: number; usedAfterGcMb: number; totalMb: number };
  ipc: Record<string, IpcStats>;
}

export interface BrowserInput {
  pageUrl: string;
  /** Expected totals per query text (as the core answers keys.list over every connection). */
  totals: (query: string) => Promise<number>;
  allTotal: number;
  queries: string[];
  burstQueries: string[];
  /** How many times the queries are typed (more keystrokes, a steadier p95). */
  filterRounds: number;
  firstRowRuns: number;
  flingStep: number;
  log: (line: string) => void;
}

export async function measureBrowser(input: BrowserInput): Promise<BrowserFigures> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const version = browser.version();

    // First rows: a fresh context each time (no HTTP cache), from navigation start.
    const firstRuns: number[] = [];
    for (let i = 0; i < input.firstRowRuns; i++) {
      const page = await openPage(browser, input.pageUrl);
      await page.waitForFunction(() => (globalThis as unknown as BenchWindow).__bench.firstRowAt !== null, undefined, { timeout: 60_000 });
      firstRuns.push(await page.evaluate<number>('window.__bench.firstRowAt'));
      await page.context().close();
    }
    input.log(`first rows: ${firstRuns.map((v) => v.toFixed(0)).join(', ')} ms`);

    // One page for the rest, showing every connection's keys.
    const ipc: Record<string, IpcStats> = {};
    const page = await openPage(browser, input.pageUrl, ipc);
    await page.waitForFunction(() => (globalThis as unknown as BenchWindow).__bench.firstRowAt !== null, undefined, { timeout: 60_000 });
    await page.getByRole('button', { name: /All keys/ }).first().click();
    const filter = page.getByPlaceholder(/Filter by name/);
    await page.waitForFunction((n) => (globalThis as unknown as BenchWindow).__bench.countIs(n), input.allTotal, { timeout: 60_000 });
    await filter.click();

    // KEYFLEET_BENCH_PROFILE=file: the renderer's CPU profile of the filter phase (for DevTools).
    const profileFile = process.env.KEYFLEET_BENCH_PROFILE;
    const profiler = profileFile ? await page.context().newCDPSession(page) : null;
    const timing = async () => {
      const { metrics } = await profiler!.send('Performance.getMetrics');
      return Object.fromEntries(metrics.filter((m) => /Duration$/.test(m.name)).map((m) => [m.name, m.value * 1000]));
    };
    let before: Record<string, number> = {};
    if (profiler) {
      await profiler.send('Performance.enable');
      before = await timing();
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.send('Profiler.start');
    }

    // Filter: one character at a time, each waited for, as a person types and reads.
    const samples: BrowserFigures['search']['samples'] = [];
    const typeAndWait = async (key: string, expected: number, query: string) => {
      await page.evaluate(`window.__bench.arm(${expected})`);
      await page.keyboard.press(key);
      const { ms, shownMs, answeredMs } = await page.evaluate<{ ms: number; shownMs: number; answeredMs: number }>('window.__bench.result');
      samples.push({ query, ms, shownMs, answeredMs, total: expected });
    };
    for (const query of Array.from({ length: input.filterRounds }, () => input.queries).flat()) {
      for (let i = 1; i <= query.length; i++) {
        const prefix = query.slice(0, i);
        await typeAndWait(query[i - 1]!, await input.totals(prefix), prefix);
      }
      // Clearing the box is a keystroke too (select all, then delete).
      await page.keyboard.press('Control+A');
      await typeAndWait('Backspace', input.allTotal, '');
    }
    if (profiler && profileFile) {
      const { profile } = await profiler.send('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
      const after = await timing();
      input.log(`filter phase, main thread: ${Object.keys(after).map((k) => `${k} ${(after[k]! - (before[k] ?? 0)).toFixed(0)} ms`).join(', ')}`);
      input.log(`renderer profile of the filter phase: ${profileFile}`);
    }
    const ms = samples.map((s) => s.ms);
    input.log(`filter: ${samples.length} keystrokes, p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms`);

    // Typing fast (40 ms between keys): from the last keydown to the final result on screen.
    const burst: BrowserFigures['search']['burst'] = [];
    for (const query of input.burstQueries) {
      const expected = await input.totals(query);
      await page.evaluate(`window.__bench.arm(${expected})`);
      await page.keyboard.type(query, { delay: 40 });
      burst.push({ query, ms: (await page.evaluate<{ ms: number }>('window.__bench.result')).ms });
      await page.keyboard.press('Control+A');
      await page.evaluate(`window.__bench.arm(${input.allTotal})`);
      await page.keyboard.press('Backspace');
      await page.evaluate('window.__bench.result');
    }

    // The fling, over the whole unfiltered list.
    await page.waitForTimeout(500);
    const fling = await page.evaluate<{ start: number; end: number; settledMs: number; frames: number; blankFrames: number; maxRows: number; maxKeyRows: number; scrollHeight: number }>(
      `window.__bench.fling(${input.flingStep})`,
    );
    const tasks = await page.evaluate<Array<{ start: number; duration: number }>>('window.__bench.longTasks');
    const during = tasks.filter((t) => t.start >= fling.start && t.start <= fling.end + fling.settledMs);
    input.log(`fling: ${fling.frames} frames, ${(fling.end - fling.start).toFixed(0)} ms, max ${fling.maxRows} DOM rows, ${during.length} long tasks`);

    // The renderer's JS heap with the list scrolled through, before and after a full GC.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async (name: string) => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0) / (1024 * 1024);
    const usedMb = await metric('JSHeapUsedSize');
    const totalMb = await metric('JSHeapTotalSize');
    await cdp.send('HeapProfiler.collectGarbage');
    const usedAfterGcMb = await metric('JSHeapUsedSize');

    return {
      chromium: version,
      firstRows: { runs: firstRuns, medianMs: median(firstRuns), maxMs: Math.max(...firstRuns) },
      search: { samples, p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms), burst },
      scroll: {
        maxDomRows: fling.maxRows,
        maxKeyRows: fling.maxKeyRows,
        frames: fling.frames,
        blankFrames: fling.blankFrames,
        flingMs: fling.end - fling.start,
        settledMs: fling.settledMs,
        longTasks: during.filter((t) => t.duration > 50).length,
        longestTaskMs: Math.max(0, ...during.map((t) => t.duration)),
        scrollHeight: fling.scrollHeight,
      },
      heap: { usedMb, usedAfterGcMb, totalMb },
      ipc,
    };
  } finally {
    await browser.close();
  }
}
