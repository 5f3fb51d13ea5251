// Checks a packaged Keyfleet (after `npm run dist`, in dist/linux-unpacked, or a path given as the
// first argument): every Electron fuse is as electron-builder.json asks, the app is one app.asar
// holding only what package-policy.ts allows (no sources, tests, maps, renderer-only packages,
// native sources or other platforms' binaries), both native modules sit unpacked beside it, and
// what ASAR integrity really protects on this platform is said, not assumed.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { asarIntegrityNote, EXPECTED_FUSES, packagedFileProblems } from './package-policy.ts';

const appDir = process.argv[2] ?? 'dist/linux-unpacked';
const platform = process.argv[3] ?? process.platform;
const arch = process.argv[4] ?? process.arch;
const binary = readdirSync(appDir).find((f) => f === 'keyfleet' || f === 'Keyfleet' || f === 'Keyfleet.exe');
if (!binary) throw new Error(`No Keyfleet executable in ${appDir}; run npm run dist first.`);

const problems: string[] = [];
const wire = await getCurrentFuseWire(join(appDir, binary));
for (const [name, wanted] of Object.entries(EXPECTED_FUSES)) {
  const state = wire[FuseV1Options[name as keyof typeof FuseV1Options]];
  const expected = wanted ? FuseState.ENABLE : FuseState.DISABLE;
  if (state !== expected) problems.push(`fuse ${name} is ${FuseState[state as FuseState]}, expected ${FuseState[expected]}`);
}

const resources = join(appDir, 'resources');
const packed = listPackage(join(resources, 'app.asar'), { isPack: false }).map((entry) => entry.replace(/^[/\\]/, '').split(sep).join('/'));
const unpackedRoot = join(resources, 'app.asar.unpacked');
const unpacked = filesUnder(unpackedRoot).map((file) => relative(unpackedRoot, file).split(sep).join('/'));
// Native binaries must be on disk: Electron cannot load a .node file from inside the archive.
for (const native of packed.filter((file) => file.endsWith('.node'))) if (!unpacked.includes(native)) problems.push(`${native} is not unpacked`);
problems.push(...packagedFileProblems([...new Set([...packed, ...unpacked])], platform, arch));

if (problems.length > 0) {
  console.error(`Package check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Package check passed: ${Object.keys(EXPECTED_FUSES).length} fuses as configured, ${packed.length} asar entries, native modules unpacked for ${platform}-${arch}.`);
console.log(asarIntegrityNote(platform));

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((name) => join(dir, name))
      .filter((file) => statSync(file).isFile());
  } catch {
    return [];
  }
}
