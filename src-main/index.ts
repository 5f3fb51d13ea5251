// Electron glue: the app's lifecycle, wiring the core and the hardening policy into Electron.
// Only this file and src-main/electron/ import 'electron' (ESLint enforces it); what can be decided
// without Electron lives beside the core and is tested under Node (launch.ts, start-failure.ts,
// window-policy.ts, deep-link.ts, app-menu.ts, window-state.ts). The built bundle itself is loaded
// under a stand-in electron module by test/glue/, per platform.
//
// A start either shows the window or shows an error dialog and exits: it never leaves a process
// without a window holding the single-instance lock, which would make every later launch quit.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, Menu, Notification, powerMonitor, protocol, session, shell, systemPreferences } from 'electron';
import { eventNames } from '../src-preload/contract.ts';
import { createCore, type Core } from './core.ts';
import { dataDirFor } from './data-dir.ts';
import { deepLinkInArgs, parseDeepLink, type DeepLink } from './deep-link.ts';
import { osFilePicker } from './electron/file-picker.ts';
import { createMainWindow } from './electron/main-window.ts';
import { buildMenu } from './electron/menu.ts';
import { watchOsLock } from './electron/os-lock.ts';
import { registerProtocolClient } from './electron/protocol-client.ts';
import { systemClipboard } from './electron/system-clipboard.ts';
import { createReviewProfile, prepareDataDir, readLaunch, type Launch } from './launch.ts';
import { osNotificationText } from './notification-text.ts';
import { describeStartFailure } from './start-failure.ts';
import { createRendererHandler } from './web-policy.ts';
import { bindChannels, createSenderCheck, createWindowOpenHandler, hardenContents, hardenSession } from './window-policy.ts';

/** electron-builder's appId: Windows shows notifications only for a known AppUserModelID. */
const APP_ID = 'dev.keyfleet.app';
const APP_ORIGIN = 'app://keyfleet';
const here = dirname(fileURLToPath(import.meta.url));
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

// Where this launch keeps its data, settled before Electron is ready (userData also decides the
// single-instance lock). Whatever fails here is reported in the error dialog.
let launch: Launch = { reviewDir: undefined };
let dataDir: string | undefined;
let setupError: unknown;
let reviewProfile: string | undefined;
try {
  launch = readLaunch(process.argv, process.cwd());
  if (launch.reviewDir) {
    // A review runs beside the user's own Keyfleet with a throwaway browser profile, writing
    // nothing into either data dir.
    dataDir = launch.reviewDir;
    reviewProfile = createReviewProfile(app.getPath('temp'));
    app.setPath('sessionData', reviewProfile);
  } else {
    // KEYFLEET_DATA_DIR (tests, two profiles side by side), else userData for the app's name: the
    // same function the command line uses, so the app and scripts open one data dir.
    const where = { platform: process.platform, env: process.env, home: app.getPath('home'), cwd: process.cwd(), appData: app.getPath('appData'), userData: app.getPath('userData'), move: true };
    dataDir = dataDirFor(app.getName(), where);
    prepareDataDir(dataDir);
    if (dataDir !== app.getPath('userData')) app.setPath('userData', dataDir);
  }
} catch (error) {
  setupError = error;
}
const review = launch.reviewDir !== undefined;

// Every renderer is sandboxed, whatever a window's own webPreferences say.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let core: Core | undefined;
const windows = createMainWindow({
  url: devServerUrl ?? `${APP_ORIGIN}/index.html`,
  preload: join(here, '../preload/index.cjs'),
  stateDir: review ? undefined : dataDir,
  // Windows ends the session without 'before-quit' (docs/api/app.md): clear a copied secret now.
  onCreated: (window) => window.on('session-end', () => void core?.clearClipboard()),
});
const isTrustedSender = createSenderCheck({ appOrigin: APP_ORIGIN, devServerUrl, trustedContents: windows.contents });

/** A keyfleet:// link: the window comes forward (a new one if there is none) and its command runs once the page is there. */
function follow(link: DeepLink | undefined): void {
  if (!link) return;
  const { command } = link;
  if (command) windows.whenLoaded(() => core?.events.emit('app.command', { command }));
  // Before the core exists the start opens the window.
  if (core) windows.show();
}

let failed = false;
/** Says what failed and what to do, then exits. */
function fail(error: unknown): void {
  if (failed) return;
  failed = true;
  // A later launch must start (and say what is wrong) instead of handing its arguments to this one.
  if (app.hasSingleInstanceLock()) app.releaseSingleInstanceLock();
  console.error('Keyfleet could not start:', error);
  // After 'ready', so Linux shows a dialog rather than a line on stderr (docs/api/dialog.md).
  void app.whenReady().then(async () => {
    const { title, content } = describeStartFailure(error, { dataDir, review });
    dialog.showErrorBox(title, content);
    await core?.close().catch(() => undefined);
    app.exit(1);
  });
}

function harden(): void {
  hardenSession(session.defaultSession);
  // One handler for the whole app, so its rate limit on external opens is app-wide.
  const windowOpen = createWindowOpenHandler((url) => shell.openExternal(url));
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, windowOpen));
}

function bindCore(instance: Core): void {
  bindChannels(ipcMain, (channel, input) => instance.dispatch(channel, input), isTrustedSender);
  for (const name of eventNames) instance.events.on(name, (payload) => windows.send(`event:${name}`, payload));
  instance.events.on('notify', (note) => {
    if (Notification.isSupported()) new Notification(osNotificationText(note)).show();
  });
}

/** Touch ID where the Mac has it; elsewhere unlocking the vault is a confirmation in the app. */
function osAuthentication(): ((reason: string) => Promise<boolean>) | undefined {
  if (process.platform !== 'darwin' || !systemPreferences.canPromptTouchID()) return undefined;
  return (reason) =>
    systemPreferences.promptTouchID(reason).then(
      () => true,
      () => false,
    );
}

async function start(): Promise<void> {
  await app.whenReady();
  harden();
  protocol.handle('app', createRendererHandler(join(here, '../renderer')));
  const development = !app.isPackaged;
  core = createCore({
    dataDir: dataDir!,
    review,
    clipboard: systemClipboard(process.platform),
    version: app.getVersion(),
    development,
    authenticate: review ? undefined : osAuthentication(),
    files: review ? undefined : osFilePicker(windows.current),
  });
  const instance = core;
  Menu.setApplicationMenu(buildMenu({ productName: app.getName(), development, run: (command) => instance.events.emit('app.command', { command }) }));
  bindCore(instance);
  watchOsLock(process.platform, () => void instance.lock('os'));
  // Linux and macOS announce a shutdown; a copied secret does not outlive the session.
  powerMonitor.on('shutdown', () => void instance.clearClipboard());
  windows.show();
  // Launched by a keyfleet:// link on Windows and Linux: the link is an argument.
  follow(deepLinkInArgs(process.argv));
}

function run(): void {
  registerProtocolClient();
  // A second launch of the same data dir: its link, or just the window brought forward.
  app.on('second-instance', (_event, argv) => follow(deepLinkInArgs(argv) ?? { command: null }));
  // macOS delivers links as events, possibly before 'ready' when a link launched the app.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    follow(parseDeepLink(url));
  });
  // macOS: the dock icon after the window was closed.
  app.on('activate', () => {
    if (core && !windows.exists()) windows.show();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !core) return;
    quitting = true;
    event.preventDefault();
    void core.close().finally(() => app.quit());
  });
  start().catch(fail);
}

if (reviewProfile) {
  const profile = reviewProfile;
  app.on('quit', () => rmSync(profile, { recursive: true, force: true }));
}

if (setupError !== undefined) fail(setupError);
// One Keyfleet per data dir: a second launch hands its arguments to the first and quits.
else if (!review && !app.requestSingleInstanceLock()) app.quit();
else run();
