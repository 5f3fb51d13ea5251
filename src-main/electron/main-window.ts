// The main window, and the one place that knows whether it exists: created at start, and again
// on macOS when a keyfleet:// link or the dock asks for Keyfleet after the window was closed (the
// app keeps running there). A destroyed window is never touched: Electron throws "Object has been
// destroyed" for any call on it. Commands wait until the page has loaded, so a link that launched
// the app is carried out once the renderer can receive it.
import { BrowserWindow, screen } from 'electron';
import { MIN_SIZE, readWindowState, restoreWindowState, writeWindowState } from '../window-state.ts';
import { windowWebPreferences } from '../window-policy.ts';

export interface MainWindowOptions {
  /** What the window shows: the app:// page, or the dev server in development. */
  url: string;
  preload: string;
  /** Where the window's bounds are remembered; undefined in a review, which writes nothing. */
  stateDir: string | undefined;
  /** Called for each new window (to attach per-window events). */
  onCreated(window: BrowserWindow): void;
}

export type MainWindow = ReturnType<typeof createMainWindow>;

export function createMainWindow(options: MainWindowOptions) {
  let window: BrowserWindow | undefined;
  let loaded = false;
  let waiting: Array<() => void> = [];

  const current = () => (window && !window.isDestroyed() ? window : undefined);

  function create(): BrowserWindow {
    // Where the window was last time, if that is still on one of today's displays.
    const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
    const state = restoreWindowState(options.stateDir ? readWindowState(options.stateDir) : undefined, workAreas);
    const created = new BrowserWindow({
      ...state.bounds,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      title: 'Keyfleet',
      show: false,
      backgroundColor: '#f7f8fa',
      webPreferences: windowWebPreferences(options.preload),
    });
    window = created;
    loaded = false;
    if (state.maximized) created.maximize();
    created.once('ready-to-show', () => created.show());
    const { stateDir } = options;
    if (stateDir) created.on('close', () => writeWindowState(stateDir, { bounds: created.getNormalBounds(), maximized: created.isMaximized() }));
    created.on('closed', () => {
      if (window === created) {
        window = undefined;
        loaded = false;
      }
    });
    created.webContents.on('did-finish-load', () => {
      if (window !== created) return;
      loaded = true;
      const run = waiting;
      waiting = [];
      for (const fn of run) fn();
    });
    options.onCreated(created);
    void created.loadURL(options.url);
    return created;
  }

  return {
    /** The webContents allowed to call the core (the sender check), while there is a window. */
    contents: () => current()?.webContents,
    /** The window, while there is one (to attach OS dialogs to). */
    current,
    exists: () => current() !== undefined,
    /** Brings the window forward, or opens a new one when there is none. */
    show(): void {
      const open = current();
      if (!open) {
        create();
        return;
      }
      if (open.isMinimized()) open.restore();
      open.show();
      open.focus();
    },
    /** An event for the page; dropped while there is no window (the page reads fresh state when it opens). */
    send(channel: string, payload: unknown): void {
      current()?.webContents.send(channel, payload);
    },
    /** Runs `fn` once the page has loaded: now if it has, else when the current or next window finishes loading. */
    whenLoaded(fn: () => void): void {
      if (current() && loaded) fn();
      else waiting.push(fn);
    },
  };
}
