// The source stays easy to change: no file past 400 lines, and no import cycle anywhere in the
// app's code (a cycle between the renderer's store and its commands once made both hard to read).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['src-main', 'src-preload', 'src-renderer'];
const MAX_LINES = 400;

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|css)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

const sources = SOURCE_DIRS.flatMap(filesUnder);

/** Relative imports of a file (static, dynamic and re-exports), resolved to paths from the root. */
export function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\s*\(\s*'(\.[^']+)'\s*\)|import\s+'(\.[^']+)'/g)) {
    const target = match[1] ?? match[2] ?? match[3];
    if (target) found.push(relative(root, resolve(dirname(join(root, file)), target)));
  }
  return found;
}

/** Every import cycle among the given files, each as the list of files around it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('source layout', () => {
  it(`keeps every source file at ${MAX_LINES} lines or fewer`, () => {
    expect(sources.length).toBeGreaterThan(100);
    const long = sources
      .map((file) => ({ file, lines: readFileSync(join(root, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it('has no import cycle in the app, type-only imports included', () => {
    const graph = new Map(sources.filter((f) => !f.endsWith('.css')).map((file) => [file, importsOf(file, readFileSync(join(root, file), 'utf8'))]));
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(importsOf('src-renderer/state/store.ts', "import type { X } from './types.ts';\nexport { y } from '../app/bridge.ts';")).toEqual([
      'src-renderer/state/types.ts',
      'src-renderer/app/bridge.ts',
    ]);
  });
});
