// Electron glue, and the only file in src-main that imports 'electron': app lifecycle, the
// window, the app:// protocol, and wiring the hardening policy (src-main/window-policy.ts, which
// has no electron import and is tested under Node in test/security/hardening.test.ts) into
// Electron: webPreferences, the IPC sender check on every contract channel, session permissions,
// navigation and window-open denial.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  ClipboardItem,
  ipcMain,
  Notification,
  powerMonitor,
  protocol,
  session,
  shell,
  systemPreferences,
} from 'electron';
import { eventNames } from '../src-preload/contract.ts';
import { createCore, type Core } from './core.ts';
import type { ClipboardPort } from './services/clipboard.ts';
import { createRendererHandler } from './web-policy.ts';
import { bindChannels, createSenderCheck, createWindowOpenHandler, hardenContents, hardenSession, windowWebPreferences } from './window-policy.ts';

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, '../renderer');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const APP_ORIGIN = 'app://keyfleet';

// A separate data dir for tests and for running two profiles side by side.
if (process.env.KEYFLEET_DATA_DIR) app.setPath('userData', process.env.KEYFLEET_DATA_DIR);

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
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'Keyfleet',
    show: false,
    backgroundColor: '#f7f8fa',
    webPreferences: windowWebPreferences(join(here, '../preload/index.cjs')),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return window;
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
  instance.events.on('notify', ({ title, body }) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
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

async function start(): Promise<void> {
  await app.whenReady();
  harden();
  protocol.handle('app', createRendererHandler(rendererRoot));
  // `--review=<dir>` opens a copy of a data dir read-only (an auditor's, another machine's).
  const reviewDir = process.argv.find((arg) => arg.startsWith('--review='))?.slice('--review='.length);
  core = reviewDir
    ? createCore({ dataDir: reviewDir, review: true, clipboard: systemClipboard, version: app.getVersion() })
    : createCore({ dataDir: app.getPath('userData'), clipboard: systemClipboard, version: app.getVersion(), authenticate: osAuthentication });
  // The vault locks with the screen, and before the machine sleeps.
  powerMonitor.on('lock-screen', () => void core?.lock('os'));
  powerMonitor.on('suspend', () => void core?.lock('os'));
  bindCore(core);
  mainWindow = createWindow();
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

void start();
