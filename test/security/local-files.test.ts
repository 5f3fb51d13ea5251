// What Keyfleet keeps on disk is the user's alone: the data dir and its logs folder 0700, the
// database, its WAL and SHM and the log 0600 — for a new data dir, and for one that already
// existed with a folder of 0755 and files of 0644 (made by hand, by an older version, restored
// from a backup). POSIX modes; Windows has none to check.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE } from '../../src-main/core.ts';
import { filesUnder } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { recordFigures } from './figures.ts';

const posix = process.platform !== 'win32';
const results: Array<{ case: string; open: string[]; checked: number }> = [];

afterAll(() => {
  recordFigures(
    'local-files',
    results.map((r) => ({ figure: `${r.case}: files and folders open to group or others (of ${r.checked})`, value: r.open.length, target: '0', ok: r.checked > 0 && r.open.length === 0, detail: r.open.join(', ') })),
  );
});

/** Every path under `dir` (and `dir` itself) whose mode gives group or others any access. */
function openToOthers(dir: string): { open: string[]; checked: number } {
  const folders = new Set<string>([dir]);
  const files = filesUnder(dir);
  for (const file of files) for (let d = join(file, '..'); d.startsWith(dir) && d !== dir; d = join(d, '..')) folders.add(d);
  const all = [...folders, ...files];
  return { open: all.filter((p) => (statSync(p).mode & 0o077) !== 0).map((p) => `${p.slice(dir.length) || '/'} ${(statSync(p).mode & 0o777).toString(8)}`), checked: all.length };
}

async function runCore(dataDir: string): Promise<void> {
  const core = createCore({ dataDir, syncIntervalMs: 0 });
  await core.ready;
  await core.api.settings.set({ welcomeDismissed: true });
  const shown = await core.api.connections.list();
  expect(shown).toEqual([]);
  await core.close();
}

describe.runIf(posix)('files on disk', () => {
  it('a new data dir: the folder 0700, every file 0600', async () => {
    const dir = tempDir();
    try {
      const dataDir = join(dir.path, 'Keyfleet');
      await runCore(dataDir);
      const result = openToOthers(dataDir);
      results.push({ case: 'new data dir', ...result });
      expect(result.open).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });

  it('an existing 0755 data dir with 0644 database, WAL, SHM and log is made private at start', async () => {
    const dir = tempDir();
    try {
      const dataDir = join(dir.path, 'Keyfleet');
      await runCore(dataDir);
      // As a hand-made folder or a restored backup would leave them.
      writeFileSync(join(dataDir, `${DATABASE_FILE}-wal`), '');
      writeFileSync(join(dataDir, `${DATABASE_FILE}-shm`), '');
      mkdirSync(join(dataDir, 'logs'), { recursive: true });
      writeFileSync(join(dataDir, 'logs', 'keyfleet.log'), '', { flag: 'a' });
      for (const folder of [dataDir, join(dataDir, 'logs')]) chmodSync(folder, 0o755);
      for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, join('logs', 'keyfleet.log')]) chmodSync(join(dataDir, file), 0o644);
      expect(openToOthers(dataDir).open.length).toBeGreaterThanOrEqual(6);

      const core = createCore({ dataDir, syncIntervalMs: 0 });
      try {
        await core.ready;
        // While it runs, with its WAL and SHM open.
        const result = openToOthers(dataDir);
        results.push({ case: 'existing 0755 folder, 0644 files', ...result });
        expect(result.open).toEqual([]);
        expect(result.checked).toBeGreaterThanOrEqual(6);
      } finally {
        await core.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});
