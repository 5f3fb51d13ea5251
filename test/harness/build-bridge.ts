// Bundles the harness bridge for the browser: the stand-in of a sandboxed preload's world
// (test/harness/bridge.ts), followed by the real built preload, byte for byte, wrapped in a
// function of the parameters Electron gives a sandboxed preload. Run after `npm run build`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const PRELOAD_FILE = `${root}out/preload/index.cjs`;
const OUTPUT = `${root}out/harness/bridge.js`;

const result = await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    write: false,
    minify: false,
    lib: { entry: 'test/harness/bridge.ts', formats: ['iife'], name: 'keyfleetHarness', fileName: () => 'bridge.js' },
  },
});
const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
if (!chunk) throw new Error('The harness bridge did not build.');

const preload = readFileSync(PRELOAD_FILE, 'utf8');
const bundle = [
  '(function () {',
  chunk.code,
  // Electron compiles a sandboxed preload as a function of these names (lib/sandboxed_renderer/preload.ts).
  'keyfleetHarness.start(function (require, process, exports, module, Buffer, global, setImmediate, clearImmediate) {',
  preload,
  '});',
  '})();',
  '',
].join('\n');
mkdirSync(`${root}out/harness`, { recursive: true });
writeFileSync(OUTPUT, bundle);
