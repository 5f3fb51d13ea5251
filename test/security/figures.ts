// Figures of the security and reliability suite. Each part records its rows into
// test-results/figures/<section>.json; `npm run test:stress` (and `npm test`, with fast settings)
// prints them all as one table. STRESS selects the full settings.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STRESS = process.env.KEYFLEET_STRESS === '1';

/** Picks the full-run or the fast setting. */
export function setting<T>(fast: T, full: T): T {
  return STRESS ? full : fast;
}

export interface Figure {
  /** What was measured, e.g. "hits" or "accepted invalid inputs". */
  figure: string;
  value: number | string;
  /** The target as a person reads it, e.g. "0" or "≥ 10000". */
  target: string;
  ok: boolean;
  detail?: string;
}

export const FIGURES_DIR = fileURLToPath(new URL('../../test-results/figures/', import.meta.url));

export function recordFigures(section: string, figures: Figure[]): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${section.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.json`);
  writeFileSync(file, `${JSON.stringify({ section, stress: STRESS, at: new Date().toISOString(), figures }, null, 2)}\n`);
}

export interface Section {
  section: string;
  stress: boolean;
  at: string;
  figures: Figure[];
}

export function readSections(dir = FIGURES_DIR): Section[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Section);
}

/** A plain-text table: section, figure, value, target, ok. */
export function formatTable(sections: Section[]): string {
  const rows = [['section', 'figure', 'value', 'target', 'ok']];
  for (const s of sections) {
    for (const f of s.figures) rows.push([s.section, f.figure, String(f.value), f.target, f.ok ? 'yes' : 'NO']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
