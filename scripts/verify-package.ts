// Checks a packaged Keyfleet (after `npm run dist`, in dist/linux-unpacked, or a path given as
// the first argument): every Electron fuse is as electron-builder.yml asks, the app is one
// app.asar with no sources, tests or maps in it, and both native modules sit unpacked beside it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { EXPECTED_FUSES } from './package-policy.ts';

const appDir = process.argv[2] ?? 'dist/linux-unpacked';
const binary = readdirSync(appDir).find((f) => f === 'keyfleet' || f === 'Keyfleet' || f === 'Keyfleet.exe');
if (!binary) throw new Error(`No Keyfleet executable in ${appDir}; run npm run dist first.`);

const problems: string[] = [];
const wire = await getCurrentFuseWire(join(appDir, binary));
for (const [name, wanted] of Object.entries(EXPECTED_FUSES)) {
  const state = wire[FuseV1Options[name as keyof typeof FuseV1Options]];
  const expected = wanted ? FuseState.ENABLE : FuseState.DISABLE;
  if (state !== expected) problems.push(`fuse ${name} is ${FuseState[state as FuseState]}, expected ${FuseState[expected]}`);
}

const asar = join(appDir, 'resources', 'app.asar');
const entries = listPackage(asar, { isPack: false });
for (const bad of entries.filter((e) => /^\/(src-|test\/)|\.map$|\.ts$/.test(e))) problems.push(`app.asar holds ${bad}`);
for (const native of ['better-sqlite3/prebuilds/linux-x64.node', '@github/keytar/prebuilds/linux-x64']) {
  if (!existsSync(join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', native))) problems.push(`${native} is not unpacked`);
}

if (problems.length > 0) {
  console.error(`Package check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Package check passed: ${Object.keys(EXPECTED_FUSES).length} fuses as configured, ${entries.length} asar entries, native modules unpacked.`);
