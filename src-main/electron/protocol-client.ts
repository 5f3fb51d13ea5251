// Registering Keyfleet as the handler of keyfleet:// links. A packaged app registers itself. A
// development run is Electron's own binary running this folder: registering the bare binary would
// send links to an empty Electron, so only Windows, where the call takes the executable and its
// arguments, registers Electron with this app's path (docs/api/app.md, setAsDefaultProtocolClient;
// docs/tutorial/launch-app-from-url-in-another-app.md); elsewhere a development run registers nothing.
import { resolve } from 'node:path';
import { app } from 'electron';
import { DEEP_LINK_SCHEME } from '../deep-link.ts';

export function registerProtocolClient(): void {
  if (app.isPackaged) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
    return;
  }
  // The app's folder: the first argument that is not an option (`electron .`, `electron --flag .`).
  const appPath = process.argv.slice(1).find((arg) => !arg.startsWith('-'));
  if (process.platform === 'win32' && process.defaultApp && appPath) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(appPath)]);
  }
}
