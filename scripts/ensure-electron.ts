// `npm start` and `npm run dev` run this first. The electron package ships without its binary and
// downloads it (install.js, through @electron/get, from GitHub's releases) only when something
// requires it; electron-vite never does, so on a fresh clone `npm run dev` stopped at "Electron
// uninstall". This runs the package's own installer, which returns at once when the binary is
// there, and when the download cannot happen says so in one sentence with what to do.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type EnsureResult = { ok: true; binary: string } | { ok: false; message: string };

/** The installed binary, if the electron package in `dir` has one. */
export function installedBinary(dir: string): string | undefined {
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** Where @electron/get downloads from (its ELECTRON_MIRROR variable, else GitHub's releases). */
const downloadBase = () => process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';

/** install.js prints only "fetch failed"; the network's own reason (DNS, refused, TLS) is in the error's cause. */
async function networkReason(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { message?: unknown } }).cause;
    return typeof cause?.message === 'string' ? cause.message : String(error);
  }
}

export async function ensureElectron(dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))): Promise<EnsureResult> {
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const install = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  const binary = installedBinary(dir);
  if (install.status === 0 && binary) return { ok: true, binary };
  const printed = (install.stderr ?? '').split('\n').find((line) => line.trim() !== '')?.trim() ?? `the installer exited with ${install.status ?? install.signal}`;
  const from = downloadBase();
  const reason = /fetch failed/.test(printed) ? ((await networkReason(from)) ?? printed) : printed;
  return {
    ok: false,
    message:
      `Keyfleet needs the Electron ${version} binary, which the electron package downloads from ${from}, and that download failed (${reason}). ` +
      'Run this on a machine that reaches that address, or set ELECTRON_MIRROR to a mirror of Electron releases this machine can reach, then run the command again. ' +
      'Everything else works without the binary: npm test (its Electron spec skips), npm run build and npm run preview:web.',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await ensureElectron();
  if (!result.ok) {
    console.error(`\n${result.message}\n`);
    process.exit(1);
  }
}
