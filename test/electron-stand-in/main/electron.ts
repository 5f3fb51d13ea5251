// A stand-in for the 'electron' module of Electron 45's main process, loaded in place of the real
// one (test/glue/child.ts resolves 'electron' here) under the built out/main/index.js. Each part
// records what the main bundle asks of it and behaves as Electron documents; a behaviour Electron
// has only on some platforms exists only there. Sources, beyond app.ts and browser-window.ts:
//   [ipc]       lib/browser/ipc-main-impl.ts ("Attempted to register a second handler")
//   [protocol]  docs/api/protocol.md; shell/browser/api/electron_api_protocol.cc
//               ("registerSchemesAsPrivileged should be called before app is ready")
//   [session]   shell/browser/api/electron_api_session.cc ("Session can only be received when app is ready")
//   [dialog]    docs/api/dialog.md, showErrorBox: before 'ready' on Linux only a line on stderr
//   [power]     docs/api/power-monitor.md: 'lock-screen' macOS/Windows, 'shutdown' Linux/macOS;
//               getSystemIdleState's 'locked' only where supported
//   [clipboard] docs/api/clipboard.md, clipboard-item.md
//   [notify]    shell/browser/api/electron_api_notification.cc ("Cannot create Notification before app is ready")
//   [prefs]     docs/api/system-preferences.md: canPromptTouchID and promptTouchID are macOS only
import { EventEmitter } from 'node:events';
import { app, electronEvent } from './app.ts';
import { StandInWindow } from './browser-window.ts';
import { record, scenario } from './scenario.ts';

export { app } from './app.ts';
export const BrowserWindow = StandInWindow;

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
export const ipcMain = {
  handle(channel: string, listener: (event: unknown, ...args: unknown[]) => unknown) {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, listener);
  },
  removeHandler(channel: string) {
    handlers.delete(channel);
  },
};
/** What an IPC invoke from a window's page runs: the handler, with that window as sender; arguments are structured-cloned. */
async function invokeFromPage(window: StandInWindow, channel: string, input: unknown, frameUrl?: string): Promise<unknown> {
  const handler = handlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  // `frameUrl`: the window navigated elsewhere (a page that is not Keyfleet's calls).
  const senderFrame = frameUrl ? { url: frameUrl, parent: null } : window.webContents.mainFrame;
  const event = { sender: window.webContents, senderFrame, processId: 1, frameId: 1 };
  return structuredClone(await handler(event, structuredClone(input)));
}

let privilegedSchemes: unknown;
export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown) {
    if (app.isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    privilegedSchemes = schemes;
    record('protocol.registerSchemesAsPrivileged', { schemes });
  },
  handle(scheme: string, handler: unknown) {
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    record('protocol.handle', { scheme, privileged: privilegedSchemes !== undefined });
  },
};

const defaultSession = {
  setPermissionRequestHandler: () => record('session.setPermissionRequestHandler'),
  setPermissionCheckHandler: () => record('session.setPermissionCheckHandler'),
  setDevicePermissionHandler: () => record('session.setDevicePermissionHandler'),
};
export const session = {
  get defaultSession() {
    if (!app.isReady()) throw new TypeError('Session can only be received when app is ready');
    return defaultSession;
  },
};

const display = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, scaleFactor: 1 };
export const screen = {
  getPrimaryDisplay: () => display,
  getAllDisplays: () => [display],
};

export const dialog = {
  showErrorBox(title: string, content: string) {
    // [dialog] Before 'ready' on Linux no dialog appears, only a line on stderr.
    record('dialog.showErrorBox', { title, content, shown: app.isReady() || scenario.platform !== 'linux' });
  },
};

export const Menu = {
  buildFromTemplate: (template: unknown[]) => ({ items: template }),
  setApplicationMenu(menu: { items: Array<{ label?: string; submenu?: Array<{ label?: string; role?: string }> }> } | null) {
    record('Menu.setApplicationMenu', { labels: menu?.items.map((item) => item.label ?? null) ?? [] });
  },
};

export class Notification {
  static isSupported() {
    return true;
  }
  readonly options: { title: string; body: string };
  constructor(options: { title: string; body: string }) {
    if (!app.isReady()) throw new Error('Cannot create Notification before app is ready');
    this.options = options;
  }
  show() {
    record('notification', this.options);
  }
}

class StandInPowerMonitor extends EventEmitter {
  idleState = scenario.idleState;
  getSystemIdleState(threshold: number) {
    record('powerMonitor.getSystemIdleState', { threshold });
    return this.idleState;
  }
  /** Refuses a system event the platform does not have: asking for one is a mistake in the test. */
  assertEmitted(name: string) {
    const only: Record<string, string[]> = { 'lock-screen': ['darwin', 'win32'], 'unlock-screen': ['darwin', 'win32'], shutdown: ['linux', 'darwin'] };
    if (only[name] && !only[name].includes(scenario.platform)) throw new Error(`powerMonitor '${name}' is not emitted on ${scenario.platform}`);
  }
  fire(name: string) {
    this.emit(name, electronEvent());
  }
}
export const powerMonitor = new StandInPowerMonitor();

let clipboardText = '';
export class ClipboardItem {
  readonly items: Record<string, unknown>;
  constructor(items: Record<string, unknown>) {
    this.items = items;
  }
}
export const clipboard = {
  readText: () => clipboardText,
  writeText(text: string) {
    clipboardText = text;
    record('clipboard.writeText', { length: text.length });
  },
  async write(items: ClipboardItem[]) {
    const text = items[0]?.items['text/plain'];
    clipboardText = typeof text === 'string' ? text : '';
    record('clipboard.write', { formats: items.flatMap((item) => Object.keys(item.items)) });
    return Promise.resolve();
  },
  clear() {
    clipboardText = '';
  },
};

export const shell = {
  openExternal: (url: string) => {
    record('shell.openExternal', { url });
    return Promise.resolve();
  },
};

export const systemPreferences =
  scenario.platform === 'darwin'
    ? { canPromptTouchID: () => false, promptTouchID: () => Promise.reject(new Error('No Touch ID in the stand-in')) }
    : {};

/** Not part of Electron: how the test's child process drives and reads the stand-in. */
export const standIn = { clipboardText: () => clipboardText, invokeFromPage, channels: () => [...handlers.keys()] };
