// The desktop glue as Electron runs it, part two: what differs per platform. The built
// out/main/index.js runs under the stand-in electron module, which emits only the events each
// platform has (test/electron-stand-in/main/): macOS keeps running with no window and sends links
// as 'open-url', Windows needs an AppUserModelID and ends sessions with 'session-end', and only
// macOS and Windows announce a screen lock.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelNames } from '../../src-preload/contract.ts';
import { WEB_PREFERENCES } from '../../src-main/window-policy.ts';
import type { CallRecord } from '../electron-stand-in/main/scenario.ts';
import { launch, type MainProcess } from './main-process.ts';

const builder = JSON.parse(readFileSync('electron-builder.json', 'utf8')) as { appId: string };
const APP_DIR = resolve('.');
/** Longer than a few of the glue's polls of getSystemIdleState (every 5 s). */
const POLLS = 16_000;

const sentTo = (window: unknown, channel: string) => (r: CallRecord) => r.window === window && r.channel === channel;
const command = (main: MainProcess, window: unknown, name: string) =>
  main.waitFor('webContents.send', (r) => sentTo(window, 'event:app.command')(r) && JSON.stringify(r.args) === JSON.stringify([{ command: name }]));

describe.concurrent('every platform', () => {
  it.for(['linux', 'darwin', 'win32'] as const)('%s: the window, session and IPC are locked down as window-policy.ts says', async (platform, { onTestFinished }) => {
    const main = await launch(onTestFinished, { platform });
    const window = await main.waitFor('BrowserWindow');
    expect((window.options as { webPreferences: unknown }).webPreferences).toEqual({ ...WEB_PREFERENCES, preload: resolve('out/preload/index.cjs') });
    await main.waitFor('window.loadURL');
    for (const call of ['app.enableSandbox', 'session.setPermissionRequestHandler', 'session.setPermissionCheckHandler', 'session.setDevicePermissionHandler']) {
      expect(main.all(call), call).toHaveLength(1);
    }
    expect(await main.waitFor('protocol.handle')).toMatchObject({ scheme: 'app', privileged: true });
    expect(((await main.send({ op: 'channels' })) as string[]).sort()).toEqual([...channelNames].sort());
    expect(await main.send({ op: 'invoke', channel: 'app.status', frameUrl: 'https://evil.example/' })).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await main.send({ op: 'invoke', channel: 'app.status' })).toMatchObject({ ok: true, value: { platform } });
  });
});

describe.concurrent('macOS', () => {
  it('after the window is closed, a keyfleet:// link and the dock icon each open a new window', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'darwin' });
    const first = (await main.waitFor('BrowserWindow')).window;
    await main.send({ op: 'window', action: 'close' });
    // macOS apps keep running without a window.
    expect(await main.exitCode(200)).toBeNull();

    await main.send({ op: 'app-event', event: 'open-url', url: 'keyfleet://add-connection' });
    const second = (await main.waitFor('BrowserWindow', (r) => r.window !== first)).window;
    await command(main, second, 'add-connection');

    await main.send({ op: 'window', action: 'close' });
    await main.send({ op: 'app-event', event: 'activate' });
    await main.waitFor('BrowserWindow', (r) => r.window !== first && r.window !== second);
    expect(main.all('uncaughtException')).toEqual([]);
    expect(main.all('destroyed-object-call')).toEqual([]);

    await main.send({ op: 'quit' });
    expect(await main.exitCode(), main.stderr()).toBe(0);
  });

  it('a link that launches the app (open-url before ready) keeps its command', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'darwin', autoReady: false });
    await main.send({ op: 'app-event', event: 'open-url', url: 'keyfleet://lock-vault' });
    await main.send({ op: 'ready' });
    const window = (await main.waitFor('BrowserWindow')).window;
    await command(main, window, 'lock-vault');
    expect(main.all('uncaughtException')).toEqual([]);
  });

  it('the screen lock locks the vault', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'darwin' });
    const window = (await main.waitFor('BrowserWindow')).window;
    await main.waitFor('window.loadURL');
    await main.send({ op: 'power', event: 'lock-screen' });
    const locked = await main.waitFor('webContents.send', sentTo(window, 'event:vault.locked'));
    expect(locked.args).toEqual([{ reason: 'os' }]);
  });
});

describe.concurrent('Windows', () => {
  it('sets the AppUserModelID to the app id, registers the dev run with its app path, and clears a copied secret when the session ends', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'win32' });
    expect(await main.waitFor('app.setAppUserModelId')).toMatchObject({ id: builder.appId });
    expect(main.all('app.setAsDefaultProtocolClient').map((r) => r.args)).toEqual([['keyfleet', process.execPath, [APP_DIR]]]);
    await main.waitFor('window.loadURL');

    const copied = (await main.send({ op: 'invoke', channel: 'clipboard.writeSecret', input: { text: 'sk-session-end-0123456789' } })) as { ok: boolean };
    expect(copied.ok).toBe(true);
    expect(await main.send({ op: 'clipboard' })).toBe('sk-session-end-0123456789');
    // What the clipboard holds once the session-end handler has run: the process ends right after.
    expect(await main.send({ op: 'window', action: 'session-end' })).toBe('');
  });

  it('a packaged app registers itself as the keyfleet:// handler', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'win32', packaged: true });
    await main.waitFor('window.loadURL');
    expect(main.all('app.setAsDefaultProtocolClient').map((r) => r.args)).toEqual([['keyfleet']]);
  });

  it('the screen lock locks the vault', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'win32' });
    const window = (await main.waitFor('BrowserWindow')).window;
    await main.waitFor('window.loadURL');
    await main.send({ op: 'power', event: 'lock-screen' });
    expect((await main.waitFor('webContents.send', sentTo(window, 'event:vault.locked'))).args).toEqual([{ reason: 'os' }]);
  });
});

describe.concurrent('Linux', () => {
  it('has no lock-screen event: the vault locks when getSystemIdleState reports "locked"', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'linux' });
    const window = (await main.waitFor('BrowserWindow')).window;
    await main.waitFor('powerMonitor.getSystemIdleState', undefined, POLLS);
    expect(main.all('webContents.send').filter(sentTo(window, 'event:vault.locked'))).toEqual([]);
    await main.send({ op: 'idle', state: 'locked' });
    const locked = await main.waitFor('webContents.send', sentTo(window, 'event:vault.locked'), POLLS);
    expect(locked.args).toEqual([{ reason: 'os' }]);
  });

  it('a development run registers no keyfleet:// handler; a second launch hands over its link; closing the window quits', async ({ onTestFinished }) => {
    const main = await launch(onTestFinished, { platform: 'linux' });
    const window = (await main.waitFor('BrowserWindow')).window;
    await main.waitFor('window.loadURL');
    expect(main.all('app.setAsDefaultProtocolClient')).toEqual([]);
    expect(main.all('app.setAppUserModelId')).toEqual([]);

    await main.send({ op: 'app-event', event: 'second-instance', argv: [process.execPath, APP_DIR, 'keyfleet://add-connection'] });
    await command(main, window, 'add-connection');
    await main.waitFor('window.focus', (r) => r.window === window);

    await main.send({ op: 'window', action: 'close' });
    expect(await main.exitCode(), main.stderr()).toBe(0);
    expect(main.all('uncaughtException')).toEqual([]);
  });
});
