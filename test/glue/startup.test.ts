// The desktop glue as Electron runs it, part one: starting. The built out/main/index.js runs under
// a stand-in electron module (test/electron-stand-in/main/) in a child process per launch. A start
// either opens the window or says what failed and what to do, then exits: it never leaves a
// windowless process holding the single-instance lock (which would make every later launch quit
// without a word).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/core.ts';
import { folder, launch, type MainProcess } from './main-process.ts';

/** A real Keyfleet data dir, made by the core itself. */
async function keyfleetDataDir(dir: string): Promise<void> {
  const core = createCore({ dataDir: dir, syncIntervalMs: 0 });
  await core.close();
}

async function expectFailedStart(main: MainProcess, lockDir: string | undefined, what: RegExp, advice: RegExp) {
  const box = await main.waitFor('dialog.showErrorBox');
  expect(box.title).toBe('Keyfleet could not start');
  expect(box.content).toMatch(what);
  expect(box.content).toMatch(advice);
  // A real dialog (after 'ready'), not a line on stderr.
  expect(box.shown).toBe(true);
  expect(await main.exitCode(), main.stderr()).toBe(1);
  expect(main.all('BrowserWindow')).toEqual([]);
  expect(main.all('uncaughtException')).toEqual([]);
  // Nothing left behind that would make the next launch quit without a word.
  if (lockDir) expect(existsSync(join(lockDir, 'SingletonLock'))).toBe(false);
  const released = main.records.findIndex((r) => r.type === 'app.releaseSingleInstanceLock');
  const granted = main.records.some((r) => r.type === 'app.requestSingleInstanceLock' && r.granted === true);
  if (granted) expect(released).toBeGreaterThan(-1);
  if (granted) expect(released).toBeLessThan(main.records.indexOf(box));
}

describe.concurrent('a failed start says what failed and what to do, then exits', () => {
  it('a database written by a newer Keyfleet', async ({ onTestFinished }) => {
    const root = folder(onTestFinished);
    const data = join(root, 'data');
    await keyfleetDataDir(data);
    const db = new Database(join(data, 'keyfleet.db'));
    db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (99, ?, ?, 0)').run('future', 'x');
    db.close();
    const main = await launch(onTestFinished, { root, env: { KEYFLEET_DATA_DIR: data } });
    await expectFailedStart(main, data, /written by a newer Keyfleet \(schema version 99\)/, /Install the newest Keyfleet/);
    // The next launch is not swallowed by a process that is still holding the lock.
    const again = await launch(onTestFinished, { root, env: { KEYFLEET_DATA_DIR: data } });
    await expectFailedStart(again, data, /newer Keyfleet/, /Install the newest Keyfleet/);
  });

  it('a data dir that cannot be created', async ({ onTestFinished }) => {
    const root = folder(onTestFinished);
    writeFileSync(join(root, 'a-file'), 'not a folder');
    const data = join(root, 'a-file', 'data');
    const main = await launch(onTestFinished, { root, env: { KEYFLEET_DATA_DIR: data } });
    await expectFailedStart(main, undefined, /cannot use its data folder \(ENOTDIR/, /KEYFLEET_DATA_DIR set to a folder you own/);
    expect((await main.waitFor('dialog.showErrorBox')).content).toContain(data);
  });

  it('a damaged database', async ({ onTestFinished }) => {
    const root = folder(onTestFinished);
    const data = join(root, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'keyfleet.db'), Buffer.alloc(8192, 'not a database '));
    const main = await launch(onTestFinished, { root, env: { KEYFLEET_DATA_DIR: data } });
    await expectFailedStart(main, data, /is damaged or is not a Keyfleet database \(SQLITE_NOTADB\)/, /Move keyfleet\.db out of the data folder/);
  });

  it('--review of a folder that is not a Keyfleet data dir', async ({ onTestFinished }) => {
    const root = folder(onTestFinished);
    const photos = join(root, 'photos');
    mkdirSync(photos);
    const main = await launch(onTestFinished, { root, args: [`--review=${photos}`] });
    await expectFailedStart(main, undefined, /not a Keyfleet data folder/, /--review=<folder>, where the folder holds a keyfleet\.db/);
    expect(readdirSync(photos)).toEqual([]);
  });
});

describe.concurrent('where the data lives', () => {
  it('a relative KEYFLEET_DATA_DIR is taken from the working directory', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { env: { KEYFLEET_DATA_DIR: join('profiles', 'work') } });
    await main.waitFor('window.loadURL');
    const userData = join(main.root, 'profiles', 'work');
    expect(await main.waitFor('app.setPath', (r) => r.name === 'userData')).toMatchObject({ path: userData });
    expect(existsSync(join(userData, 'keyfleet.db'))).toBe(true);
    expect(main.all('uncaughtException')).toEqual([]);
  });

  it('is appData/Keyfleet, and the folder older versions used (appData/keyfleet) is carried over', async ({ onTestFinished }) => {
    const root = folder(onTestFinished);
    const appData = join(root, 'config');
    const legacy = join(appData, 'keyfleet');
    const core = createCore({ dataDir: legacy, syncIntervalMs: 0 });
    await core.api.settings.set({ syncIntervalMinutes: 45 });
    await core.close();
    const main = await launch(onTestFinished, { root, appData });
    await main.waitFor('window.loadURL');
    expect(existsSync(join(appData, 'Keyfleet', 'keyfleet.db'))).toBe(true);
    expect(existsSync(legacy)).toBe(false);
    const settings = (await main.send({ op: 'invoke', channel: 'settings.get' })) as { ok: boolean; value: { values: { syncIntervalMinutes: number } } };
    expect(settings.value.values.syncIntervalMinutes).toBe(45);
    expect(await main.waitFor('app.requestSingleInstanceLock')).toMatchObject({ granted: true, file: join(appData, 'Keyfleet', 'SingletonLock') });
  });

  it('the menus carry the product name', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'darwin' });
    expect((await main.waitFor('Menu.setApplicationMenu')).labels).toEqual(['Keyfleet', '&File', '&Edit', '&View', '&Window', '&Help']);
  });
});

describe.concurrent('review mode', () => {
  it.for([
    [false, 'development'],
    [true, 'release'],
  ] as const)('reports the real build kind (packaged: %s) and removes its throwaway browser profile on quit', async ([packaged, build], { onTestFinished }) => {
    const root = folder(onTestFinished);
    const copy = join(root, 'copy');
    await keyfleetDataDir(copy);
    const main = await launch(onTestFinished, { root, packaged, args: [`--review=${copy}`] });
    await main.waitFor('window.loadURL');
    const profile = String((await main.waitFor('app.setPath', (r) => r.name === 'sessionData')).path);
    expect(existsSync(profile)).toBe(true);
    expect(profile.startsWith(join(root, 'tmp'))).toBe(true);
    const status = (await main.send({ op: 'invoke', channel: 'app.status' })) as { ok: boolean; value: { mode: string; build: string } };
    expect(status.value).toMatchObject({ mode: 'review', build });
    await main.send({ op: 'quit' });
    expect(await main.exitCode(), main.stderr()).toBe(0);
    expect(existsSync(profile)).toBe(false);
    // A review holds no lock: it runs beside the user's own Keyfleet.
    expect(main.all('app.requestSingleInstanceLock')).toEqual([]);
  });
});
