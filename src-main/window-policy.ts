// The desktop window's hardening policy, kept free of any 'electron' import so it runs (and is
// tested) under plain Node: src-main/index.ts passes Electron's objects in. Everything here
// denies by default; the glue only wires it up.
//
//   - WEB_PREFERENCES: the renderer is sandboxed, isolated and has no Node.
//   - createSenderCheck: an IPC call is served only from our own page's main frame, in our window.
//   - bindChannels: every contract channel goes through that check before the core's dispatcher.
//   - hardenSession: every permission request, permission check and device request is refused.
//   - hardenContents: no navigation, redirect, webview or new window; https links the user
//     clicks open in the system browser (see createWindowOpenHandler for what that can and cannot
//     promise).
import { channelNames, type ChannelName, type Result } from '../src-preload/contract.ts';

// ---------------------------------------------------------------- window

/**
 * The main window's webPreferences (the preload path is added by windowWebPreferences). Every
 * security-relevant option is spelled out, even where it equals Electron's default, so a change
 * of default or an edit shows up here and in test/security/hardening.test.ts.
 */
export const WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  enableWebSQL: false,
  navigateOnDragDrop: false,
  plugins: false,
  spellcheck: false,
} as const);

export function windowWebPreferences(preload: string) {
  return { ...WEB_PREFERENCES, preload };
}

// ---------------------------------------------------------------- IPC sender check

/** The part of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  /** null for a top-level frame (Electron's WebFrameMain.parent). */
  readonly parent?: unknown;
}

/** The part of Electron's IpcMainInvokeEvent the sender check reads. */
export interface IpcEventLike {
  readonly sender: unknown;
  readonly senderFrame?: FrameLike | null;
}

export interface SenderCheckOptions {
  /** The app's own origin, e.g. "app://keyfleet". */
  appOrigin: string;
  /** The dev server's URL, only when running unpackaged under `electron-vite dev`. */
  devServerUrl?: string | undefined;
  /** The webContents of the one window allowed to call (undefined before it exists). */
  trustedContents: () => unknown;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * An IPC call is trusted only when all hold: it comes from our window's webContents, from its
 * top-level frame (no subframe, though the CSP allows none anyway), and that frame shows our own
 * page — app://keyfleet/…, or in development exactly the dev server's origin (compared as
 * origins, so http://localhost:5173.evil.test or :51730 are not the dev server). A frame URL with
 * credentials in it is never ours.
 */
export function createSenderCheck(options: SenderCheckOptions): (event: IpcEventLike) => boolean {
  const app = parseUrl(options.appOrigin);
  if (!app || app.pathname.replace(/^\/$/, '') !== '' || app.username || app.password) {
    throw new Error(`Not an origin: ${options.appOrigin}`);
  }
  const dev = options.devServerUrl ? parseUrl(options.devServerUrl) : undefined;
  const devOrigin = dev && (dev.protocol === 'http:' || dev.protocol === 'https:') ? dev.origin : undefined;

  const isOurPage = (frameUrl: string): boolean => {
    const url = parseUrl(frameUrl);
    if (!url || url.username || url.password) return false;
    if (url.protocol === app.protocol && url.host === app.host) return true;
    return devOrigin !== undefined && url.origin === devOrigin;
  };

  return (event) => {
    try {
      const trusted = options.trustedContents();
      if (trusted === undefined || trusted === null || event.sender !== trusted) return false;
      const frame = event.senderFrame;
      if (!frame || frame.parent != null) return false;
      return typeof frame.url === 'string' && isOurPage(frame.url);
    } catch {
      // A destroyed frame or window throws on access: not a caller we can vouch for.
      return false;
    }
  };
}

// ---------------------------------------------------------------- channel binding

/** The part of Electron's ipcMain that binding needs. */
export interface IpcLike {
  handle(channel: string, listener: (event: IpcEventLike, input: unknown) => unknown): void;
}

export type DispatchLike = (channel: ChannelName, input: unknown) => Promise<Result<unknown>>;

export function forbiddenResult(): Result<never> {
  return { ok: false, error: { kind: 'forbidden', message: 'Request from an unknown sender was refused.' } };
}

/**
 * Binds every contract channel to the dispatcher behind the sender check: a refused call never
 * reaches the dispatcher, so not even input validation runs for it.
 */
export function bindChannels(
  ipc: IpcLike,
  dispatch: DispatchLike,
  isTrusted: (event: IpcEventLike) => boolean,
  channels: readonly ChannelName[] = channelNames,
): void {
  for (const channel of channels) {
    ipc.handle(channel, (event, input) => (isTrusted(event) ? dispatch(channel, input) : Promise.resolve(forbiddenResult())));
  }
}

// ---------------------------------------------------------------- session permissions

/** Every permission request (camera, notifications, clipboard-read, openExternal…) is refused. */
export function denyPermissionRequest(_contents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** Every synchronous permission check answers "not granted". */
export function denyPermissionCheck(): boolean {
  return false;
}

/** No HID, serial or USB device is ever handed to the page. */
export function denyDevicePermission(): boolean {
  return false;
}

/** The part of Electron's Session that hardenSession configures. */
export interface SessionLike {
  setPermissionRequestHandler(handler: typeof denyPermissionRequest): void;
  setPermissionCheckHandler(handler: typeof denyPermissionCheck): void;
  setDevicePermissionHandler(handler: typeof denyDevicePermission): void;
}

export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler(denyDevicePermission);
}

// ---------------------------------------------------------------- navigation and new windows

/** What Electron passes a window-open handler (HandlerDetails), as far as we read it. */
export interface WindowOpenDetails {
  url: string;
  frameName?: string;
  features?: string;
  disposition?: 'default' | 'foreground-tab' | 'background-tab' | 'new-window' | 'other';
  postBody?: unknown;
}

export const MAX_EXTERNAL_URL_LENGTH = 2048;
/** At most one external open per this many milliseconds. */
export const EXTERNAL_OPEN_INTERVAL_MS = 1000;

/**
 * The URL to hand to the OS browser, or undefined if it must not leave the app: https only (no
 * http, file:, javascript:, data:, blob:, mailto: or custom schemes — custom scheme handlers are
 * how openExternal turns into code execution), no user name or password in it, a host name, at
 * most MAX_EXTERNAL_URL_LENGTH characters, and no whitespace or control characters (which the URL
 * parser would silently drop, so the checked and the opened text could differ). The normalised
 * href is what is opened, so what was checked is what leaves.
 */
export function safeExternalUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL_LENGTH) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(raw)) return undefined;
  // The authority right after "https://": the parser would read https:///x or https:evil as a host.
  if (!/^https:\/\/[^/?#@:]/i.test(raw)) return undefined;
  const url = parseUrl(raw);
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.hostname === '') return undefined;
  return url.href.length > MAX_EXTERNAL_URL_LENGTH ? undefined : url.href;
}

/**
 * The window-open handler: never lets the renderer create a window. Design for external links:
 *
 * The renderer has no way to call shell.openExternal itself (no channel for it, no Node). The one
 * route out is a plain <a href="https://…" target="_blank" rel="noopener noreferrer"> that the
 * user clicks: Chromium turns that click into a window-open request, which lands here. We deny
 * the window and, if the URL passes safeExternalUrl, open it in the system browser.
 *
 * Electron does not tell this handler whether a user gesture caused the request, so "clicked" is
 * enforced as far as the main side can: only the dispositions a link click produces (a tab:
 * foreground-tab, or background-tab for a middle/ctrl-click) with no window.open() features
 * string and no form POST body; and at most one open per EXTERNAL_OPEN_INTERVAL_MS, so a
 * misbehaving page cannot flood the browser. A script that could already run in the renderer
 * (which the CSP's script-src 'self' is there to prevent) could still call window.open('https://…')
 * and reach the user's browser with one https page per second — which is what a clicked link can
 * do anyway. What it can never do is open a file, a local program or a custom-scheme handler.
 * (Deliberately not an IPC channel: a channel would give a compromised page the same reach with no
 * disposition to check, and the contract stays free of a "do something outside the app" call.)
 */
export function createWindowOpenHandler(openExternal: (url: string) => unknown, now: () => number = Date.now) {
  let lastOpen = Number.NEGATIVE_INFINITY;
  return (details: WindowOpenDetails): { action: 'deny' } => {
    const url = safeExternalUrl(details.url);
    const fromLinkClick =
      (details.disposition === 'foreground-tab' || details.disposition === 'background-tab') &&
      (details.features ?? '') === '' &&
      details.postBody == null;
    if (url !== undefined && fromLinkClick) {
      const at = now();
      if (at - lastOpen >= EXTERNAL_OPEN_INTERVAL_MS) {
        lastOpen = at;
        try {
          void Promise.resolve(openExternal(url)).catch(() => undefined);
        } catch {
          // The browser could not be started: nothing to do in the app.
        }
      }
    }
    return { action: 'deny' };
  };
}

/** The part of Electron's WebContents that hardenContents configures. */
export interface ContentsLike {
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void;
}

/** Navigation events that are always cancelled: the page never leaves app://keyfleet. */
export const BLOCKED_NAVIGATION_EVENTS = ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'] as const;

/**
 * Applied to every webContents the app creates: no renderer-initiated navigation of any frame
 * (loadURL from the main side does not emit these), no server redirect, no <webview>, and the
 * window-open handler above.
 */
export function hardenContents(contents: ContentsLike, windowOpen: (details: WindowOpenDetails) => { action: 'deny' }): void {
  const prevent = (event: { preventDefault(): void }) => event.preventDefault();
  for (const name of BLOCKED_NAVIGATION_EVENTS) contents.on(name, prevent);
  contents.setWindowOpenHandler(windowOpen);
}
