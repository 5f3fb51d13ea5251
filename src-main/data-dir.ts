// Where Keyfleet keeps its data when KEYFLEET_DATA_DIR does not say: the folder Electron gives
// the desktop app as app.getPath('userData') — the per-user application data folder joined with
// the app's name, which Electron takes from package.json's productName, else its name. The
// command line opens the same folder, so the app and scripts share one inventory. Versions from
// before the product name used the package name ("keyfleet"): that folder is carried over.
import { existsSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix, resolve, win32 } from 'node:path';

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

/** The name of the data folder before Keyfleet had a product name (Electron used package.json's "name"). */
export const LEGACY_FOLDER_NAME = 'keyfleet';
const DATABASE_FILE = 'keyfleet.db';

/**
 * The data dir to use when KEYFLEET_DATA_DIR is not set. `userData` is appData/<product name>;
 * versions before the product name used appData/keyfleet. On a case-sensitive file system (Linux)
 * those are two folders: with `move`, the old one is renamed to the new name when the new one does
 * not exist yet (the desktop app, at its first start after the update); otherwise, or when both
 * exist and only the old one holds a database, the old one is used where it is. Case-insensitive
 * systems (macOS, Windows) see one folder under both names and nothing moves.
 */
export function carryOverDataFolder(appData: string, userData: string, move: boolean): { path: string; moved: boolean } {
  const legacy = join(appData, LEGACY_FOLDER_NAME);
  if (legacy === userData || existsSync(join(userData, DATABASE_FILE)) || !existsSync(join(legacy, DATABASE_FILE))) {
    return { path: userData, moved: false };
  }
  if (move && !existsSync(userData)) {
    try {
      renameSync(legacy, userData);
      return { path: userData, moved: true };
    } catch {
      // Keep the data where it is rather than start empty.
    }
  }
  return { path: legacy, moved: false };
}

export interface Where extends Platform {
  /** What a relative KEYFLEET_DATA_DIR counts from. */
  cwd?: string;
  /** Electron's app.getPath('appData') and app.getPath('userData') where the app has them; else computed as Electron does. */
  appData?: string;
  userData?: string;
  /** Rename the pre-product-name folder (the desktop app does; the command line only reads). */
  move?: boolean;
}

/**
 * The data dir: KEYFLEET_DATA_DIR if set (absolute; a relative path counts from `cwd`), else what
 * app.getPath('userData') is for this app name, with the older folder carried over.
 */
export function dataDirFor(appName: string, where: Where = here()): string {
  const chosen = where.env[DATA_DIR_ENV]?.trim();
  if (chosen) return resolve(where.cwd ?? process.cwd(), chosen);
  const appData = where.appData ?? appDataDir(where);
  const userData = where.userData ?? (where.platform === 'win32' ? win32 : posix).join(appData, appName);
  return carryOverDataFolder(appData, userData, where.move === true).path;
}
