// Where Keyfleet keeps its data when KEYFLEET_DATA_DIR does not say: the folder Electron gives
// the desktop app as app.getPath('userData') — the per-user application data folder joined with
// the app's name, which Electron takes from package.json's productName, else its name. The
// command line opens the same folder, so the app and scripts share one inventory.
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export const DATA_DIR_ENV = 'KEYFLEET_DATA_DIR';

/** The app's name as Electron reads it from package.json (productName, else name, trimmed). */
export function appNameOf(pkg: { productName?: unknown; name?: unknown }): string {
  const name = typeof pkg.productName === 'string' ? pkg.productName : typeof pkg.name === 'string' ? pkg.name : '';
  return name.trim() || 'Keyfleet';
}

export interface Platform {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
}

const here = (): Platform => ({ platform: process.platform, env: process.env, home: homedir() });

/**
 * app.getPath('appData'): %APPDATA% (the roaming AppData folder) on Windows,
 * ~/Library/Application Support on macOS, $XDG_CONFIG_HOME or ~/.config elsewhere.
 */
export function appDataDir({ platform, env, home }: Platform = here()): string {
  if (platform === 'win32') return env.APPDATA || win32.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME || posix.join(home, '.config');
}

/** The data dir: KEYFLEET_DATA_DIR if set, else what app.getPath('userData') is for this app name. */
export function dataDirFor(appName: string, where: Platform = here()): string {
  const chosen = where.env[DATA_DIR_ENV];
  if (chosen) return chosen;
  return (where.platform === 'win32' ? win32 : posix).join(appDataDir(where), appName);
}
