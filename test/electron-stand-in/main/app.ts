// The stand-in `app`: names and paths, the single-instance lock, and the lifecycle state machine
// (ready, quit, exit, window-all-closed) as Electron 45 runs it. Sources:
//   [app]      docs/api/app.md (events and methods used here)
//   [browser]  shell/browser/browser.cc: Quit, ExitWithCode, Shutdown, NotifyAndShutdown,
//              OnWindowAllClosed, DidFinishLaunching (creates the userData folder)
//   [api-app]  shell/browser/api/electron_api_app.cc: SetPath ("Path must be absolute"),
//              RequestSingleInstanceLock (false on any lock error), EnableSandbox, the Windows-only
//              setAppUserModelId
//   [init]     lib/browser/init.ts: the name from productName, else name; process.exit → app.exit;
//              'quit' → process 'exit'; a lone 'window-all-closed' listener quits; an uncaught
//              exception shows an error box and the process keeps running
//   [singleton] chrome/browser/process_singleton_posix.cc: the lock lives in the userData folder
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realExit, record, scenario } from './scenario.ts';

const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { name: string; productName?: string; version: string };

/** The lifecycle's hooks into windows, which live in browser-window.ts. */
export const windowList = {
  count: () => 0,
  /** Asks every window to close (each may refuse); the last one closing calls onAllClosed. */
  closeAll: () => undefined as void,
  /** Destroys every window without asking. */
  destroyAll: () => undefined as void,
};

/** An Electron event object: preventDefault() and defaultPrevented. */
export function electronEvent() {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

const PATH_NAMES = ['home', 'appData', 'userData', 'sessionData', 'temp', 'exe', 'module', 'desktop', 'documents', 'downloads', 'music', 'pictures', 'videos', 'logs', 'crashDumps'];

class StandInApp extends EventEmitter {
  readonly isPackaged = scenario.packaged;
  name = `${packageJson.productName ?? packageJson.name}`.trim();
  #ready = false;
  #readyPromise: Promise<void>;
  #resolveReady: () => void = () => undefined;
  #quitting = false;
  #exiting = false;
  #shutdown = false;
  #lockFile: string | undefined;
  #paths = new Map<string, string>();

  constructor() {
    super();
    this.#readyPromise = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  getName() {
    return this.name;
  }
  getVersion() {
    return packageJson.version;
  }
  getAppPath() {
    return fileURLToPath(new URL('../../../', import.meta.url));
  }
  isReady() {
    return this.#ready;
  }
  whenReady() {
    return this.#readyPromise;
  }

  /** [app] userData defaults to appData/<name>; sessionData to userData. */
  getPath(name: string): string {
    const set = this.#paths.get(name);
    if (set) return set;
    switch (name) {
      case 'appData':
        return scenario.appData;
      case 'userData':
        return join(scenario.appData, this.name);
      case 'sessionData':
        return this.getPath('userData');
      case 'temp':
        return scenario.temp;
      case 'home':
        return join(scenario.appData, '..');
      case 'exe':
      case 'module':
        return process.execPath;
      default:
        if (PATH_NAMES.includes(name)) return join(scenario.appData, '..', name);
        throw new Error(`Failed to get '${name}' path`);
    }
  }

  /** [api-app] SetPath: an absolute path only; the docs' "a directory that does not exist throws" is not what the source does. */
  setPath(name: string, path: string): void {
    record('app.setPath', { name, path });
    if (!isAbsolute(path)) throw new Error('Path must be absolute');
    if (!PATH_NAMES.includes(name)) throw new Error('Failed to set path');
    this.#paths.set(name, path);
  }

  /** [api-app][singleton] The lock is a file in userData; any failure to take it answers false. */
  requestSingleInstanceLock(): boolean {
    if (this.#lockFile) return true;
    const dir = this.getPath('userData');
    const file = join(dir, 'SingletonLock');
    try {
      mkdirSync(dir, { recursive: true });
      if (existsSync(file)) {
        const owner = Number(readFileSync(file, 'utf8'));
        if (isAlive(owner)) {
          record('app.requestSingleInstanceLock', { granted: false, heldBy: owner });
          return false;
        }
      }
      writeFileSync(file, String(process.pid));
    } catch (error) {
      record('app.requestSingleInstanceLock', { granted: false, error: String(error) });
      return false;
    }
    this.#lockFile = file;
    record('app.requestSingleInstanceLock', { granted: true, file });
    return true;
  }
  hasSingleInstanceLock() {
    return this.#lockFile !== undefined;
  }
  releaseSingleInstanceLock() {
    record('app.releaseSingleInstanceLock');
    if (this.#lockFile) rmSync(this.#lockFile, { force: true });
    this.#lockFile = undefined;
  }

  enableSandbox() {
    if (this.#ready) throw new Error('app.enableSandbox() can only be called before app is ready');
    record('app.enableSandbox');
  }
  setAsDefaultProtocolClient(protocol: string, ...rest: unknown[]) {
    record('app.setAsDefaultProtocolClient', { args: [protocol, ...rest] });
    // [app] macOS registers only schemes in the app's Info.plist: a development run's Electron.app has none.
    return scenario.platform !== 'darwin' || scenario.packaged;
  }
  focus() {
    record('app.focus');
  }

  /** [browser] DidFinishLaunching: creates userData, resolves whenReady, emits 'ready'. */
  becomeReady() {
    if (this.#ready) return;
    this.emit('will-finish-launching');
    mkdirSync(this.getPath('userData'), { recursive: true });
    this.#ready = true;
    this.#resolveReady();
    this.emit('ready', electronEvent(), {});
  }

  /** [browser] Quit: 'before-quit' (preventable), then close every window, then 'will-quit'. */
  quit() {
    record('app.quit');
    if (this.#quitting) return;
    const event = electronEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.#quitting = true;
    if (windowList.count() === 0) this.#notifyAndShutdown();
    else windowList.closeAll();
  }

  /** [browser] ExitWithCode: before the message loop runs it exits at once; after, windows are destroyed without asking and no 'before-quit' or 'will-quit' is emitted. */
  exit(code = 0) {
    record('app.exit', { code });
    this.exitCode = code;
    if (!this.#ready) realExit(code);
    this.#quitting = true;
    this.#exiting = true;
    if (windowList.count() === 0) this.#shutdownNow();
    else windowList.destroyAll();
  }
  exitCode = 0;

  /** [browser] OnWindowAllClosed. */
  onAllWindowsClosed() {
    if (this.#exiting) this.#shutdownNow();
    else if (this.#quitting) this.#notifyAndShutdown();
    else this.emit('window-all-closed');
  }

  #notifyAndShutdown() {
    if (this.#shutdown) return;
    const event = electronEvent();
    this.emit('will-quit', event);
    if (event.defaultPrevented) {
      this.#quitting = false;
      return;
    }
    this.#shutdownNow();
  }

  /** [browser] Shutdown: 'quit', then the message loop ends and the process exits (the lock goes with it). */
  #shutdownNow() {
    if (this.#shutdown) return;
    this.#shutdown = true;
    this.emit('quit', electronEvent(), this.exitCode);
    if (this.#lockFile) rmSync(this.#lockFile, { force: true });
    setImmediate(() => realExit(this.exitCode));
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const standInApp = new StandInApp();

// [api-app] Windows-only methods exist only on Windows.
if (scenario.platform === 'win32') {
  Object.assign(standInApp, {
    setAppUserModelId(id: string) {
      record('app.setAppUserModelId', { id });
    },
  });
}

export const app = standInApp as StandInApp & { setAppUserModelId?(id: string): void };

/** [init] What Electron sets up before it loads the app's main script. */
export function installElectronInit(showErrorBox: (title: string, content: string) => void): void {
  process.on('uncaughtException', (error) => {
    if (process.listenerCount('uncaughtException') > 1) return;
    record('uncaughtException', { message: error.message });
    showErrorBox('A JavaScript error occurred in the main process', `Uncaught Exception:\n${error.stack ?? `${error.name}: ${error.message}`}`);
  });
  process.exit = ((code?: number | string | null) => {
    if (code !== undefined && code !== null) process.exitCode = code;
    app.exit(Number(process.exitCode ?? 0));
  }) as typeof process.exit;
  app.on('quit', (_event, exitCode: number) => process.emit('exit', exitCode));
  app.on('window-all-closed', () => {
    if (app.listenerCount('window-all-closed') === 1) app.quit();
  });
}
