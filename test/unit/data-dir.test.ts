// The data dir the app and the command line share: what Electron's app.getPath('userData') is on
// each OS (the per-user application data folder + the app's name from package.json), unless
// KEYFLEET_DATA_DIR says otherwise.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appNameOf, dataDirFor } from '../../src-main/data-dir.ts';
import { dataDirOf } from '../../src-main/cli/session.ts';

describe('data dir', () => {
  it('is where Electron puts userData on each OS', () => {
    expect(dataDirFor('Keyfleet', { platform: 'linux', env: {}, home: '/home/ada' })).toBe('/home/ada/.config/Keyfleet');
    expect(dataDirFor('Keyfleet', { platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg' }, home: '/home/ada' })).toBe('/xdg/Keyfleet');
    expect(dataDirFor('Keyfleet', { platform: 'freebsd', env: {}, home: '/home/ada' })).toBe('/home/ada/.config/Keyfleet');
    expect(dataDirFor('Keyfleet', { platform: 'darwin', env: { XDG_CONFIG_HOME: '/ignored' }, home: '/Users/ada' })).toBe('/Users/ada/Library/Application Support/Keyfleet');
    expect(dataDirFor('Keyfleet', { platform: 'win32', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, home: 'C:\\Users\\ada' })).toBe('C:\\Users\\ada\\AppData\\Roaming\\Keyfleet');
    expect(dataDirFor('Keyfleet', { platform: 'win32', env: {}, home: 'C:\\Users\\ada' })).toBe('C:\\Users\\ada\\AppData\\Roaming\\Keyfleet');
  });

  it('is KEYFLEET_DATA_DIR when that is set, on every OS', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(dataDirFor('Keyfleet', { platform, env: { KEYFLEET_DATA_DIR: '/data/kf', APPDATA: 'x', XDG_CONFIG_HOME: 'y' }, home: '/h' })).toBe('/data/kf');
    }
  });

  it('takes the app name as Electron does: productName, else name, trimmed', () => {
    expect(appNameOf({ name: 'keyfleet', productName: ' Keyfleet ' })).toBe('Keyfleet');
    expect(appNameOf({ name: 'keyfleet' })).toBe('keyfleet');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; productName?: string };
    // The command line, with no KEYFLEET_DATA_DIR, opens the app's own folder for this package.json.
    const env = { HOME: '/home/ada', XDG_CONFIG_HOME: '/home/ada/.config' };
    if (process.platform === 'linux') expect(dataDirOf({ env, cwd: '/' })).toBe(`/home/ada/.config/${appNameOf(pkg)}`);
    expect(dataDirOf({ env: { ...env, KEYFLEET_DATA_DIR: 'relative/dir' }, cwd: '/work' })).toMatch(/relative[\\/]dir$/);
  });

  it('is the one function the desktop app and the command line use', () => {
    expect(readFileSync('src-main/index.ts', 'utf8')).toMatch(/dataDir = dataDirFor\(app\.getName\(\), where\);\n\s+prepareDataDir\(dataDir\);\n\s+if \(dataDir !== app\.getPath\('userData'\)\) app\.setPath\('userData', dataDir\);/);
    expect(readFileSync('src-main/cli/session.ts', 'utf8')).toMatch(/dataDirFor\(appNameOf\(packageJson\)/);
  });
});
