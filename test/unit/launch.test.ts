// Where a launch keeps its data, decided before Electron is ready (src-main/launch.ts), and what
// the error dialog says when a start fails (src-main/start-failure.ts).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { carryOverDataFolder, dataDirFor } from '../../src-main/data-dir.ts';
import { createReviewProfile, readLaunch, StartupError } from '../../src-main/launch.ts';
import { describeStartFailure } from '../../src-main/start-failure.ts';
import { tempDir } from '../support/temp.ts';

describe('launch', () => {
  it('makes KEYFLEET_DATA_DIR and --review absolute against the working directory', () => {
    const where = { platform: 'linux' as const, home: '/home/ana', cwd: '/home/ana' };
    expect(dataDirFor('Keyfleet', { ...where, env: { KEYFLEET_DATA_DIR: 'work/data' } })).toBe('/home/ana/work/data');
    expect(dataDirFor('Keyfleet', { ...where, env: { KEYFLEET_DATA_DIR: '/srv/k/../keyfleet' } })).toBe('/srv/keyfleet');
    expect(dataDirFor('Keyfleet', { ...where, env: { KEYFLEET_DATA_DIR: '  ' } })).toBe('/home/ana/.config/Keyfleet');
    expect(readLaunch(['electron', '.', '--review=copy'], '/tmp')).toEqual({ reviewDir: '/tmp/copy' });
    expect(readLaunch(['electron', '.'], '/tmp')).toEqual({ reviewDir: undefined });
    expect(() => readLaunch(['--review='], '/x')).toThrow(StartupError);
  });

  it('carries the folder older versions used over to the product name, once, and never loses data', () => {
    const dir = tempDir();
    try {
      const appData = dir.path;
      const legacy = join(appData, 'keyfleet');
      const current = join(appData, 'Keyfleet');
      // Nothing to carry.
      expect(carryOverDataFolder(appData, current, true)).toEqual({ path: current, moved: false });
      // The old folder alone: the command line reads it where it is, the app renames it.
      mkdirSync(legacy);
      writeFileSync(join(legacy, 'keyfleet.db'), 'old');
      expect(carryOverDataFolder(appData, current, false)).toEqual({ path: legacy, moved: false });
      expect(dataDirFor('Keyfleet', { platform: 'linux', env: {}, home: appData, appData })).toBe(legacy);
      expect(carryOverDataFolder(appData, current, true)).toEqual({ path: current, moved: true });
      expect(readdirSync(appData)).toEqual(['Keyfleet']);
      // Both, and only the old one holds a database: used where it is.
      mkdirSync(legacy);
      writeFileSync(join(legacy, 'keyfleet.db'), 'old');
      const emptyCurrent = join(appData, 'Other');
      mkdirSync(emptyCurrent);
      expect(carryOverDataFolder(appData, emptyCurrent, true)).toEqual({ path: legacy, moved: false });
      // The new one holds a database: it wins, the old one is left alone.
      expect(carryOverDataFolder(appData, current, true)).toEqual({ path: current, moved: false });
      expect(existsSync(join(legacy, 'keyfleet.db'))).toBe(true);
      // A case-insensitive file system shows one folder under both names: nothing moves.
      expect(carryOverDataFolder(appData, legacy, true)).toEqual({ path: legacy, moved: false });
    } finally {
      dir.cleanup();
    }
  });

  it("removes review profiles whose process is gone, and keeps a running review's", () => {
    const dir = tempDir();
    try {
      const stale = createReviewProfile(dir.path, 2 ** 22 + 17);
      const running = createReviewProfile(dir.path, process.pid);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(running)).toBe(true);
      const next = createReviewProfile(dir.path);
      expect(existsSync(running)).toBe(true);
      expect(next).not.toBe(running);
    } finally {
      dir.cleanup();
    }
  });
});

describe('start failure dialog', () => {
  it('names the folder, what failed and what to do', () => {
    const unwritable = Object.assign(new Error("EACCES: permission denied, mkdir '/data'"), { code: 'EACCES' });
    const { title, content } = describeStartFailure(unwritable, { dataDir: '/data', review: false });
    expect(title).toBe('Keyfleet could not start');
    expect(content).toMatch(/cannot use its data folder \(EACCES/);
    expect(content).toMatch(/KEYFLEET_DATA_DIR/);
    expect(content).toMatch(/Data folder: \/data$/);
    const full = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    expect(describeStartFailure(full, { dataDir: '/data', review: false }).content).toMatch(/SQLITE_IOERR/);
    expect(describeStartFailure(new Error('boom'), { dataDir: undefined, review: false }).content).toBe('Keyfleet stopped while starting: boom\n\nStart Keyfleet again. If this happens again, report this message.');
  });
});
