// What can be checked of packaging without the Electron download: electron-builder's config asks
// for every fuse the policy requires, keeps sources and tests out, unpacks the native modules and
// never rebuilds them — and those modules are Node-API binaries for every target, which is why the
// packaged Electron loads them as they are.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPECTED_FUSES } from '../../scripts/package-policy.ts';

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  npmRebuild: boolean;
  buildDependenciesFromSource: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  protocols: Array<{ schemes: string[] }>;
  linux: { target: string[]; icon: string };
  mac: { target: string[] };
  win: { target: string[] };
}

const config = JSON.parse(readFileSync('electron-builder.json', 'utf8')) as BuilderConfig;
const camel = (name: string) => name[0]!.toLowerCase() + name.slice(1);

describe('packaging', () => {
  it('asks electron-builder for every required fuse', () => {
    const wanted = Object.fromEntries(Object.entries(EXPECTED_FUSES).map(([k, v]) => [camel(k), v]));
    expect(config.electronFuses).toEqual(wanted);
    expect(config.electronFuses.runAsNode).toBe(false);
    expect(config.electronFuses.onlyLoadAppFromAsar).toBe(true);
  });

  it('builds AppImage and deb, dmg, nsis, with the app id, name, icon and keyfleet:// scheme', () => {
    expect(config).toMatchObject({ appId: 'dev.keyfleet.app', productName: 'Keyfleet', asar: true });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(readFileSync(config.linux.icon).subarray(1, 4).toString()).toBe('PNG');
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual(['keyfleet']);
  });

  it('packs only the built app', () => {
    expect(config.files.filter((f) => !f.startsWith('!'))).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string; dependencies: Record<string, string> };
    expect(pkg.main.startsWith('out/main/')).toBe(true);
    // The Node toolchain is for scripts and tests, never shipped.
    expect(Object.keys(pkg.dependencies)).not.toContain('node');
    expect(Object.keys(pkg.dependencies)).not.toContain('electron');
  });

  it('never rebuilds the native modules and unpacks them beside the archive', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/prebuilds/**', 'node_modules/@github/keytar/prebuilds/**']));
  });

  it.each([
    ['better-sqlite3', ['linux-x64.node', 'linux-arm64.node', 'darwin-x64.node', 'darwin-arm64.node', 'win32-x64.node']],
    ['@github/keytar', ['linux-x64/keytar.node', 'darwin-arm64/keytar.node', 'win32-x64/keytar.node']],
  ])('%s ships Node-API binaries, which Electron loads without a rebuild', (name, files) => {
    for (const file of files) {
      const binary = readFileSync(`node_modules/${name}/prebuilds/${file}`);
      expect(binary.includes(Buffer.from('napi_register_module_v1')) || binary.includes(Buffer.from('napi_module_register')), file).toBe(true);
    }
  });
});
