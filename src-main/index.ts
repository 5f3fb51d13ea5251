// Electron glue, and the only file in src-main that imports 'electron': app lifecycle, the
// window and its hardening, the app:// protocol, and binding every contract channel to the
// core's dispatcher with a sender check.
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
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
  type IpcMainInvokeEvent,
} from 'electron';
import { channelNames, eventNames } from '../src-preload/contract.ts';
import { createCore, type Core } from './core.ts';
import type { ClipboardPort } from './services/clipboard.ts';
import { CONTENT_SECURITY_POLICY, contentType } from './web-policy.ts';

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, '../renderer');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const APP_ORIGIN = 'app://keyfleet';

// A separate data dir for tests and for running two profiles side by side.
if (process.env.KEYFLEET_DATA_DIR) app.setPath('userData', process.env.KEYFLEET_DATA_DIR);

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let core: Core | undefined;
let mainWindow: BrowserWindow | undefined;

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  const fromOurPage = url.startsWith(`${APP_ORIGIN}/`) || (devServerUrl !== undefined && url.startsWith(devServerUrl));
  return fromOurPage && mainWindow !== undefined && event.sender === mainWindow.webContents;
}

async function serveRenderer(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const file = normalize(join(rendererRoot, decodeURIComponent(pathname === '/' ? '/index.html' : pathname)));
  if (!file.startsWith(rendererRoot + sep)) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: { 'content-type': contentType(file), 'content-security-policy': CONTENT_SECURITY_POLICY },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'Keyfleet',
    show: false,
    backgroundColor: '#f7f8fa',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return window;
}

function harden(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Only https links the user clicked leave the app, and they open in the browser.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

function bindChannels(instance: Core): void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { kind: 'forbidden', message: 'Request from an unknown sender was refused.' } };
      }
      return instance.dispatch(channel, input);
    });
  }
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
  protocol.handle('app', serveRenderer);
  // `--review=<dir>` opens a copy of a data dir read-only (an auditor's, another machine's).
  const reviewDir = process.argv.find((arg) => arg.startsWith('--review='))?.slice('--review='.length);
  core = reviewDir
    ? createCore({ dataDir: reviewDir, review: true, clipboard: systemClipboard, version: app.getVersion() })
    : createCore({ dataDir: app.getPath('userData'), clipboard: systemClipboard, version: app.getVersion(), authenticate: osAuthentication });
  // The vault locks with the screen, and before the machine sleeps.
  powerMonitor.on('lock-screen', () => void core?.lock('os'));
  powerMonitor.on('suspend', () => void core?.lock('os'));
  bindChannels(core);
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
