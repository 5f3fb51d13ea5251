// Electron glue, and the only file in src-main that imports 'electron': app lifecycle, the
// window, the app:// protocol, and wiring the hardening policy (src-main/window-policy.ts, which
// has no electron import and is tested under Node in test/security/hardening.test.ts) into
// Electron: webPreferences, the IPC sender check on every contract channel, session permissions,
// navigation and window-open denial.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  ClipboardItem,
  dialog,
  ipcMain,
  Menu,
  Notification,
  powerMonitor,
  protocol,
  screen,
  session,
  shell,
  systemPreferences,
  type MenuItemConstructorOptions,
} from 'electron';
import { eventNames } from '../src-preload/contract.ts';
import { createCore, type Core } from './core.ts';
import { dataDirFor } from './data-dir.ts';
import { appMenuTemplate, type MenuItem } from './app-menu.ts';
import { DEEP_LINK_SCHEME, deepLinkInArgs, parseDeepLink, type DeepLink } from './deep-link.ts';
import type { ClipboardPort } from './services/clipboard.ts';
import { osNotificationText } from './notification-text.ts';
import type { FilePicker } from './services/files.ts';
import { createRendererHandler } from './web-policy.ts';
import { bindChannels, createSenderCheck, createWindowOpenHandler, hardenContents, hardenSession, windowWebPreferences } from './window-policy.ts';
import { MIN_SIZE, readWindowState, restoreWindowState, writeWindowState } from './window-state.ts';

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, '../renderer');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const APP_ORIGIN = 'app://keyfleet';

// KEYFLEET_DATA_DIR (tests, two profiles side by side), else userData for the app's name: the same
// function the command line uses, so the app and scripts open one data dir.
app.setPath('userData', dataDirFor(app.getName()));

// `--review=<dir>` opens a copy of a data dir read-only (an auditor's, another machine's). A review
// runs beside the user's own Keyfleet, with a throwaway browser profile, writing nothing anywhere.
const reviewDir = process.argv.find((arg) => arg.startsWith('--review='))?.slice('--review='.length);
if (reviewDir) app.setPath('sessionData', mkdtempSync(join(tmpdir(), 'keyfleet-review-')));

// One Keyfleet per data dir: a second launch brings the first one's window forward and quits.
const primaryInstance = reviewDir !== undefined || app.requestSingleInstanceLock();
if (!primaryInstance) app.quit();
app.on('second-instance', (_event, argv) => followDeepLink(deepLinkInArgs(argv)));

// keyfleet:// links: only the exact forms src-main/deep-link.ts knows do anything.
if (primaryInstance && !reviewDir) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
app.on('open-url', (event, url) => {
  event.preventDefault();
  followDeepLink(parseDeepLink(url));
});

/** Brings the window forward and, for a known link, carries out its menu command. */
function followDeepLink(link: DeepLink | undefined): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
  if (link?.command) core?.events.emit('app.command', { command: link.command });
}

// Every renderer is sandboxed, whatever a window's own webPreferences say.
app.enableSandbox();

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let core: Core | undefined;
let mainWindow: BrowserWindow | undefined;

const isTrustedSender = createSenderCheck({
  appOrigin: APP_ORIGIN,
  devServerUrl,
  trustedContents: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : undefined),
});

function createWindow(): BrowserWindow {
  // Where the window was last time, if that is still on one of today's displays.
  const dataDir = reviewDir ? undefined : app.getPath('userData');
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const state = restoreWindowState(dataDir ? readWindowState(dataDir) : undefined, workAreas);
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Keyfleet',
    show: false,
    backgroundColor: '#f7f8fa',
    webPreferences: windowWebPreferences(join(here, '../preload/index.cjs')),
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  if (dataDir) window.on('close', () => writeWindowState(dataDir, { bounds: window.getNormalBounds(), maximized: window.isMaximized() }));
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return window;
}

/** The app menu: standard roles, and Keyfleet's commands sent to the renderer as events. */
function buildMenu(): Menu {
  const toElectron = (item: MenuItem): MenuItemConstructorOptions => {
    const { command, submenu, role, ...rest } = item;
    return {
      ...rest,
      ...(role ? { role: role as MenuItemConstructorOptions['role'] } : {}),
      ...(submenu ? { submenu: submenu.map(toElectron) } : {}),
      ...(command ? { click: () => core?.events.emit('app.command', { command }) } : {}),
    };
  };
  return Menu.buildFromTemplate(appMenuTemplate(process.platform, { productName: app.getName(), development: !app.isPackaged }).map(toElectron));
}

function harden(): void {
  hardenSession(session.defaultSession);
  // One handler for the whole app, so its rate limit on external opens is app-wide.
  const windowOpen = createWindowOpenHandler((url) => shell.openExternal(url));
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, windowOpen));
}

function bindCore(instance: Core): void {
  bindChannels(ipcMain, (channel, input) => instance.dispatch(channel, input), isTrustedSender);
  for (const name of eventNames) {
    instance.events.on(name, (payload) => mainWindow?.webContents.send(`event:${name}`, payload));
  }
  instance.events.on('notify', (note) => {
    if (Notification.isSupported()) new Notification(osNotificationText(note)).show();
  });
}

/**
 * Platform marks that keep a copied secret out of clipboard histories: macOS's concealed type
 * (honoured by clipboard managers), Windows' history and cloud-clipboard exclusions, and KDE's
 * password-manager hint (Klipper). Written as raw platform formats next to the text.
 */
function concealedFormats(): Record<string, string> {
  const raw = (format: string) => `electron application/osclipboard;format="${format}"`;
  if (process.platform === 'darwin') return { [raw('org.nspasteboard.ConcealedType')]: '' };
  if (process.platform === 'win32') {
    return { [raw('ExcludeClipboardContentFromMonitorProcessing')]: '', [raw('CanIncludeInClipboardHistory')]: '\0\0\0\0' };
  }
  return { 'x-kde-passwordManagerHint': 'secret' };
}

const systemClipboard: ClipboardPort = {
  readText: () => clipboard.readText(),
  writeText: (text) => clipboard.writeText(text),
  writeConcealed: (text) => clipboard.write([new ClipboardItem({ 'text/plain': text, ...concealedFormats() })]),
};

/** Touch ID where the Mac has it; elsewhere unlocking the vault is a confirmation in the app. */
const osAuthentication =
  process.platform === 'darwin' && systemPreferences.canPromptTouchID()
    ? (reason: string) =>
        systemPreferences.promptTouchID(reason).then(
          () => true,
          () => false,
        )
    : undefined;

/** The OS dialogs: where a vault backup or a .env export goes, which backup to restore. */
const osFilePicker: FilePicker = {
  async chooseSave({ title, defaultName, filters }) {
    const options = { title, defaultPath: join(app.getPath('documents'), defaultName), filters, properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
    const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
  async chooseOpen({ title, filters }) {
    const options = { title, filters: [...filters, { name: 'All files', extensions: ['*'] }], properties: ['openFile' as const] };
    const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
};

async function start(): Promise<void> {
  await app.whenReady();
  harden();
  protocol.handle('app', createRendererHandler(rendererRoot));
  Menu.setApplicationMenu(buildMenu());
  core = reviewDir
    ? createCore({ dataDir: reviewDir, review: true, clipboard: systemClipboard, version: app.getVersion() })
    : createCore({ dataDir: app.getPath('userData'), clipboard: systemClipboard, version: app.getVersion(), development: !app.isPackaged, authenticate: osAuthentication, files: osFilePicker });
  // The vault locks with the screen, and before the machine sleeps.
  powerMonitor.on('lock-screen', () => void core?.lock('os'));
  powerMonitor.on('suspend', () => void core?.lock('os'));
  bindCore(core);
  mainWindow = createWindow();
  // Launched by a keyfleet:// link (Windows, Linux): follow it once the page is there.
  const launchLink = deepLinkInArgs(process.argv);
  if (launchLink) mainWindow.webContents.once('did-finish-load', () => followDeepLink(launchLink));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
}

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

if (primaryInstance) void start();
