// What can be checked of packaging without the Electron download: electron-builder's config asks
// for every fuse the policy requires; what it packs for each platform, computed with
// electron-builder's own file matcher over the installed production dependencies, holds nothing
// the policy forbids (renderer-only packages, native sources, other platforms' binaries); the deb
// keeps electron-builder's default dependencies and declares the glibc the shipped binaries need;
// the product and desktop names; the native modules are Node-API binaries Electron loads as they
// are; and `npm start` fetches the Electron binary or says in one sentence why it cannot.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asarIntegrityNote, EXPECTED_FUSES, packagedFileProblems, RENDERER_ONLY_PACKAGES } from '../../scripts/package-policy.ts';
import { installedBinary } from '../../scripts/ensure-electron.ts';

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
  linux: { target: string[]; icon: string; syncDesktopName: boolean; files: string[] };
  deb: { depends: string[] };
  mac: { target: string[]; files: string[] };
  win: { target: string[]; files: string[] };
}
interface PackageJson {
  name: string;
  productName: string;
  desktopName: string;
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const ROOT = resolve('.');
const config = JSON.parse(readFileSync('electron-builder.json', 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;
const camel = (name: string) => name[0]!.toLowerCase() + name.slice(1);
const require = createRequire(import.meta.url);

// electron-builder's own pieces: its file matcher and macro expansion, and its deb defaults.
const builderLib = dirname(require.resolve('app-builder-lib/package.json', { paths: [dirname(require.resolve('electron-builder/package.json'))] }));
const { FileMatcher, getNodeModuleFileMatcher } = require(join(builderLib, 'out/fileMatcher.js')) as {
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns: string[]) => { createFilter(): (file: string, stat: object) => boolean };
  getNodeModuleFileMatcher: (appDir: string, to: string, expand: (p: string) => string, platformOptions: object, packager: object) => { patterns: string[] };
};
const { expandMacro } = require(join(builderLib, 'out/util/macroExpander.js')) as { expandMacro: (p: string, arch: string, appInfo: object, extra: object) => string };
const { default: FpmTarget } = require(join(builderLib, 'out/targets/FpmTarget.js')) as { default: { prototype: { getDefaultDepends(target: string): string[] } } };

/** The production dependency closure, each with its folder and its path inside the app. */
function productionModules(): Array<{ dir: string; path: string }> {
  const found = new Map<string, { dir: string; path: string }>();
  // Node's lookup: the nearest node_modules/<name> from the dependent's folder up to the project.
  const locate = (name: string, fromDir: string): string => {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(candidate)) return candidate;
      if (dir === ROOT || dir === dirname(dir)) throw new Error(`${name} is not installed`);
    }
  };
  const visit = (name: string, fromDir: string) => {
    const dir = locate(name, fromDir);
    if (found.has(dir)) return;
    found.set(dir, { dir, path: relative(ROOT, dir).split(sep).join('/') });
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dep, dir);
  };
  for (const name of Object.keys(pkg.dependencies)) visit(name, ROOT);
  return [...found.values()];
}

/** Every file electron-builder's matcher lets into the package's node_modules for a target. */
function packedModuleFiles(builder: BuilderConfig, platform: 'linux' | 'mac' | 'win', arch: string): string[] {
  const expand = (pattern: string) => expandMacro(pattern, arch, {}, { os: platform });
  const platformOptions = builder[platform];
  const moduleMatcher = getNodeModuleFileMatcher(ROOT, '/app', expand, platformOptions, { config: builder, debugLogger: { isEnabled: false } });
  const files: string[] = [];
  for (const module of productionModules()) {
    const filter = new FileMatcher(module.dir, join('/app', module.path), expand, moduleMatcher.patterns).createFilter();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = join(dir, name);
        const stat = Object.assign(statSync(file), { moduleFullFilePath: `${module.path}/${relative(module.dir, file).split(sep).join('/')}` });
        if (name === 'node_modules' || !filter(file, stat)) continue;
        if (stat.isDirectory()) walk(file);
        else files.push(stat.moduleFullFilePath);
      }
    };
    walk(module.dir);
  }
  return files;
}

const TARGETS = [
  ['linux', 'linux', 'x64'],
  ['linux', 'linux', 'arm64'],
  ['mac', 'darwin', 'arm64'],
  ['mac', 'darwin', 'x64'],
  ['win', 'win32', 'x64'],
] as const;

describe('packaging', () => {
  it('asks electron-builder for every required fuse', () => {
    const wanted = Object.fromEntries(Object.entries(EXPECTED_FUSES).map(([k, v]) => [camel(k), v]));
    expect(config.electronFuses).toEqual(wanted);
    expect(config.electronFuses.runAsNode).toBe(false);
    expect(config.electronFuses.onlyLoadAppFromAsar).toBe(true);
  });

  it('says ASAR integrity is enforced on macOS and Windows only', () => {
    expect(asarIntegrityNote('linux')).toMatch(/^ASAR integrity: not enforced on Linux/);
    expect(asarIntegrityNote('darwin')).toMatch(/^ASAR integrity: enforced/);
    expect(asarIntegrityNote('win32')).toMatch(/^ASAR integrity: enforced/);
  });

  it('builds AppImage and deb, dmg, nsis, with the app id, the product and desktop names, icon and keyfleet:// scheme', () => {
    expect(config).toMatchObject({ appId: 'dev.keyfleet.app', productName: 'Keyfleet', asar: true });
    // Electron names the app (menus, "Quit Keyfleet", the data folder) from package.json's productName.
    expect(pkg.productName).toBe(config.productName);
    // The .desktop file, Wayland app_id and X11 WM_CLASS all come from desktopName.
    expect(pkg.desktopName).toBe(`${config.appId}.desktop`);
    expect(config.linux.syncDesktopName).toBe(true);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(readFileSync(config.linux.icon).subarray(1, 4).toString()).toBe('PNG');
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual(['keyfleet']);
  });

  it("keeps electron-builder's default deb dependencies and declares the glibc the shipped binaries need", () => {
    const firstAlternatives = config.deb.depends.map((entry) => entry.split('|')[0]!.trim());
    expect(firstAlternatives).toEqual(expect.arrayContaining(FpmTarget.prototype.getDefaultDepends('deb')));
    const glibc = (file: string) => [...readFileSync(file).toString('latin1').matchAll(/GLIBC_2\.(\d+)/g)].map((m) => Number(m[1]));
    const needed = Math.max(
      ...['linux-x64.node', 'linux-arm64.node'].flatMap((f) => glibc(`node_modules/better-sqlite3/prebuilds/${f}`)),
      ...['linux-x64', 'linux-arm64'].flatMap((d) => glibc(`node_modules/@github/keytar/prebuilds/${d}/keytar.node`)),
    );
    expect(needed).toBe(34);
    expect(config.deb.depends).toContain(`libc6 (>= 2.${needed})`);
  });

  it('ships only the main process, preload, renderer and the packages the main bundle imports', () => {
    expect(config.files.filter((f) => !f.startsWith('!'))).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
    expect(pkg.main.startsWith('out/main/')).toBe(true);
    const main = readFileSync('out/main/index.js', 'utf8');
    const imported = new Set([...main.matchAll(/(?:from\s*|import\()\s*"([^".][^"]*)"/g)].map((m) => m[1]!).filter((name) => !name.startsWith('node:') && name !== 'electron'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...imported].sort());
    for (const name of RENDERER_ONLY_PACKAGES.filter((n) => n in pkg.devDependencies)) expect(pkg.dependencies).not.toHaveProperty(name);
    // The Node toolchain and Electron itself are for development, never shipped as packages.
    expect(Object.keys(pkg.dependencies)).not.toContain('node');
    expect(Object.keys(pkg.dependencies)).not.toContain('electron');
  });

  it.each(TARGETS)('packs for %s (%s-%s) no native sources, no other platform binaries, no renderer-only packages', (os, platform, arch) => {
    const files = packedModuleFiles(config, os, arch);
    expect(packagedFileProblems(files, platform, arch)).toEqual([]);
    expect(files).toContain('node_modules/better-sqlite3/lib/index.js');
    expect(files).toContain('node_modules/undici/package.json');
  });

  it('would pack sources and every platform without the exclusions (the check above can fail)', () => {
    const loose = { ...config, files: config.files.filter((f) => !f.startsWith('!node_modules/')), linux: { ...config.linux, files: [] } };
    const problems = packagedFileProblems(packedModuleFiles(loose, 'linux', 'x64'), 'linux', 'x64');
    expect(problems.some((p) => p.includes('deps/sqlite3'))).toBe(true);
    expect(problems.some((p) => p.includes('prebuilds/win32-x64.node'))).toBe(true);
    expect(problems.some((p) => p.includes('node-addon-api'))).toBe(true);
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

describe('npm start / npm run dev on a fresh clone', () => {
  it("fetch the Electron binary with the electron package's own installer, or say in one sentence why they cannot", async () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts).toMatchObject({
      start: expect.stringMatching(/^node scripts\/ensure-electron\.ts && /) as string,
      dev: expect.stringMatching(/^node scripts\/ensure-electron\.ts && electron-vite dev$/) as string,
    });
    // A mirror that has no Electron release: the download fails the way an unreachable GitHub does.
    const mirror = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((done) => mirror.listen(0, '127.0.0.1', done));
    try {
      const { port } = mirror.address() as AddressInfo;
      // Asynchronously: the mirror answers from this process.
      const run = await new Promise<{ status: number | null; stderr: string }>((done) => {
        const child = execFile(process.execPath, ['scripts/ensure-electron.ts'], { encoding: 'utf8', env: { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${port}/` }, timeout: 60_000 }, (_error, _stdout, stderr) =>
          done({ status: child.exitCode, stderr }),
        );
      });
      if (installedBinary(dirname(require.resolve('electron/package.json')))) {
        // The binary is already there: the installer returns at once, nothing is downloaded.
        expect(run.status).toBe(0);
        return;
      }
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/Keyfleet needs the Electron \d+\.\d+\.\d+ binary, which the electron package downloads from http:\/\/127\.0\.0\.1:\d+\/, and that download failed \(.+\)\./);
      expect(run.stderr).toContain('set ELECTRON_MIRROR');
    } finally {
      mirror.close();
    }
  });
});
