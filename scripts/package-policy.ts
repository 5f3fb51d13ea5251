// What every packaged Keyfleet must be: the Electron fuses it carries (names as in
// @electron/fuses' FuseV1Options) and what its archive may hold. electron-builder.json asks for
// it; test/unit/packaging.test.ts checks the config against it with electron-builder's own file
// matcher, and scripts/verify-package.ts checks a built package.
export const EXPECTED_FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
} as const;

/**
 * Electron validates app.asar against its embedded hash only on macOS and Windows
 * (docs/tutorial/asar-integrity.md, "Version support"; docs/tutorial/fuses.md). On Linux the fuse
 * is set but nothing checks the archive, and Keyfleet says so instead of claiming protection.
 */
export function asarIntegrityNote(platform: string): string {
  return platform === 'darwin' || platform === 'win32'
    ? 'ASAR integrity: enforced (Electron checks app.asar against the hash in the executable at load).'
    : 'ASAR integrity: not enforced on Linux (Electron checks it only on macOS and Windows); app.asar is as safe as the folder it is installed in.';
}

/** Bundled into out/renderer by Vite: never shipped as packages. */
export const RENDERER_ONLY_PACKAGES = ['react', 'react-dom', 'scheduler', 'zustand', '@tanstack/react-virtual', '@tanstack/virtual-core'];
/** Needed only to compile the native modules from source (C++ headers), which the package never does. */
export const BUILD_ONLY_PACKAGES = ['node-addon-api'];

/** The native modules: their binary for a target, which prebuilt files belong to it, and their sources. */
const NATIVE = [
  {
    name: 'better-sqlite3',
    binary: (target: string) => `prebuilds/${target}.node`,
    ownPrebuild: (inner: string, target: string) => inner === `prebuilds/${target}.node`,
    sources: ['binding.gyp', 'deps/', 'src/', 'build/'],
  },
  {
    name: '@github/keytar',
    binary: (target: string) => `prebuilds/${target}/keytar.node`,
    ownPrebuild: (inner: string, target: string) => inner === `prebuilds/${target}` || inner.startsWith(`prebuilds/${target}/`),
    sources: ['binding.gyp', 'src/', 'build/', 'script/'],
  },
];

/**
 * What is wrong with a package's file list (paths relative to the app, e.g.
 * "node_modules/better-sqlite3/lib/index.js", from app.asar and app.asar.unpacked together):
 * sources, tests and maps of Keyfleet, renderer-only packages, native modules' sources and build
 * trees, and prebuilt binaries for any other platform or architecture.
 */
export function packagedFileProblems(files: readonly string[], platform: string, arch: string): string[] {
  const problems: string[] = [];
  const target = `${platform}-${arch}`;
  for (const file of files) {
    if (/^(src-|test\/)/.test(file) || (!file.startsWith('node_modules/') && file.endsWith('.ts'))) problems.push(`${file}: a Keyfleet source or test`);
    if (file.endsWith('.map')) problems.push(`${file}: a source map`);
    const rendererOnly = RENDERER_ONLY_PACKAGES.find((name) => file.startsWith(`node_modules/${name}/`));
    if (rendererOnly) problems.push(`${file}: ${rendererOnly} is in the renderer bundle already`);
    const buildOnly = BUILD_ONLY_PACKAGES.find((name) => file.startsWith(`node_modules/${name}/`));
    if (buildOnly) problems.push(`${file}: ${buildOnly} only serves a build from source`);
    for (const native of NATIVE) {
      const root = `node_modules/${native.name}/`;
      if (!file.startsWith(root)) continue;
      const inner = file.slice(root.length);
      if (native.sources.some((source) => inner === source || (source.endsWith('/') && inner.startsWith(source)))) problems.push(`${file}: ${native.name}'s sources or build tree`);
      if (inner.startsWith('prebuilds/') && !native.ownPrebuild(inner, target)) problems.push(`${file}: a ${native.name} binary for another platform than ${target}`);
    }
  }
  for (const native of NATIVE) {
    const binary = `node_modules/${native.name}/${native.binary(target)}`;
    if (!files.includes(binary)) problems.push(`${binary} is missing`);
  }
  return problems;
}
