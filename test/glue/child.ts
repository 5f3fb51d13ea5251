// One Electron main process, played under Node 24 for test/glue: 'electron' resolves to the
// stand-in (test/electron-stand-in/main/), the process looks like the scenario's platform and
// launch (process.platform, process.defaultApp, process.argv), Electron's own init runs, then the
// built out/main/index.js loads and 'ready' follows its first tick, or comes when the test says.
// The parent test fires OS events and reads the record over the IPC channel.
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Scenario } from '../electron-stand-in/main/scenario.ts';

const standInUrl = new URL('../electron-stand-in/main/electron.ts', import.meta.url).href;
registerHooks({
  resolve(specifier, context, next) {
    if (specifier === 'electron' || specifier === 'electron/main') return { url: standInUrl, format: 'module', shortCircuit: true };
    return next(specifier, context);
  },
});

// Native modules load for the machine that runs the test, before the process plays another platform
// (better-sqlite3 and keytar pick their binary by process.platform).
const { default: Database } = await import('better-sqlite3');
new Database(':memory:').close();
await import('@github/keytar').catch(() => undefined);

const scenario = JSON.parse(process.env.KEYFLEET_STAND_IN ?? '{}') as Scenario;
const appDir = fileURLToPath(new URL('../../', import.meta.url));
Object.defineProperty(process, 'platform', { value: scenario.platform });
// Electron's process: a development run is the Electron binary given the app's folder.
if (!scenario.packaged) (process as { defaultApp?: boolean }).defaultApp = true;
process.argv = [process.execPath, ...(scenario.packaged ? [] : [appDir]), ...scenario.args];

const electron = await import('../electron-stand-in/main/electron.ts');
const { installElectronInit } = await import('../electron-stand-in/main/app.ts');
const { app, BrowserWindow, powerMonitor, standIn } = electron;
installElectronInit((title, content) => electron.dialog.showErrorBox(title, content));

export type Op =
  | { op: 'ready' }
  | { op: 'app-event'; event: 'open-url'; url: string }
  | { op: 'app-event'; event: 'activate' }
  | { op: 'app-event'; event: 'second-instance'; argv: string[] }
  | { op: 'power'; event: string }
  | { op: 'idle'; state: Scenario['idleState'] }
  | { op: 'window'; action: 'close' | 'session-end' | 'minimize'; index?: number }
  | { op: 'invoke'; channel: string; input?: unknown; frameUrl?: string }
  | { op: 'channels' }
  | { op: 'clipboard' }
  | { op: 'quit' };

const event = () => ({ defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } });

/**
 * An event from the operating system: a listener that throws does not throw into the test's
 * request but, as with any event Electron's native side emits, becomes an uncaught exception.
 */
function fromOs(emit: () => unknown): unknown {
  try {
    return emit();
  } catch (error) {
    process.emit('uncaughtException', error as Error);
    return undefined;
  }
}

async function perform(message: Op): Promise<unknown> {
  const windows = BrowserWindow.getAllWindows();
  const window = () => {
    const found = windows[message.op === 'window' ? (message.index ?? 0) : 0];
    if (!found) throw new Error('No window is open.');
    return found;
  };
  switch (message.op) {
    case 'ready':
      return app.becomeReady();
    case 'app-event': {
      if (message.event === 'second-instance') return fromOs(() => app.emit('second-instance', event(), message.argv, process.cwd(), {}));
      // [app] 'open-url' and 'activate' are macOS events.
      if (scenario.platform !== 'darwin') throw new Error(`'${message.event}' is emitted on macOS only`);
      const { url } = message as { url?: string };
      return fromOs(() => (message.event === 'open-url' ? app.emit('open-url', event(), url) : app.emit('activate', event(), windows.length > 0)));
    }
    case 'power':
      powerMonitor.assertEmitted(message.event);
      return fromOs(() => powerMonitor.fire(message.event));
    case 'idle':
      powerMonitor.idleState = message.state;
      return undefined;
    case 'window':
      if (message.action === 'close') return window().close();
      if (message.action === 'minimize') return window().minimize();
      // [bw] 'session-end' is a Windows event.
      if (scenario.platform !== 'win32') throw new Error("'session-end' is emitted on Windows only");
      fromOs(() => window().endSession());
      // The session ends once the handler returns: what its promises settled by then is all that happens.
      await new Promise((resolve) => setImmediate(resolve));
      return standIn.clipboardText();
    case 'invoke':
      return standIn.invokeFromPage(window(), message.channel, message.input ?? {}, message.frameUrl);
    case 'channels':
      return standIn.channels();
    case 'clipboard':
      return standIn.clipboardText();
    case 'quit':
      return app.quit();
  }
}

process.on('message', (raw) => {
  const { id, ...message } = raw as Op & { id: number };
  perform(message).then(
    (value) => process.send?.({ reply: id, value: value === app ? undefined : structuredClone(value ?? null) }),
    (error: unknown) => process.send?.({ reply: id, error: String(error) }),
  );
});

try {
  await import(pathToFileURL(`${appDir}out/main/index.js`).href);
} catch (error) {
  // [init] An ESM main script that throws while loading is an uncaught exception.
  process.emit('uncaughtException', error as Error);
}
process.send?.({ loaded: true });
if (scenario.autoReady) setImmediate(() => app.becomeReady());
