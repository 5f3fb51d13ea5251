// The stand-in BrowserWindow and its webContents. Sources:
//   [bw]    docs/api/browser-window.md: 'close' (preventable), 'closed', 'ready-to-show',
//           'session-end' (Windows only); shell/browser/api/electron_api_browser_window.cc
//           ("Cannot create BrowserWindow before app is ready")
//   [wc]    docs/api/web-contents.md: 'did-finish-load' after loadURL; send() structured-clones
//   [app]   docs/api/app.md: 'web-contents-created', 'browser-window-created'
//   [gin]   shell/common/gin_helper/function_template.h: any call on a destroyed object throws
//           TypeError "Object has been destroyed"
import { EventEmitter } from 'node:events';
import { app, electronEvent, windowList } from './app.ts';
import { record } from './scenario.ts';

let nextId = 1;
const windows: StandInWindow[] = [];

function destroyedGuard<T extends EventEmitter>(target: T, isDestroyed: () => boolean, keep: string[]): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver) as unknown;
      if (typeof value !== 'function' || typeof key !== 'string' || keep.includes(key) || key in EventEmitter.prototype) return value;
      return (...args: unknown[]) => {
        if (isDestroyed()) {
          record('destroyed-object-call', { method: key });
          throw new TypeError('Object has been destroyed');
        }
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

class StandInWebContents extends EventEmitter {
  readonly id = nextId++;
  url = '';
  destroyed = false;
  windowOpenHandler: unknown;

  isDestroyed() {
    return this.destroyed;
  }
  /** [wc] What reaches the page is a structured clone. */
  send(channel: string, ...args: unknown[]) {
    record('webContents.send', { window: this.id, channel, args: structuredClone(args) });
  }
  setWindowOpenHandler(handler: unknown) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  /** The main frame, as an IPC event's senderFrame reports it. */
  get mainFrame() {
    return { url: this.url, parent: null };
  }
}

export class StandInWindow extends EventEmitter {
  readonly webContents: StandInWebContents;
  readonly id: number;
  private destroyedFlag = false;
  private visible = false;
  private minimized = false;
  private maximized = false;
  private bounds: { x: number; y: number; width: number; height: number };

  constructor(options: { x?: number; y?: number; width?: number; height?: number; show?: boolean; webPreferences?: unknown } = {}) {
    if (!app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    super();
    const contents = new StandInWebContents();
    this.webContents = destroyedGuard(contents, () => contents.destroyed, ['isDestroyed']);
    this.id = contents.id;
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    this.visible = options.show !== false;
    const guarded = destroyedGuard(this, () => this.destroyedFlag, ['isDestroyed']);
    windows.push(guarded);
    record('BrowserWindow', { window: this.id, options: JSON.parse(JSON.stringify(options)) as unknown });
    app.emit('web-contents-created', electronEvent(), this.webContents);
    app.emit('browser-window-created', electronEvent(), guarded);
    return guarded;
  }

  static getAllWindows(): StandInWindow[] {
    return [...windows];
  }

  /** [wc] Loading ends in 'did-finish-load' on the contents, then 'ready-to-show' on the window. */
  loadURL(url: string): Promise<void> {
    record('window.loadURL', { window: this.id, url });
    this.webContents.url = url;
    return new Promise((resolve) => {
      setTimeout(() => {
        if (this.destroyedFlag) return resolve();
        this.webContents.emit('did-finish-load');
        this.emit('ready-to-show');
        resolve();
      }, 5);
    });
  }

  isDestroyed() {
    return this.destroyedFlag;
  }
  show() {
    this.visible = true;
    this.minimized = false;
    record('window.show', { window: this.id });
  }
  focus() {
    record('window.focus', { window: this.id });
  }
  isVisible() {
    return this.visible;
  }
  isMinimized() {
    return this.minimized;
  }
  minimize() {
    this.minimized = true;
  }
  restore() {
    this.minimized = false;
    record('window.restore', { window: this.id });
  }
  maximize() {
    this.maximized = true;
  }
  isMaximized() {
    return this.maximized;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  getBounds() {
    return { ...this.bounds };
  }

  /** [bw] 'close' may be prevented; otherwise the window is destroyed. */
  close() {
    const event = electronEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }

  /** [bw] Destroyed without 'close'; 'closed' follows, and the last window gone tells the app. */
  destroy() {
    if (this.destroyedFlag) return;
    this.destroyedFlag = true;
    this.webContents.destroyed = true;
    windows.splice(
      windows.findIndex((w) => w.id === this.id),
      1,
    );
    record('window.closed', { window: this.id });
    this.emit('closed');
    this.webContents.emit('destroyed');
    if (windows.length === 0) app.onAllWindowsClosed();
  }

  /** [bw] Windows only: the session ends (log-off, shutdown); nothing can stop it. */
  endSession() {
    this.emit('session-end', { reasons: ['logoff'] });
  }
}

windowList.count = () => windows.length;
windowList.closeAll = () => {
  for (const window of [...windows]) window.close();
};
windowList.destroyAll = () => {
  for (const window of [...windows]) window.destroy();
};
